"""Two-step sign-in (TOTP): the code step of /login, enrolment, turning it off, resets."""

import datetime as dt
import json
import re

import pyotp
from sqlalchemy import func, select

from dashboard.auth import totp
from dashboard.auth.passwords import hash_password
from dashboard.db.models import AuditEntry, LoginAttempt, LoginSession, PendingLogin, User
from dashboard.db.users import create_user
from dashboard.pages.ids import admin_users as users_ids
from tests.conftest import PASSWORD, login, next_totp_code
from tests.factories import ADMIN, ADMIN_TOTP_SECRET, ALICE

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _step(at: dt.datetime = NOW) -> int:
    return pyotp.TOTP(ADMIN_TOTP_SECRET).timecode(at)


def _code(step: int, secret: str = ADMIN_TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def _actions(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_code_is_accepted_within_one_step_and_only_once():
    now = _step()
    for drift in (-1, 0, 1):
        assert totp.accepted_step(ADMIN_TOTP_SECRET, _code(now + drift), None, NOW) == now + drift
    for drift in (-2, 2):
        assert totp.accepted_step(ADMIN_TOTP_SECRET, _code(now + drift), None, NOW) is None
    # The step already used, or an earlier one, is refused: no replay.
    assert totp.accepted_step(ADMIN_TOTP_SECRET, _code(now), now, NOW) is None
    assert totp.accepted_step(ADMIN_TOTP_SECRET, _code(now - 1), now, NOW) is None
    assert totp.accepted_step(ADMIN_TOTP_SECRET, _code(now + 1), now, NOW) == now + 1
    spaced = _code(now)[:3] + " " + _code(now)[3:]
    assert totp.accepted_step(ADMIN_TOTP_SECRET, spaced, None, NOW) == now
    for bad in ("", "12345", "1234567", "abcdef", None, 123456, ["123456"]):
        assert totp.accepted_step(ADMIN_TOTP_SECRET, bad, None, NOW) is None


def test_the_password_alone_opens_nothing_and_the_code_signs_in(http, db, sqlite_people):
    response = http.post("/login", data={"email": ADMIN, "password": PASSWORD,
                                         "next": "/admin/users"})
    assert response.status_code == 200 and b"Two-step sign-in" in response.data
    assert http.get("/_dash-layout").status_code == 401
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LoginSession)) == 0
    response = http.post("/login/code", data={"code": next_totp_code(http.application, ADMIN)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert http.get("/_dash-layout").status_code == 200
    with db.read() as s:
        login_entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
        assert "totp" in login_entry.detail
        assert s.scalar(select(User.totp_last_step).where(User.email == ADMIN)) is not None
    assert _actions(db) == ["login_code_asked", "login"]


def test_wrong_codes_are_refused_recorded_and_slowed_down(http, db, sqlite_people):
    http.post("/login", data={"email": ADMIN, "password": PASSWORD})
    for _ in range(5):
        response = http.post("/login/code", data={"code": "000000"})
        assert response.status_code == 401 and b"not right" in response.data
    assert http.get("/_dash-layout").status_code == 401
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)
                        .where(LoginAttempt.email == ADMIN)) == 5
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(failed) == 5 and all('"step": "code"' in e.detail for e in failed)
    # Even the right code now waits: guessing a million codes is not practical.
    response = http.post("/login/code", data={"code": next_totp_code(http.application, ADMIN)})
    assert response.status_code == 429


def test_a_code_cannot_be_used_twice(http, db, sqlite_people):
    http.post("/login", data={"email": ADMIN, "password": PASSWORD})
    code = next_totp_code(http.application, ADMIN)
    assert http.post("/login/code", data={"code": code}).status_code == 302
    http.post("/logout")
    http.post("/login", data={"email": ADMIN, "password": PASSWORD})
    replay = http.post("/login/code", data={"code": code})
    assert replay.status_code == 401 and b"already used" in replay.data
    assert http.get("/_dash-layout").status_code == 401


def test_the_code_step_needs_a_recent_password_step(http, db, sqlite_people):
    # No password step in this browser: a code alone gets nowhere.
    response = http.post("/login/code", data={"code": next_totp_code(http.application, ADMIN)})
    assert response.status_code == 401
    assert http.get("/login/code").headers["Location"] == "/login"
    http.post("/login", data={"email": ADMIN, "password": PASSWORD})
    # The password step is recorded on the server: five minutes pass.
    with db.begin() as s:
        for pending in s.scalars(select(PendingLogin)):
            pending.created_at -= dt.timedelta(seconds=totp.PENDING_SECONDS + 1)
    response = http.post("/login/code", data={"code": next_totp_code(http.application, ADMIN)})
    assert response.status_code == 401 and b"took too long" in response.data
    assert http.get("/_dash-layout").status_code == 401


def _enrol(http, page_body: str) -> str:
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page_body).group(1)
    return secret.replace(" ", "")


def test_an_admin_without_a_second_factor_must_set_it_up_first(http, db, sqlite_people,
                                                              password_hash):
    with db.begin() as s:
        create_user(s, email="new.admin@test.clinic", name="Newt Admin", role="admin",
                    password_hash=password_hash)
    login(http, "new.admin@test.clinic")
    assert http.get("/").headers["Location"] == "/account/security"
    assert http.get("/_dash-layout").status_code == 403
    assert http.post("/_dash-update-component", json={}).status_code == 403
    page = http.get("/account/security")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Admins must use two-step sign-in" in body
    assert "<svg" in body and "<script" not in body
    secret = _enrol(http, body)
    # Reloading shows the same key (an app already scanned keeps working).
    assert _enrol(http, http.get("/account/security").get_data(as_text=True)) == secret
    wrong = http.post("/account/security", data={"action": "enable", "code": "000000"})
    assert wrong.status_code == 400 and http.get("/_dash-layout").status_code == 403
    done = http.post("/account/security", data={"action": "enable",
                                                "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and b"Two-step sign-in is on" in done.data
    assert http.get("/_dash-layout").status_code == 200
    # Admins cannot turn it off themselves.
    refused = http.post("/account/security", data={"action": "disable",
                                                   "code": next_totp_code(http.application,
                                                                          "new.admin@test.clinic")})
    assert refused.status_code == 400 and b"required for admins" in refused.data
    http.post("/logout")
    # From now on the password alone is not enough.
    assert http.post("/login", data={"email": "new.admin@test.clinic",
                                     "password": PASSWORD}).status_code == 200
    assert http.get("/_dash-layout").status_code == 401
    assert {"totp_setup_started", "totp_code_refused", "totp_enabled"} <= set(_actions(db))


def test_a_practitioner_may_turn_it_on_and_off_with_a_current_code(http, db, sqlite_people):
    login(http, ALICE)
    assert http.get("/account/security").status_code == 200
    assert http.get("/_dash-layout").status_code == 200  # offered, not forced
    secret = _enrol(http, http.get("/account/security").get_data(as_text=True))
    first = pyotp.TOTP(secret).now()
    assert b"is on" in http.post("/account/security",
                                 data={"action": "enable", "code": first}).data
    replay = http.post("/account/security", data={"action": "disable", "code": first})
    assert replay.status_code == 400
    off = http.post("/account/security", data={"action": "disable",
                                               "code": next_totp_code(http.application, ALICE)})
    assert off.status_code == 200 and b"is off" in off.data
    with db.read() as s:
        alice = s.scalar(select(User).where(User.email == ALICE))
        # Off; the page now offers setting up again, with a new key.
        assert alice.totp_enabled_at is None and alice.totp_secret != secret
    assert {"totp_enabled", "totp_disabled"} <= set(_actions(db))


def test_the_account_page_is_not_public(http, sqlite_people):
    assert http.get("/account/security").headers["Location"].startswith("/login")
    assert http.post("/account/security", data={"action": "enable"}).status_code == 401


def test_an_admin_resets_a_lost_second_factor(http, db, sqlite_people):
    from tests.dash_client import invoke

    with db.begin() as s:
        user = create_user(s, email="phone.lost@test.clinic", name="Pat Lost",
                           role="practitioner", password_hash=hash_password(PASSWORD))
        user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), dt.datetime.now(dt.UTC)
        uid = user.id
    login(http, ADMIN)
    values = {users_ids.TOTP: [({"type": users_ids.TOTP, "user": uid}, 1)],
              users_ids.TOTP_RESULT: [({"type": users_ids.TOTP_RESULT, "user": uid}, None)]}
    clicked = json.dumps({"type": users_ids.TOTP, "user": uid}, separators=(",", ":"))
    response = invoke(http, users_ids.TOTP_RESULT, values, triggered=f"{clicked}.n_clicks")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "reset" in response.get_data(as_text=True)
    with db.read() as s:
        user = s.get(User, uid)
        assert user.totp_secret is None and user.totp_enabled_at is None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "totp_reset")).one()
        assert entry.entity_id == uid
    # The user signs in with the password alone again and may set up a new phone.
    other = http.application.test_client()
    login(other, "phone.lost@test.clinic")
    # A practitioner cannot reset anyone's.
    alice = http.application.test_client()
    login(alice, ALICE)
    assert invoke(alice, users_ids.TOTP_RESULT, values,
                  triggered=f"{clicked}.n_clicks").status_code == 403
