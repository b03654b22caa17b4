"""Login, logout, the guard on every route, server-side sessions."""

import datetime as dt
import json

from sqlalchemy import select, update

from dashboard.db.models import AuditEntry, LoginAttempt, LoginSession, User
from dashboard.pages.ids import home as home_ids
from tests.conftest import PASSWORD, login
from tests.dash_client import find_component, open_page, page_layout, text_of
from tests.factories import ALICE, BOB


def test_pages_redirect_and_dash_routes_refuse_without_a_session(http, sqlite_people):
    response = http.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert http.get(path).status_code == 401
    response = http.post("/_dash-update-component", json={"output": "x.children"})
    assert response.status_code == 401
    assert "Carol" not in response.get_data(as_text=True)


def test_login_shows_own_clients_only(http, sqlite_people):
    login(http, ALICE)
    layout = http.get("/_dash-layout")
    assert layout.status_code == 200
    assert "Alice Practitioner" in layout.get_data(as_text=True)  # the navbar knows her
    home = open_page(http, "/")
    assert home.status_code == 200
    clients = text_of(find_component(page_layout(home), home_ids.CLIENTS))
    assert "Carol Alison" in clients  # her own client
    assert "Dave Bobson" not in text_of(page_layout(home))  # Bob's, nowhere on the page


def test_wrong_password_is_refused_and_recorded(http, db, sqlite_people):
    response = http.post("/login", data={"email": ALICE, "password": "wrong password"})
    assert response.status_code == 401
    assert "Email or password is incorrect" in response.get_data(as_text=True)
    assert http.get("/_dash-layout").status_code == 401
    with db.read() as s:
        assert s.scalar(select(LoginAttempt.email)) == ALICE
        assert "login_failed" in set(s.scalars(select(AuditEntry.action)))


def test_unknown_email_gets_the_same_message(http, sqlite_people):
    response = http.post("/login", data={"email": "nobody@x.org", "password": PASSWORD})
    assert response.status_code == 401
    assert "Email or password is incorrect" in response.get_data(as_text=True)


def test_repeated_failures_are_slowed_down(http, sqlite_people, monkeypatch):
    # The clock stands still: on a loaded machine five argon2 checks can outlast the wait.
    from dashboard.auth import login as login_module

    now = dt.datetime.now(dt.UTC)
    monkeypatch.setattr(login_module, "utcnow", lambda: now)
    for _ in range(5):
        http.post("/login", data={"email": ALICE, "password": "wrong password"})
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Another account is not locked out by failures on Alice's.
    login(http, BOB)


def test_logout_ends_the_session_on_the_server(http, db, sqlite_people):
    login(http, ALICE)
    stolen_cookie = http.get_cookie("dashboard_session").value
    http.post("/logout")
    assert http.get("/_dash-layout").status_code == 401
    # Replaying the old cookie does not bring the session back.
    http.set_cookie("dashboard_session", stolen_cookie)
    assert http.get("/_dash-layout").status_code == 401
    with db.read() as s:
        assert s.scalar(select(LoginSession.ended_at)) is not None


def test_deactivating_a_user_ends_their_session_at_once(http, db, sqlite_people):
    login(http, ALICE)
    with db.begin() as s:
        s.execute(update(User).where(User.email == ALICE).values(active=False))
    assert http.get("/_dash-layout").status_code == 401


def test_idle_sessions_expire(http, db, sqlite_people):
    login(http, ALICE)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    with db.begin() as s:
        s.execute(update(LoginSession).values(last_seen_at=long_ago))
    assert http.get("/_dash-layout").status_code == 401


def test_login_cookie_is_httponly_and_samesite(http, sqlite_people):
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_does_not_redirect_off_site(http, sqlite_people):
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD,
                                         "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD,
                                         "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_login_and_logout_are_audited(http, db, sqlite_people):
    login(http, ALICE)
    http.post("/logout")
    with db.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        ips = set(s.scalars(select(AuditEntry.ip)))
    assert actions == ["login", "logout"]
    assert ips == {"127.0.0.1"}


def test_health_check_is_public_and_tells_nothing(http):
    response = http.get("/healthz")
    assert response.status_code == 200 and json.loads(response.data) == {"status": "ok"}


def test_cross_site_posts_are_refused(http, sqlite_people):
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD},
                         headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    login(http, ALICE)
    response = http.post("/_dash-update-component", json={},
                         headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    # The app's own origin is fine.
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD},
                         headers={"Origin": "http://localhost"})
    assert response.status_code == 302


def test_pages_cannot_be_framed_and_are_not_cached(http, sqlite_people):
    login(http, ALICE)
    response = http.get("/_dash-layout")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
