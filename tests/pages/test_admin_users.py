"""Admin user management: one-time passwords, forced change, roles, the last admin."""

import re

from sqlalchemy import select

from dashboard.db.models import AuditEntry, User
from dashboard.domain.users import LAST_ADMIN, account_problem
from dashboard.pages.ids import admin_users as users_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE


def test_last_admin_rule():
    assert account_problem(is_active_admin=True, new_role="practitioner", new_active=True,
                           active_admins=1) == LAST_ADMIN
    assert account_problem(is_active_admin=True, new_role="admin", new_active=False,
                           active_admins=1) == LAST_ADMIN
    assert account_problem(is_active_admin=True, new_role="practitioner", new_active=True,
                           active_admins=2) is None
    assert account_problem(is_active_admin=False, new_role="boss", new_active=True,
                           active_admins=1) is not None


def test_new_user_must_change_the_one_time_password(http, db, sqlite_people):
    login(http, ADMIN)
    form = {f"{users_ids.FORM}.n_submit": 1, f"{users_ids.EMAIL}.value": "new@test.clinic",
            f"{users_ids.NAME}.value": "Nia New", f"{users_ids.NEW_ROLE}.value": "practitioner"}
    body = invoke(http, users_ids.CREATED, form).get_data(as_text=True)
    temporary = re.search(r'"children":"([A-Za-z0-9_-]{16})"', body).group(1)
    assert "must change it at first sign-in" in body
    assert "already exists" in invoke(http, users_ids.CREATED, form).get_data(as_text=True)
    http.post("/logout")
    login(http, "new@test.clinic", temporary)
    assert http.get("/").headers["Location"] == "/account/password"
    assert http.get("/_dash-layout").status_code == 403
    short = http.post("/account/password", data={"current": temporary, "new": "short",
                                                 "repeat": "short"})
    assert short.status_code == 400 and b"at least 12 characters" in short.data
    done = http.post("/account/password", data={"current": temporary,
                                                "new": "a brand new passphrase",
                                                "repeat": "a brand new passphrase"})
    assert done.status_code == 200 and b"has been changed" in done.data
    assert http.get("/_dash-layout").status_code == 200
    with db.read() as s:
        user = s.scalar(select(User).where(User.email == "new@test.clinic"))
        assert not user.must_change_password
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"user_created", "password_changed"} <= actions


def test_roles_deactivation_and_the_last_admin(http, db, sqlite_people):
    alice_session = http.application.test_client()
    login(alice_session, ALICE)
    login(http, ADMIN)

    def change(user_id, **values):
        key = next(iter(values))
        data = {f"users-{key}": [({"type": f"users-{key}", "user": user_id}, values[key])],
                users_ids.RESULT: [({"type": users_ids.RESULT, "user": user_id}, None)],
                users_ids.STATE: [({"type": users_ids.STATE, "user": user_id}, None)]}
        for other in ("role", "toggle", "reset"):
            data.setdefault(f"users-{other}", [({"type": f"users-{other}", "user": user_id},
                                                 None)])
        trigger = f'{{"type":"users-{key}","user":{user_id}}}'
        return invoke(http, users_ids.RESULT, data, triggered=trigger + (
            ".value" if key == "role" else ".n_clicks")).get_data(as_text=True)

    assert LAST_ADMIN in change(sqlite_people.admin_id, role="practitioner")
    assert LAST_ADMIN in change(sqlite_people.admin_id, toggle=1)
    assert "Saved" in change(sqlite_people.alice_id, toggle=1)  # deactivate Alice
    assert alice_session.get("/_dash-layout").status_code == 401  # her session ended
    assert "One-time password" in change(sqlite_people.bob_id, reset=1)
    with db.read() as s:
        assert not s.get(User, sqlite_people.alice_id).active
        assert s.get(User, sqlite_people.bob_id).must_change_password


def test_practitioners_get_nothing_from_admin_callbacks(http, sqlite_people):
    login(http, ALICE)
    form = {f"{users_ids.FORM}.n_submit": 1, f"{users_ids.EMAIL}.value": "x@test.clinic",
            f"{users_ids.NAME}.value": "X", f"{users_ids.NEW_ROLE}.value": "admin"}
    assert invoke(http, users_ids.CREATED, form).status_code == 403
