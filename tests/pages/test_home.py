"""Pages rendered through Dash's own callback, as the browser asks for them."""

from tests.conftest import login
from tests.dash_client import open_page
from tests.factories import ADMIN, ALICE


def test_anonymous_page_callback_gets_401_and_no_data(http, sqlite_people):
    response = open_page(http, "/")
    assert response.status_code == 401
    assert "Carol" not in response.get_data(as_text=True)


def test_practitioner_home_lists_own_clients_not_others(http, sqlite_people):
    login(http, ALICE)
    response = open_page(http, "/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Carol Alison" in body
    assert "Dave Bobson" not in body
    assert "Bob Practitioner" not in body


def test_admin_home_lists_everyone_with_practitioner(http, sqlite_people):
    login(http, ADMIN)
    body = open_page(http, "/").get_data(as_text=True)
    assert "Carol Alison" in body and "Dave Bobson" in body
    assert "Bob Practitioner" in body


def test_unknown_path_shows_not_found(http, sqlite_people):
    login(http, ALICE)
    body = open_page(http, "/no/such/page").get_data(as_text=True)
    assert "Page not found" in body


def test_index_page_declares_language_and_main_landmark(http, sqlite_people):
    login(http, ALICE)
    html = http.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    layout = http.get("/_dash-layout").get_data(as_text=True)
    assert '"type":"Main"' in layout.replace(" ", "")
