"""Recording a session from the keyboard alone, and the PHQ-9 item 9 safety alert."""

import datetime as dt
import re

from playwright.sync_api import Page, expect

from dashboard.pages.client import ids
from dashboard.pages.ids import home as home_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE, heat_plan_client

SAVED = re.compile(r"Session of .* saved")


def test_keyboard_only_session_then_item_9_alert(page: Page, server_url, db, sqlite_people,
                                                 axe):
    cid = heat_plan_client(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    assert_accessible(axe, page)

    # The date is today by default; from pain, Tab walks the form in order; Enter saves.
    page.get_by_label("Pain (0-10)").focus()
    page.keyboard.type("6")
    for value in ("4", "5", "3"):  # stress, Lifting rating, heat days done
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text(SAVED)
    table = page.locator(f"#{ids.SESSION_HISTORY_TABLE}")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("3/7 prescribed days (1 part)")
    expect(page.get_by_label("Pain (0-10)")).to_have_value("")  # ready for the next one

    # Second session, with a PHQ-9 whose item 9 is above 0; notes saved with Ctrl+Enter.
    page.get_by_label("Pain (0-10)").focus()
    page.keyboard.type("5")
    for value in ("4", "6", "4"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")  # notes
    page.keyboard.type("Low mood this week.")
    page.keyboard.press("Tab")  # PSS-10
    page.keyboard.press("Tab")  # PHQ-9
    page.keyboard.press("Space")
    expect(page.get_by_text("Thoughts that you would be better off dead")).to_be_visible()
    page.keyboard.press("Tab")  # GAD-7
    checked = page.locator(f"#{ids.SESSION_FORM} input[type=radio]:checked")
    for item in range(1, 10):
        page.keyboard.press("Tab")  # into item's radio group, on "0"
        page.keyboard.press("ArrowRight" if item == 9 else "Space")
        expect(checked).to_have_count(item)  # let Dash redraw before the next key
    page.get_by_label("Notes", exact=True).focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text(SAVED)
    expect(table.locator("tbody tr")).to_have_count(2)
    # Issue 17, item 7: the alert is where the practitioner's eyes are, not a screen's
    # height above the form they were typing in: it takes the focus and is in view.
    new_alert = page.locator(f"#{ids.ALERT_NEW}")
    expect(new_alert).to_be_focused()
    expect(new_alert).to_be_in_viewport()
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text("A safety alert is open")
    alert = page.locator(".safety-alert")
    expect(alert).to_contain_text("Safety alert")
    expect(alert).to_contain_text("Call the crisis line on 116 123.")
    expect(table.locator("tbody tr").first).to_contain_text("PHQ-9 1 (minimal)")
    assert_accessible(axe, page)

    # The alert is on the home page too, until acknowledged.
    page.goto(f"{server_url}/")
    expect(page.locator(".safety-alert")).to_contain_text("Carol Alison")
    page.goto(f"{server_url}/clients/{cid}")
    alert.get_by_label("Action taken").select_option("Crisis line details given")
    alert.get_by_label("Note").fill("Spoke with her; safe for now.")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(alert).to_contain_text("Acknowledged by Alice Practitioner")
    page.reload()
    expect(page.locator(".safety-alert")).to_have_count(0)
    page.goto(f"{server_url}/")
    expect(page.locator(f"#{home_ids.CLIENTS}")).to_be_visible()
    expect(page.locator(".safety-alert")).to_have_count(0)


def test_a_long_history_takes_the_new_session_on_top(page: Page, server_url, db,
                                                      sqlite_people):
    """At the history's limit the new row is patched in at the top and the oldest shown
    drops off, in the real browser."""
    from dashboard.db.sessions import HISTORY_LIMIT
    from tests.factories import add_sessions

    cid = heat_plan_client(db, sqlite_people)
    with db.begin() as s:
        add_sessions(s, cid, [(7, 6, None)] * HISTORY_LIMIT, start=dt.date(2026, 1, 10))
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    rows = page.locator(f"#{ids.SESSION_HISTORY_TABLE} tbody tr")
    expect(rows).to_have_count(HISTORY_LIMIT)
    expect(rows.last).to_contain_text("10 Jan 2026")
    page.get_by_label("Pain (0-10)").focus()
    page.keyboard.type("2")
    for value in ("3", "8", "6"):  # stress, Lifting rating, heat days done
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text(SAVED)
    expect(rows.first.locator("td").nth(1)).to_have_text("2")
    expect(rows).to_have_count(HISTORY_LIMIT)
    expect(rows.last).to_contain_text("17 Jan 2026")
