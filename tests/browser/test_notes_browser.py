"""The session notes page in a real browser (issue 19): reached from the client's history,
each note whole with its line breaks, readable on a phone, a tablet and a laptop."""

import datetime as dt
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.db.models import CareSession, Episode
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_the_notes_page_shows_each_note_whole(page: Page, server_url, db, setup, axe,
                                              sqlite_people):
    with db.begin() as s:
        episode = s.scalar(select(Episode.id).where(Episode.client_id == setup["client"]))
        for n in range(3):
            s.add(CareSession(client_id=setup["client"], episode_id=episode,
                              practitioner_id=sqlite_people.alice_id,
                              session_on=dt.date(2026, 1, 10 + n), pain=6 - n, stress=4,
                              notes=f"Visit {n + 1}. " + "Lifting went better today. " * 8
                              + "\nPlan: keep the bridges going."))
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{setup['client']}")
    page.get_by_role("link", name="Every session's note in full").click()
    expect(page.get_by_role("heading", name="Session notes: Carol Alison")).to_be_visible()
    note = page.locator(".session-note").first
    expect(note).to_contain_text("Visit 3.")
    expect(note).to_contain_text("Plan: keep the bridges going.")
    assert_accessible(axe, page)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (820, 1180), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"notes-{width}.png"))
