"""Issue 22: a practitioner assigns a PHQ-9 every two weeks; the client, on a 390 px phone
with JavaScript off, completes it from "To do" with item 9 = 1 and sees the crisis text at
once; the practitioner's home shows the safety alert."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.demo import create_demo
from dashboard.handout.content import SELF_HARM_URGENT
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


def test_a_phq9_completed_at_home_with_item_9_alerts_the_practitioner(
        page: Page, browser: Browser, server_url, demo, axe):
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/clients/1")
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_text("Plan", exact=True).click()
    page.get_by_role("link", name="Measures the client completes at home").click()
    page.get_by_label("PHQ-9 (depression)").select_option(label="Every 2 weeks")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#measures-message")).to_contain_text("Saved")
    expect(page.get_by_label("PHQ-9 (depression)")).to_have_value("2w")
    assert_accessible(axe, page)
    page.goto(f"{server_url}/clients/1/link")
    page.get_by_role("button", name=re.compile("Make (the|a new) link")).click()
    url = page.locator("#link-url").inner_text()

    phone = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                java_script_enabled=False)
    client = phone.new_page()
    client.goto(url)
    client.wait_for_url(f"{server_url}/my/")
    expect(client.get_by_role("heading", name="To do")).to_be_visible()
    client.get_by_role("link", name=re.compile("PHQ-9")).click()
    expect(client.get_by_text("Over the last 2 weeks")).to_be_visible()
    for number in range(1, 10):
        item = client.locator(f"#item-{number}")
        item.get_by_label("Several days" if number == 9 else "Not at all").check()
    _shot(client, "home-measure-phq9-phone")
    client.get_by_role("button", name="Send my answers").click()
    expect(client.locator("#crisis")).to_contain_text(SELF_HARM_URGENT)
    expect(client.locator("#crisis-line")).to_be_visible()
    expect(client.locator("#measure-sent")).to_contain_text("PHQ-9 sent")
    _shot(client, "home-measure-phq9-sent-phone")
    phone.close()

    # The same pages with script on (axe needs it), at phone, tablet and desktop widths:
    # accessible, and nothing scrolls sideways.
    for width in (390, 820, 1366):
        context = browser.new_context(viewport={"width": width, "height": 844})
        look = context.new_page()
        look.goto(url)
        look.wait_for_url(f"{server_url}/my/")
        for path in ("/my/measures/PHQ9", "/my/measures/PHQ9/done"):
            look.goto(f"{server_url}{path}")
            assert look.evaluate("document.documentElement.scrollWidth") <= width
            if width == 390:
                assert_accessible(axe, look)
            _shot(look, f"home-measure-{path.rsplit('/', 1)[1]}-{width}")
        context.close()

    page.goto(f"{server_url}/")
    alerts = page.locator(".safety-alert")
    expect(alerts).to_contain_text(name)
    expect(alerts).to_contain_text("at home, on their own page")
    _shot(page, "home-measure-alert-home")


def test_psfs_rated_at_home_on_a_320px_phone_without_script(
        page: Page, browser: Browser, server_url, demo, axe):
    """The practitioner assigns the client's own activities weekly; on the narrowest phone,
    script off, the client rates each 0-10 from "To do"; the practitioner's list shows the
    mean. Nothing scrolls sideways at 320, 390, 820 or 1366 px; axe finds nothing."""
    sign_in(page, server_url, "priya.patel@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/clients/1/measures")
    page.get_by_label(re.compile("Patient-Specific Functional Scale")).select_option(
        label="Every week")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#measures-message")).to_contain_text("Saved")
    page.goto(f"{server_url}/clients/1/link")
    page.get_by_role("button", name=re.compile("Make (the|a new) link")).click()
    url = page.locator("#link-url").inner_text()

    phone = browser.new_context(viewport={"width": 320, "height": 640},
                                device_scale_factor=1, is_mobile=True,
                                java_script_enabled=False)
    client = phone.new_page()
    client.goto(url)
    client.wait_for_url(f"{server_url}/my/")
    client.get_by_role("link", name=re.compile("Your activities")).click()
    expect(client.get_by_text("Today, how able are you")).to_be_visible()
    assert client.evaluate("document.documentElement.scrollWidth") <= 320
    _shot(client, "home-psfs-320")
    activities = client.locator("fieldset.item")
    count = activities.count()
    assert count >= 1
    client.get_by_role("button", name="Send my ratings").click()  # nothing rated
    expect(client.locator("#measure-errors")).to_contain_text("is not rated")
    for n in range(count):
        activities.nth(n).get_by_label(str(n + 5), exact=True).check()
    client.get_by_role("button", name="Send my ratings").click()
    expect(client.locator("#measure-sent")).to_contain_text("ratings sent")
    phone.close()

    for width in (320, 390, 820, 1366):
        context = browser.new_context(viewport={"width": width, "height": 844})
        look = context.new_page()
        look.goto(url)
        look.wait_for_url(f"{server_url}/my/")
        look.goto(f"{server_url}/my/measures/PSFS")
        assert look.evaluate("document.documentElement.scrollWidth") <= width
        if width == 320:
            assert_accessible(axe, look)
        _shot(look, f"home-psfs-{width}")
        context.close()

    page.goto(f"{server_url}/clients/1/measures")
    mean = sum(range(5, 5 + count)) / count
    expect(page.locator("#measures-results")).to_contain_text(f"{mean:g}")
