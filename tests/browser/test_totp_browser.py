"""Two-step sign-in in a real browser: an admin without it is sent to set it up, scans (here:
reads) the key, confirms a code, then signs in with password and code."""

import time

import pyotp
from playwright.sync_api import Page, expect

from dashboard.components import ids as component_ids
from dashboard.db.users import create_user
from tests.browser.conftest import assert_accessible, enrol_from_page, sign_in
from tests.conftest import PASSWORD
from tests.factories import ALICE

NEW_ADMIN = "second.admin@test.clinic"


def _password_step(page: Page, server_url: str, email: str) -> None:
    page.goto(f"{server_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_admin_enrols_then_signs_in_with_a_code(page: Page, server_url, db, sqlite_people,
                                                password_hash, axe):
    with db.begin() as s:
        create_user(s, email=NEW_ADMIN, name="Sia Second", role="admin",
                    password_hash=password_hash)
    _password_step(page, server_url, NEW_ADMIN)
    # Nothing else opens until the second factor is set up.
    expect(page).to_have_url(f"{server_url}/account/security")
    expect(page.locator("#security-required")).to_be_visible()
    expect(page.locator(".totp-qr svg")).to_be_visible()
    assert_accessible(axe, page)
    page.goto(f"{server_url}/clients")
    expect(page).to_have_url(f"{server_url}/account/security")
    secret = enrol_from_page(page)
    page.get_by_role("link", name="Go to the dashboard").click()
    expect(page.locator(f"#{component_ids.NAVBAR_USER}")).to_contain_text("Sia Second")
    page.get_by_role("button", name="Sign out").click()

    _password_step(page, server_url, NEW_ADMIN)
    code = page.get_by_label("Code from your authenticator app")
    expect(code).to_be_visible()
    assert_accessible(axe, page)
    code.fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    totp = pyotp.TOTP(secret)
    # The step used to enrol cannot be used again: the next one signs in.
    page.get_by_label("Code from your authenticator app").fill(
        totp.at(time.time(), counter_offset=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(f"#{component_ids.NAVBAR_USER}")).to_contain_text("Sia Second")


def test_practitioner_finds_two_step_sign_in_in_the_account_menu(page: Page, server_url,
                                                                  sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    page.get_by_role("button", name="Account").click()
    page.locator(f"#{component_ids.NAVBAR_SECURITY}").click()
    expect(page.locator("#totp-secret")).to_be_visible()
    expect(page.locator("#security-required")).to_have_count(0)
    enrol_from_page(page)
    assert_accessible(axe, page)
