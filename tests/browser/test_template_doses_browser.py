"""The template editor sets each part's dose (issue 19), and a plan made from the template
starts with it."""

import re

from playwright.sync_api import Page, expect

from dashboard.pages.client import ids
from dashboard.pages.ids import admin_templates as tpl_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ADMIN, ALICE, heat_plan_client


def dose_row(page: Page, title: str):
    return page.locator(f"[id*='{tpl_ids.DOSE_ROW}']").filter(
        has=page.get_by_text(re.compile(f"^{re.escape(title)}$")))


def test_an_admin_sets_a_parts_dose_and_a_plan_from_the_template_starts_with_it(
        page: Page, server_url, db, sqlite_people, browser, axe):
    sign_in(page, server_url, ADMIN)
    page.goto(f"{server_url}/admin/templates")
    page.get_by_label("Template").select_option(label="Desk worker")
    heat = dose_row(page, "Heat or cold therapy: Heat")
    expect(heat).to_be_visible()  # a part of the template shows its dose
    expect(heat.get_by_label("Minutes (from)")).to_have_value("15")
    expect(heat).to_contain_text("Safe ceiling: at most 20 minutes at a time.")
    expect(dose_row(page, "Heat or cold therapy: Cold")).to_be_hidden()  # not chosen
    assert_accessible(axe, page)

    heat.get_by_label("Minutes (to)").fill("25")  # past the safe ceiling
    page.get_by_role("button", name="Save").click()
    expect(heat.locator(".field-error")).to_contain_text("At most 20 minutes at a time")
    expect(page.locator(f"#{tpl_ids.RESULT}")).to_contain_text("Not saved")

    heat.get_by_label("Minutes (from)").fill("10")
    heat.get_by_label("Minutes (to)").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#{tpl_ids.RESULT}")).to_contain_text("Saved.")
    expect(heat.locator(".field-error")).to_be_empty()

    # A practitioner's plan from the template starts with the template's dose.
    cid = heat_plan_client(db, sqlite_people)
    practitioner = browser.new_context().new_page()
    sign_in(practitioner, server_url, ALICE)
    practitioner.goto(f"{server_url}/clients/{cid}?view=plan")
    desk_worker = practitioner.locator(f"#{ids.TEMPLATE} option", has_text="Desk worker")
    practitioner.get_by_label("Start from a template").select_option(
        value=desk_worker.first.get_attribute("value"))
    practitioner.get_by_role("button", name="Use template").click()
    expect(practitioner.locator(f"#{ids.TEMPLATE_RESULT}")).to_contain_text("Desk worker")
    row = practitioner.locator(".plan-part").filter(has_text="Heat").first
    expect(row.get_by_label("Minutes (from)")).to_have_value("10")
    expect(row.get_by_label("Minutes (to)")).to_have_value("12")
