"""The client's page loads light (issue 19, Lighthouse performance): it is drawn with the
view it opens on, and asks the server nothing more as it loads; the other views are drawn
when first opened, and the graphs (Plotly, 3.5 MB of script) only in the Progress view."""

from playwright.sync_api import Page, expect

from dashboard.pages.client import ids
from tests.browser.conftest import sign_in
from tests.factories import ALICE, heat_plan_client


def watch(page: Page) -> list[str]:
    """The app's requests from now on: Dash callbacks and Plotly's script."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if (
        "_dash-update-component" in r.url or "plotly" in r.url) else None)
    return seen


def callbacks(seen: list[str]) -> int:
    return sum("_dash-update-component" in url for url in seen)


def test_the_page_asks_nothing_more_as_it_loads_and_draws_views_when_opened(
        page: Page, server_url, db, sqlite_people):
    cid = heat_plan_client(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    seen = watch(page)
    page.goto(f"{server_url}/clients/{cid}")
    expect(page.get_by_label("Pain (0-10)")).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert callbacks(seen) == 1  # the page itself, with the Sessions view drawn
    assert not any("plotly" in url for url in seen)
    expect(page.locator(f"#{ids.PLAN_AREA}")).to_be_empty()  # drawn when first opened

    page.locator(f"#{ids.TABS}").get_by_text("Plan", exact=True).click()
    expect(page.locator(".plan-part").filter(has_text="Heat").first).to_be_visible()
    page.locator(f"#{ids.TABS}").get_by_text("Progress", exact=True).click()
    expect(page.locator(f"#{ids.PROGRESS} .js-plotly-plot").first).to_be_visible()


def test_a_page_opened_on_a_view_draws_it_without_asking_again(page: Page, server_url, db,
                                                              sqlite_people):
    cid = heat_plan_client(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    seen = watch(page)
    page.goto(f"{server_url}/clients/{cid}?view=plan")
    expect(page.locator(".plan-part").filter(has_text="Heat").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert callbacks(seen) == 1
    # Its builder was drawn once: opening Sessions and Plan again keeps what was typed.
    review = page.get_by_label("Review every (days)")
    review.fill("21")
    page.locator(f"#{ids.TABS}").get_by_text("Sessions", exact=True).click()
    page.locator(f"#{ids.TABS}").get_by_text("Plan", exact=True).click()
    expect(review).to_have_value("21")

    page.goto(f"{server_url}/clients/{cid}?view=progress")
    expect(page.locator(f"#{ids.PROGRESS}")).to_contain_text("Pain")
    page.get_by_label("Show").select_option(label="Last 30 days")  # redrawn for the range
    expect(page.locator(f"#{ids.PROGRESS}")).not_to_be_empty()
