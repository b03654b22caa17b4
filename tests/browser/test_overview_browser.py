"""The clinic overview in a real browser: the practitioners' outcome table a page at a time
(issue 24: at the ten-times clinic the whole table was 495 KB of JSON)."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from dashboard.demo import create_demo
from dashboard.pages.ids import overview as ids
from tests.browser.conftest import assert_accessible, dash_settled, sign_in


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def test_the_admin_pages_through_the_practitioners_outcomes(page: Page, server_url, demo, axe,
                                                            monkeypatch):
    from dashboard.pages import overview  # a page module: registered once the app exists

    # A page of one practitioner, so the demo clinic's few have several pages.
    monkeypatch.setattr(overview, "PRACTITIONERS_PER_PAGE", 1)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server_url, "admin@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/overview")
    rows = page.locator(f"#{ids.DISCHARGE_PRACTITIONER_ROWS}")
    expect(rows).to_contain_text("Practitioners 1–1 of")
    first_name = rows.locator("tbody th").first.inner_text()
    pager = page.locator(f"#{ids.DISCHARGE_PRACTITIONER_PAGE}")
    expect(pager).to_be_visible()
    pager.get_by_role("button", name="2", exact=True).or_(
        pager.get_by_text("2", exact=True)).first.click()
    expect(rows).to_contain_text("Practitioners 2–2 of")
    dash_settled(page)
    assert rows.locator("tbody tr").count() == 1
    assert rows.locator("tbody th").first.inner_text() != first_name
    assert_accessible(axe, page)
    assert not errors, errors
