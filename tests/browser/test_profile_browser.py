"""The profile page in a real browser (issue 19): reached from the Account menu, saved with
the keyboard, readable and accessible on a phone, a tablet and a laptop."""

from pathlib import Path

from playwright.sync_api import Page, expect

from dashboard.pages.ids import profile as profile_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_a_practitioner_sets_the_name_printed_on_handouts(page: Page, server_url, db,
                                                          sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    page.get_by_role("button", name="Account").click()
    page.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    page.get_by_label("Name printed on handouts and summaries").fill("Alice Smith")
    page.get_by_label("Profession").select_option(label="Physical therapist")
    phone = page.get_by_label("Phone printed on handouts")
    phone.fill("not a phone")
    phone.press("Enter")
    expect(page.locator(f"#{profile_ids.PHONE_ERROR}")).to_contain_text("phone number")
    phone.fill("01632 960 100")
    phone.press("Enter")
    expect(page.locator(f"#{profile_ids.RESULT}")).to_contain_text("Saved")
    expect(page.locator(f"#{profile_ids.PHONE_ERROR}")).to_be_empty()
    assert_accessible(axe, page)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (820, 1180), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"the profile page scrolls sideways at {width}px"
        page.screenshot(path=str(SHOTS / f"profile-{width}.png"))
