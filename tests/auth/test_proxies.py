"""Issue 24: the client's address behind a load balancer (TRUSTED_PROXIES, werkzeug's
ProxyFix) for the login throttle and the audit log, and a forged X-Forwarded-For ignored
when it does not come from a trusted proxy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.auth.proxies import TrustedProxies
from dashboard.config import Settings, SettingsError
from dashboard.db.models import AuditEntry
from tests.factories import ALICE

WRONG = "not the right password"


def _wrong_password(http, forwarded_for: str | None = None, peer: str = "127.0.0.1") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return http.post("/login", data={"email": ALICE, "password": WRONG}, headers=headers,
                     environ_base={"REMOTE_ADDR": peer}).status_code


def _failed_login_addresses(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.ip).where(AuditEntry.action == "login_failed")
                              .order_by(AuditEntry.id)))


def test_a_forged_forwarded_for_is_ignored_when_no_proxy_is_trusted(http, db, sqlite_people):
    # Each guess claims another address: believed, each would be a first try from a new
    # address and checked at once; ignored, they are one address's guesses and throttled.
    statuses = [_wrong_password(http, f"203.0.113.{n}") for n in range(1, 8)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    assert set(_failed_login_addresses(db)) == {"127.0.0.1"}


@pytest.fixture
def behind_proxy(app, monkeypatch):
    """The app as create_app wraps it when TRUSTED_PROXIES is 127.0.0.1 and 10.0.0.0/24."""
    monkeypatch.setattr(app.server, "wsgi_app",
                        TrustedProxies(app.server.wsgi_app, ("127.0.0.1/32", "10.0.0.0/24")))


def test_behind_a_trusted_proxy_each_client_is_throttled_and_audited_by_its_own_address(
        http, db, sqlite_people, behind_proxy):
    statuses = [_wrong_password(http, "198.51.100.7") for _ in range(6)]
    assert statuses == [401] * 5 + [429]  # one guesser behind the proxy is slowed down
    # ... but not a colleague behind the same proxy: a new address is checked at once.
    assert _wrong_password(http, "198.51.100.8") == 401
    # A client's own X-Forwarded-For reaches us left of the address the proxy saw: ignored.
    assert _wrong_password(http, "6.6.6.6, 198.51.100.9") == 401
    # Through two trusted hops (an edge proxy at 10.0.0.3, then the balancer at 127.0.0.1).
    assert _wrong_password(http, "6.6.6.6, 198.51.100.10, 10.0.0.3") == 401
    # (a throttled attempt is refused before the password is checked: not audited as failed)
    assert _failed_login_addresses(db) == ["198.51.100.7"] * 5 + [
        "198.51.100.8", "198.51.100.9", "198.51.100.10"]


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(
        http, db, sqlite_people, behind_proxy):
    assert _wrong_password(http, "198.51.100.7", peer="192.0.2.50") == 401
    assert _failed_login_addresses(db) == ["192.0.2.50"]


def test_trusted_proxies_setting_is_parsed_and_refuses_a_non_address():
    settings = Settings.from_env({"TRUSTED_PROXIES": " 10.0.0.5, 10.1.0.0/16 ,::1"})
    assert settings.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "::1/128")
    assert Settings.from_env({}).trusted_proxies == ()
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        Settings.from_env({"TRUSTED_PROXIES": "load-balancer.internal"})
