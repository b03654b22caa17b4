"""The client's own page on a phone-sized browser: a practitioner makes the link, the
client opens it, logs three days, and the practitioner sees them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.demo import create_demo
from dashboard.domain.dates import format_day
from dashboard.pages.client import ids
from dashboard.pages.ids import home as home_ids
from tests.browser.conftest import assert_accessible, sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_client_opens_their_link_on_a_phone_and_logs_three_days(
        page: Page, browser: Browser, server_url, demo, axe):
    # The practitioner, from the client's page, makes the link.
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/clients/1")
    page.get_by_text("Plan", exact=True).click()
    page.get_by_role("link", name="The client's own page: link and QR code").click()
    page.get_by_role("button", name=re.compile("Make (the|a new) link")).click()
    expect(page.locator("#link-message")).to_contain_text("A new link is ready")
    expect(page.locator("#link-live svg")).to_be_visible()
    assert_accessible(axe, page)
    url = page.locator("#link-url").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/my/[A-Za-z0-9_-]{32}", url)

    # The client, on a phone, with no account: the token gives way to a clean address.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    client = phone.new_page()
    client.goto(url)
    client.wait_for_url(f"{server_url}/my/")
    expect(client.get_by_role("heading", level=1)).to_have_text(re.compile(r"Hello, \w+"))
    expect(client.locator("#not-watched")).to_be_visible()
    expect(client.get_by_role("heading", name=re.compile("Get urgent help"))).to_be_attached()
    assert "/my/" + url.rsplit("/", 1)[1] not in client.content()
    assert_accessible(axe, client)
    _shot(client, "client-page-phone")
    # Nothing scrolls sideways on a 390 px phone.
    assert client.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    today = dt.datetime.now(ZoneInfo("Europe/London")).date()
    for back, pain in ((2, 6), (1, 5), (0, 7)):
        day = today - dt.timedelta(days=back)
        box = client.locator(f"#day-{day.isoformat()}")
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        ticks = box.get_by_role("checkbox")
        assert ticks.count() >= 1
        ticks.first.check()
        box.get_by_label(re.compile("^Pain on this day")).fill(str(pain))
        box.get_by_role("button", name=re.compile("^Save")).click()
        expect(client.locator("#saved")).to_contain_text("Saved")
    expect(client.locator(f"#day-{today.isoformat()} summary")).to_contain_text("saved")
    expect(client.get_by_label(re.compile("^Pain on this day")).first).to_have_value("7")
    _shot(client, "client-page-phone-logged")
    # 320 px wide still fits.
    client.set_viewport_size({"width": 320, "height": 700})
    assert client.evaluate("document.documentElement.scrollWidth") <= 320
    phone.close()

    # The practitioner sees the three days: pre-filled in the session form (editable)...
    page.goto(f"{server_url}/clients/1")
    prefilled = page.get_by_label(re.compile("ticked at home on 3 of 7 days"))
    expect(prefilled).to_have_value("3")
    # ... as the client's own lighter series on progress, and in its table...
    page.get_by_text("Progress", exact=True).click()
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE} .main-svg").first).to_be_visible(timeout=20_000)
    expect(page.locator(f"#{ids.PROGRESS_TIMELINE}")).to_contain_text("Pain at home (client)")
    page.get_by_text(re.compile(r"Reported at home by the client \(3 days\)")).click()
    for back, pain in ((2, 6), (1, 5), (0, 7)):
        day = today - dt.timedelta(days=back)
        expect(page.locator(f"#{ids.PROGRESS_HOME_TABLE}")).to_contain_text(
            f"{format_day(day)}{pain}")
    _shot(page, "client-page-progress")
    # ... and on home: logged on 3 of the last 7 days.
    page.goto(f"{server_url}/")
    expect(page.locator(f"#{home_ids.LOGGED_LIST}")).to_contain_text(
        "logged at home on 3 of the last 7 days")
