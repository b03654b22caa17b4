"""The practitioner's core flow in a real browser: a new client, a plan from a template,
a changed dose, version 2 in the history; bad input shows messages and saves nothing."""

from playwright.sync_api import Page, expect

from dashboard.pages.client import ids
from dashboard.pages.ids import client_intake as intake_ids
from dashboard.pages.ids import client_new as new_client_ids
from dashboard.pages.ids import clients as clients_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE


def test_create_client_plan_from_template_and_change_a_dose(page: Page, server_url,
                                                             sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    page.get_by_role("link", name="Clients", exact=True).click()
    expect(page.locator(f"#{clients_ids.LIST}")).to_contain_text("Carol Alison")
    assert_accessible(axe, page)

    page.get_by_role("link", name="New client").click()
    page.get_by_label("Given name").fill("Maya")
    page.get_by_label("Family name").fill("<b>Stone</b>")
    page.get_by_label("Date of birth").fill("1985-03-14")
    page.get_by_label("Email (optional)").fill("not an email")
    page.get_by_role("button", name="Create client").click()
    expect(page.locator(f"#{new_client_ids.EMAIL_ERROR}")).to_contain_text("valid email")
    assert_accessible(axe, page)
    page.get_by_label("Email (optional)").fill("maya@example.com")
    page.get_by_label("Email (optional)").press("Enter")  # Enter submits the form

    # A new client goes straight to intake: consent is required before anything else.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Intake: Maya <b>Stone</b>")  # HTML in names shown as text
    page.get_by_label("Reason for referral").fill("Low back pain with work stress")
    page.get_by_role("button", name="Record intake").click()
    expect(page.locator(f"#{intake_ids.CONSENT_TREATMENT_ERROR}")).to_contain_text("consent")
    # The checkbox itself says it is in error, and which message explains it.
    consent = page.locator(f"#{intake_ids.CONSENT_TREATMENT}")
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(consent).to_have_attribute("aria-describedby", intake_ids.CONSENT_TREATMENT_ERROR)
    page.get_by_label("The client consents to assessment and treatment").check()
    # Every urgent-care red-flag question must be answered (issue 17, item 8).
    for question in ("New difficulty passing urine", "Numbness around the genitals",
                     "Loss of bowel control", "New sexual dysfunction",
                     "Severe or worsening weakness"):
        page.locator("tr").filter(has_text=question).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record intake").click()
    expect(heading).to_have_text("Maya <b>Stone</b>")
    expect(page.locator(f"#{ids.TABS}-episode")).to_contain_text("Low back pain with work")
    page.get_by_text("Plan", exact=True).click()
    expect(page.locator(f"#{ids.HEADING}")).to_contain_text("none yet")

    # Nothing chosen: refused with a message.
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(f"#{ids.ITEMS_ERROR}")).to_contain_text("Choose at least one part")

    page.get_by_label("Start from a template").select_option(label=(
        "Desk worker: Long hours seated: set up the desk, move and strengthen, ease tension."))
    page.get_by_role("button", name="Use template").click()
    expect(page.locator(f"#{ids.TEMPLATE_RESULT}")).to_contain_text("Desk worker")
    heat_row = page.locator(".plan-part").filter(has_text="Heat").first
    expect(heat_row.get_by_role("checkbox")).to_be_checked()
    expect(heat_row.get_by_label("Minutes (from)")).to_have_value("15")
    # Looking at another view and coming back keeps the unsaved plan as it was.
    page.locator(f"#{ids.TABS}").get_by_text("Sessions", exact=True).click()
    page.locator(f"#{ids.TABS}").get_by_text("Plan", exact=True).click()
    expect(heat_row.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(f"#{ids.SAVE_RESULT}")).to_contain_text("Saved as version 1")
    assert_accessible(axe, page)

    # A dose out of range is refused next to the part.
    heat_row.get_by_label("Minutes (to)").fill("300")
    page.get_by_role("button", name="Save plan").click()
    expect(heat_row.locator(".field-error")).to_contain_text("between 1 and 240")
    expect(page.locator(f"#{ids.SAVE_RESULT}")).to_contain_text("not saved")

    heat_row.get_by_label("Minutes (to)").fill("20")
    heat_row.get_by_label("Times per day").fill("3")
    page.get_by_role("button", name="Save plan").click()
    expect(page.locator(f"#{ids.SAVE_RESULT}")).to_contain_text("Saved as version 2")
    history = page.locator(f"#{ids.HISTORY}")
    expect(history).to_contain_text("Version 2")
    expect(history).to_contain_text(
        "Heat: 15-20 minutes, twice a day, every day → 15-20 minutes, 3 times a day, every day")

    # Version 1 opens read-only with the wording it was given with.
    page.get_by_role("button", name="View").last.click()
    modal = page.get_by_role("dialog")
    expect(modal).to_contain_text("Plan version 1 (read-only)")
    expect(modal).to_contain_text("15-20 minutes, twice a day, every day")
