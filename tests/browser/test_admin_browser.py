"""An admin adds a practitioner, who signs in and must change the one-time password."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ADMIN


def test_admin_adds_a_practitioner_who_must_change_the_password(page: Page, server_url,
                                                                sqlite_people, axe):
    sign_in(page, server_url, ADMIN)
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Email").fill("nia@test.clinic")
    page.get_by_label("Name", exact=True).fill("Nia New")
    page.get_by_role("button", name="Add user").click()
    temporary = page.locator("#users-temporary")
    expect(temporary).to_be_visible()
    password = temporary.inner_text()
    expect(page.locator("#users-table")).to_contain_text("nia@test.clinic")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Sign out").click()

    page.get_by_label("Email").fill("nia@test.clinic")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("my own long passphrase")
    page.get_by_label("New password again").fill("my own long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Go to the dashboard").click()
    expect(page.locator("#navbar-user")).to_contain_text("Nia New")
