"""The session form from the keyboard, and the activities editor beside it (issue 19,
items 1 and 7)."""

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.db.models import StrategyPart
from dashboard.db.plans import save_plan_version
from dashboard.db.summary import current_episode
from dashboard.domain.dates import format_day
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.pages.client import ids
from tests.browser.conftest import assert_accessible, dash_settled, sign_in
from tests.factories import ALICE


def with_plan(db, people) -> int:
    """Alice's client with a plan (one part) and no PSFS activities yet."""
    cid = people.alice_client_id
    with db.begin() as s:
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        save_plan_version(s, episode_id=current_episode(s, cid).id, draft=PlanDraft((
            PlanItemDraft(heat.id, "Heat", "Heat", Dose.from_columns(heat)),)),
            user_id=people.alice_id, today=dt.date(2026, 1, 5))
    return cid


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_saving_activities_leaves_the_session_form_alone(page: Page, server_url, db,
                                                        sqlite_people, axe):
    cid = with_plan(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    activities = page.get_by_label("One activity per line, up to five")
    pain = page.get_by_label("Pain (0-10)")
    expect(activities).to_be_visible()  # open, since the client has none yet
    # ...and above the form that scores them.
    assert activities.bounding_box()["y"] < pain.bounding_box()["y"]

    pain.fill("5")  # typed in the session form, not saved
    activities.fill("Lifting\nWalking the dog\nSitting through a film")
    page.get_by_role("button", name="Save activities").click()
    expect(page.locator(f"#{ids.ACTIVITIES_RESULT}")).to_have_text("Activities saved.")
    expect(page.get_by_label("Walking the dog")).to_be_visible()
    expect(page.get_by_label("Lifting")).to_be_visible()
    dash_settled(page)
    # The session form neither complained nor lost what was typed.
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_be_empty()
    expect(page.locator(f"#{ids.SESSION_ERRORS['pain']}")).to_be_empty()
    expect(pain).to_have_value("5")
    assert_accessible(axe, page)


def test_focus_starts_at_pain_the_date_comes_after_and_errors_are_announced(
        page: Page, server_url, db, sqlite_people, axe):
    cid = with_plan(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    pain = page.get_by_label("Pain (0-10)")
    expect(pain).to_be_focused()  # no Tab presses to reach the first score

    # Scores first, then the rest; the date (today) only after the scores.
    page.keyboard.type("12")  # out of range
    page.keyboard.press("Tab")
    assert focused_id(page) == ids.SESSION_STRESS
    page.keyboard.type("4")
    order = page.evaluate(f"""() => [...document.querySelectorAll(
        '#{ids.SESSION_FORM} input, #{ids.SESSION_FORM} textarea')]
        .filter(e => e.offsetParent).map(e => e.id)""")
    assert (order.index(ids.SESSION_DATE) > order.index(ids.SESSION_STRESS)
            > order.index(ids.SESSION_PAIN))
    expect(page.get_by_label("Session date")).to_have_value(format_day(dt.date.today()))

    page.keyboard.press("Enter")
    error = page.locator(f"#{ids.SESSION_ERRORS['pain']}")
    expect(error).not_to_be_empty()
    expect(pain).to_have_attribute("aria-invalid", "true")
    expect(pain).to_have_attribute("aria-describedby", ids.SESSION_ERRORS["pain"])
    expect(pain).to_be_focused()  # the first field in error
    stress = page.get_by_label("Stress (0-10)")
    expect(stress).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(axe, page)

    pain.fill("6")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text("saved")
    expect(pain).not_to_have_attribute("aria-invalid", "true")


def test_a_session_is_deleted_only_once_confirmed(page: Page, server_url, db, sqlite_people):
    from dashboard.db.models import CareSession, Client
    from dashboard.db.sessions import save_session, session_context
    from dashboard.domain.sessions import SessionInput

    cid = with_plan(db, sqlite_people)
    with db.begin() as s:
        client = s.get(Client, cid)
        save_session(s, client=client, context=session_context(s, client),
                     user_id=sqlite_people.alice_id,
                     data=SessionInput(dt.date.today(), 5, 4, {}, {}))
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    delete = page.locator(f"#{ids.SESSION_HISTORY_TABLE}").get_by_role("button", name="Delete")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    delete.click()
    dash_settled(page)
    assert asked and asked[0].startswith("Delete the session of")
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_be_empty()
    with db.read() as s:
        assert s.scalar(select(CareSession.deleted_at)) is None  # "Cancel" sent nothing

    page.once("dialog", lambda d: d.accept())
    delete.click()
    expect(page.locator(f"#{ids.SESSION_RESULT}")).to_contain_text("Session deleted")
    with db.read() as s:
        assert s.scalar(select(CareSession.deleted_at)) is not None
