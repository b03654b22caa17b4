"""Phones and tablets (issue 19, item 5): every page fits 390 px without the page scrolling
sideways, the navbar folds into a menu, tables stack their rows, and a graph's legend sits
outside the plot, clear of Plotly's toolbar."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from dashboard.demo import create_demo
from dashboard.pages.client import ids
from dashboard.pages.ids import clients as clients_ids
from tests.browser.conftest import assert_accessible, sign_in

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def page_width(page: Page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_a_phone_never_scrolls_sideways_and_the_navbar_folds_into_a_menu(
        page: Page, server_url, demo, axe):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.set_viewport_size(PHONE)
    page.reload()
    clients_link = page.get_by_role("link", name="Clients", exact=True)
    expect(clients_link).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    clients_link.click()
    table = page.locator(f"#{clients_ids.TABLE}")
    expect(table).to_be_visible()
    scroll, inner = page_width(page)
    assert scroll <= inner, f"/clients scrolls sideways: {scroll} > {inner}"
    # Stacked rows: each cell is on screen with its column's name beside it.
    last_cell = table.locator("tbody tr").first.locator("td").last
    cell = last_cell.bounding_box()
    assert cell["x"] + cell["width"] <= inner
    assert "Next due" in last_cell.evaluate(
        "td => getComputedStyle(td, '::before').content")
    assert_accessible(axe, page)

    for path in ("/", "/clients/1", "/clients/1?view=progress", "/clients/1?view=episode",
                 "/overview", "/cover"):
        page.goto(f"{server_url}{path}")
        page.wait_for_load_state("networkidle")
        if "progress" in path:
            expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .main-svg").first).to_be_visible(
                timeout=60_000)
        scroll, inner = page_width(page)
        assert scroll <= inner, f"{path} scrolls sideways at 390 px: {scroll} > {inner}"
    history = page.locator(f"#{ids.SESSION_HISTORY_TABLE}")
    page.goto(f"{server_url}/clients/1")
    expect(history).to_be_visible()
    cell = history.locator("tbody tr").first.locator("td[data-label='By']").bounding_box()
    assert cell["x"] + cell["width"] <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_graph_legends_sit_below_the_plot_clear_of_the_toolbar(page: Page, server_url, demo,
                                                               viewport):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.set_viewport_size(viewport)
    page.goto(f"{server_url}/clients/1?view=progress")
    graph = f"#{ids.PROGRESS_TIMELINE}"
    # Plotly's 3.5 MB bundle can take long on two loaded cores.
    expect(page.locator(f"{graph} .legend").first).to_be_visible(timeout=60_000)
    page.locator(f"{graph} .nsewdrag").first.hover()  # the toolbar shows on hover or tap
    expect(page.locator(f"{graph} .modebar").first).to_be_visible()
    legend = box(page, f"{graph} .legend")
    plots = page.locator(f"{graph} .nsewdrag")
    lowest = max(plots.nth(i).bounding_box()["y"] + plots.nth(i).bounding_box()["height"]
                 for i in range(plots.count()))
    assert legend["y"] >= lowest, "the legend covers the plot"
    assert not overlaps(legend, box(page, f"{graph} .modebar")), "the toolbar covers the legend"
    figure = box(page, graph)
    assert figure["x"] + figure["width"] <= viewport["width"]


def test_the_admins_client_filters_fit_a_tablet(page: Page, server_url, demo):
    """An admin's filters (one more: the practitioner) wrap three to a row on a tablet
    instead of squeezing "Due or overdue only" past the screen's edge."""
    sign_in(page, server_url, "admin@demo.clinic", "backcare-demo-2026")
    for viewport in (TABLET, {"width": 1366, "height": 768}):
        page.set_viewport_size(viewport)
        page.goto(f"{server_url}/clients")
        expect(page.locator(f"#{clients_ids.TABLE}")).to_be_visible()
        scroll, inner = page_width(page)
        assert scroll <= inner, f"/clients scrolls sideways at {inner} px: {scroll}"
        due = box(page, f"label[for='{clients_ids.DUE}']")
        assert due["x"] + due["width"] <= inner
        page.screenshot(path=f"test-results/clients-admin-{inner}.png")
