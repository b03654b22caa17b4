"""What a save changes is shown changed at once (issue 19, item 6): the client header's
status and latest pain after a session is saved, and an acknowledged alert loses its form."""

import datetime as dt
import re

from playwright.sync_api import Page, expect

from dashboard.db.models import Client
from dashboard.db.sessions import save_session, session_context
from dashboard.domain.sessions import SessionInput
from dashboard.pages.client import ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE


def first_session(db, people) -> int:
    """One session a week ago, pain 8, with a PHQ-9 whose item 9 raises a safety alert."""
    cid = people.alice_client_id
    with db.begin() as s:
        client = s.get(Client, cid)
        save_session(s, client=client, context=session_context(s, client), user_id=people.alice_id,
                     data=SessionInput(dt.date.today() - dt.timedelta(days=7), 8, 6, {}, {},
                                       questionnaires={"PHQ9": [1, 1, 1, 1, 1, 1, 1, 1, 1]}))
    return cid


def test_the_header_and_the_alert_change_as_soon_as_a_save_is_done(
        page: Page, server_url, db, sqlite_people, axe):
    cid = first_session(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    badges, facts = page.locator(f"#{ids.HEADER_BADGES}"), page.locator(f"#{ids.HEADER_FACTS}")
    expect(badges).to_contain_text("Not enough data")
    expect(facts).to_contain_text("Latest pain 8")

    page.get_by_label("Pain (0-10)").fill("3")
    page.get_by_label("Stress (0-10)").fill("2")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text("saved")
    expect(badges).to_contain_text("Improving")  # 8 -> 3: 5 points and 62% better
    expect(facts).to_contain_text("Latest pain 3 (-5)")

    alert = page.locator(".safety-alert")
    alert.get_by_label("Action taken").select_option("Crisis line details given")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(alert).to_contain_text("Acknowledged by Alice Practitioner")
    expect(alert.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(alert.get_by_label("Action taken")).to_have_count(0)
    expect(alert).to_have_class(re.compile(r"\balert-success\b"))
    assert_accessible(axe, page)
