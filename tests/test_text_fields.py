"""Issue 18, items 8 and 14 through the whole server: a lone surrogate, a C1 control, a
bidirectional override or a zero-width character in a name gets the field's message and
changes nothing; searching with them is not a server error either."""

import pytest
from sqlalchemy import select

from dashboard.db.models import Client, PlanTemplate, User
from dashboard.pages.ids import admin_templates as tpl_ids
from dashboard.pages.ids import admin_users as users_ids
from dashboard.pages.ids import client_new as new_client_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import cover as cover_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE
from tests.snapshots import table_counts

BAD_NAMES = ["Ann\ud800", "An\u0085n", "An\u009bn", "Ann\u202eadams", "An\u200bn", "\ufeffAnn"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=ascii)
def test_a_new_client_s_name_is_refused_with_the_field_s_message(http, db, sqlite_people,
                                                                  name):
    login(http, ALICE)
    before = table_counts(db, skip={"audit_log", "login_sessions"})
    response = invoke(http, new_client_ids.GO, {
        f"{new_client_ids.FORM}.n_submit": 1, f"{new_client_ids.GIVEN_NAME}.value": name,
        f"{new_client_ids.FAMILY_NAME}.value": "Adams",
        f"{new_client_ids.DATE_OF_BIRTH}.value": "1980-01-02"})
    assert response.status_code == 200
    assert "invisible control characters" in response.get_data(as_text=True)
    assert table_counts(db, skip={"audit_log", "login_sessions"}) == before


@pytest.mark.parametrize("name", BAD_NAMES, ids=ascii)
def test_admin_names_are_refused_too(http, db, sqlite_people, name):
    login(http, ADMIN)
    before = table_counts(db, skip={"audit_log", "login_sessions"})
    user = invoke(http, users_ids.EMAIL_ERROR, {
        f"{users_ids.FORM}.n_submit": 1, f"{users_ids.EMAIL}.value": "new@test.clinic",
        f"{users_ids.NAME}.value": name, f"{users_ids.NEW_ROLE}.value": "practitioner"})
    template = invoke(http, tpl_ids.NAME_ERROR, {
        f"{tpl_ids.FORM}.n_submit": 1, f"{tpl_ids.CHOICE}.value": "new",
        f"{tpl_ids.NAME}.value": name,
        f"{tpl_ids.REVIEW}.value": 14, f"{tpl_ids.PARTS}.value": [1]})
    for response in (user, template):
        assert response.status_code == 200
        assert "invisible control characters" in response.get_data(as_text=True)
    assert table_counts(db, skip={"audit_log", "login_sessions"}) == before
    with db.read() as s:
        assert not any(u.name == name for u in s.scalars(select(User)))
        assert not any(t.name == name for t in s.scalars(select(PlanTemplate)))


def test_searching_with_a_lone_surrogate_is_not_a_server_error(http, db, sqlite_people):
    login(http, ALICE)
    response = invoke(http, clients_ids.TABLE, {f"{clients_ids.SEARCH}.value": "Car\ud800",
                                                f"{clients_ids.ARCHIVED}.value": "active"})
    assert response.status_code == 200
    response = invoke(http, cover_ids.RESULTS, {f"{cover_ids.SEARCH}.value": "Dav\ud800e"})
    assert response.status_code == 200
    with db.read() as s:
        assert s.scalar(select(Client.given_name).where(
            Client.id == sqlite_people.alice_client_id)) == "Carol"
