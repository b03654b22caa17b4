"""One date format in the browser (issue 19): every date field shows the day as the app
writes it ("30 Nov 2026") whatever the browser's language, reads what is typed day first,
and says beside the field when it cannot read it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.db.models import Client
from dashboard.domain.dates import DAY_HINT, format_day
from dashboard.pages.client import ids
from dashboard.pages.ids import client_new as new_client_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE, heat_plan_client


def clinic_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def test_a_date_of_birth_is_read_day_first_and_shown_one_way(page: Page, server_url, db,
                                                              sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/new-client")
    page.get_by_label("Given name").fill("Ines")
    page.get_by_label("Family name").fill("Datewise")
    born = page.get_by_label("Date of birth")
    expect(born).to_have_attribute("placeholder", "e.g. 30 Nov 2026")
    born.fill("03/14/1985")  # month first: there is no 14th month
    page.get_by_role("button", name="Create client").click()
    error = page.locator(f"#{new_client_ids.DATE_OF_BIRTH_ERROR}")
    expect(error).to_have_text(DAY_HINT)
    expect(born).to_have_attribute("aria-invalid", "true")
    assert_accessible(axe, page)
    with db.read() as s:
        assert s.scalar(select(Client).where(Client.family_name == "Datewise")) is None

    born.fill("14/03/1985")  # as the clinic writes it: 14 March
    page.get_by_role("button", name="Create client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake: Ines Datewise")
    with db.read() as s:
        client = s.scalar(select(Client).where(Client.family_name == "Datewise"))
        assert client.date_of_birth == dt.date(1985, 3, 14)
    page.goto(f"{server_url}/clients/{client.id}/edit")
    expect(page.get_by_label("Date of birth")).to_have_value("14 Mar 1985")


def test_the_session_date_is_today_in_the_clinics_format_and_read_day_first(
        page: Page, server_url, db, sqlite_people):
    cid = heat_plan_client(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    today = clinic_today()
    field = page.get_by_label("Session date")
    expect(field).to_have_value(format_day(today))  # "30 Nov 2026", not 11/30/2026

    page.get_by_label("Pain (0-10)").fill("5")
    page.get_by_label("Stress (0-10)").fill("4")
    page.get_by_label("Lifting").fill("6")
    field.fill("31/31/2026")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(f"#{ids.SESSION_ERRORS['date']}")).to_have_text(DAY_HINT)

    field.fill(f"{today.day}/{today.month}/{today.year}")  # numbers, day first
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text(
        re.compile(rf"Session of {format_day(today)} saved"))
    history = page.locator(f"#{ids.SESSION_HISTORY_TABLE}")
    expect(history.locator("tbody tr").first).to_contain_text(format_day(today))
    expect(field).to_have_value(format_day(today))  # ready for the next, as it shows days
