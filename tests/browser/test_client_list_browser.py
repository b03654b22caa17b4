"""The client list (issue 19, items 8 and "should change"): its first page arrives with the
page, so nothing shifts (CLS below 0.1), and its filters, sort and page live in the URL."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.demo import create_demo
from dashboard.pages.ids import clients as clients_ids
from tests.browser.conftest import assert_accessible, sign_in

# Sums every layout shift not caused by input, as Lighthouse's CLS does (one page, no
# session windows: an upper bound).
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; }
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def test_the_list_arrives_with_the_page_and_nothing_shifts(page: Page, server_url, demo, axe):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.add_init_script(CLS_OBSERVER)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server_url}/clients")
        expect(page.locator(f"#{clients_ids.LIST} tbody tr").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        cls = page.evaluate("window.__cls")
        assert cls < 0.1, f"cumulative layout shift {cls:.3f} at {width} px"
    assert_accessible(axe, page)


def test_filters_sort_and_page_survive_reload_and_back(page: Page, server_url, demo):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/clients")
    rows = page.locator(f"#{clients_ids.LIST} tbody tr")
    expect(rows.first).to_be_visible()
    all_rows = rows.count()
    page.get_by_label("Search by name").fill("ad")
    page.get_by_label("Sort by").select_option("pain")
    expect(page).to_have_url(re.compile(r"/clients\?q=ad&sort=pain$"))
    expect(page.locator(f"#{clients_ids.COUNT}")).not_to_contain_text(f"{all_rows} clients")
    found = rows.count()
    first = rows.first.locator("td").first.inner_text()

    page.reload()
    expect(page.get_by_label("Search by name")).to_have_value("ad")
    expect(page.get_by_label("Sort by")).to_have_value("pain")
    expect(rows).to_have_count(found)
    expect(rows.first.locator("td").first).to_have_text(first)

    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/clients/\d+$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/clients\?q=ad&sort=pain$"))
    expect(page.get_by_label("Search by name")).to_have_value("ad")
    expect(rows).to_have_count(found)
