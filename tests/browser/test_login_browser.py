"""A practitioner signs in, sees their own clients and not another's."""

from playwright.sync_api import Page, expect

from dashboard.components import ids as component_ids
from dashboard.pages.ids import home as home_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE


def test_practitioner_sees_own_clients_only(page: Page, server_url, sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    table = page.locator(f"#{home_ids.CLIENTS}")
    expect(table).to_contain_text("Carol Alison")
    expect(table).not_to_contain_text("Dave Bobson")
    expect(page.locator(f"#{component_ids.NAVBAR_USER}")).to_contain_text("Alice Practitioner")
    assert_accessible(axe, page)


def test_wrong_password_shows_an_error(page: Page, server_url, sqlite_people, axe):
    page.goto(f"{server_url}/login")
    page.get_by_label("Email").fill(ALICE)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect")
    assert_accessible(axe, page)
    # Still signed out: the home page sends us back to the login form.
    page.goto(server_url + "/")
    expect(page).to_have_url(f"{server_url}/login?next=/")


def test_sign_out_returns_to_login(page: Page, server_url, sqlite_people):
    sign_in(page, server_url, ALICE)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto(server_url + "/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
