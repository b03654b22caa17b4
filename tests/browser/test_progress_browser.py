"""The demo clinic's progress page and overview, drawn in a real browser."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.demo import create_demo
from dashboard.pages.client import ids
from dashboard.pages.ids import overview as overview_ids
from tests.browser.conftest import assert_accessible, sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_progress_page_draws_the_timeline(page: Page, server_url, demo, axe):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/clients/1")
    expect(page.locator(".safety-alert")).to_be_visible()  # the demo's item-9 alert
    page.get_by_text("Progress", exact=True).click()
    sentence = page.locator(f"#{ids.PROGRESS_SENTENCE}")
    expect(sentence).to_contain_text("Pain")
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .main-svg").first).to_be_visible()
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .scatterlayer .trace").first).to_be_attached()
    expect(page.locator(f"#{ids.PROGRESS_ADHERENCE} .heatmaplayer, #{ids.PROGRESS_ADHERENCE} image")
           .first).to_be_attached()
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE}")).to_contain_text("plan v1")
    shot(page, "progress")
    assert_accessible(axe, page)
    page.get_by_label("Show", exact=True).select_option("30")
    expect(page.locator("[data-range='30']")).to_be_attached()


def test_overview_draws_four_figures(page: Page, server_url, demo, axe):
    sign_in(page, server_url, "admin@demo.clinic", "backcare-demo-2026")
    page.get_by_role("link", name="Overview").click()
    for graph in ("caseload", "status", "strategy", "sessions"):
        expect(page.locator(f"#overview-{graph} .main-svg").first).to_be_visible()
    expect(page.locator(f"#{overview_ids.STATUS}")).to_contain_text("Improving")
    # The outcomes at discharge: one row a practitioner, each share with its interval (the
    # rows travel as Dash's JSON, not as component objects: pages/overview._cell).
    practitioners = page.locator(f"#{overview_ids.DISCHARGE_PRACTITIONER} tbody tr")
    expect(practitioners.first.locator("th[scope=row]")).to_be_visible()
    expect(practitioners.first).to_contain_text(" of ")
    shot(page, "overview")
    for width in (390, 820, 1366):  # looked at by eye (docs/PERFORMANCE.md, issue 23/24)
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"overview-{width}")
    assert_accessible(axe, page)
