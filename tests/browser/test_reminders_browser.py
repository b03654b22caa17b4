"""Issue 22, email reminders in a real browser: the practitioner records the client's
consent on the reminders page; `send-reminders` delivers one message to a real SMTP server
on loopback; the client, on a 390 px phone, follows the message's unsubscribe link and stops
the reminders; the practitioner's page then shows the message sent and the consent
withdrawn by the client. Each page accessible and without sideways scrolling at 390, 820
and 1366 px (screenshots in test-results/)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from dashboard.config import parse_smtp_url
from dashboard.context import SETTINGS_KEY
from dashboard.db.models import Client, Episode, User
from dashboard.demo import DEMO_PASSWORD, create_demo
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.reminders import send_reminders
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import clinic_today
from tests.smtp_server import smtp_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
WIDTHS = (390, 820, 1366)


@pytest.fixture
def demo(db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _at_widths(browser: Browser, axe, url: str, name: str, storage: dict | None = None):
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 844},
                                      storage_state=storage)
        look = context.new_page()
        look.goto(url)
        look.wait_for_load_state("networkidle")
        assert look.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        assert_accessible(axe, look)
        _shot(look, f"{name}-{width}")
        context.close()


def test_consent_a_reminder_sent_and_unsubscribing_from_a_phone(
        page: Page, browser: Browser, server_url, demo, db, app, axe, monkeypatch):
    with db.read() as s:
        # A demo client with an address and an open episode, not yet asked about email
        # (the demo gives some clients consent and a link already), and their practitioner.
        client = s.scalars(select(Client).join(Episode, Episode.client_id == Client.id).where(
            Client.email != "", Client.archived.is_(False), Client.episode_state == "open",
            Episode.ended_on.is_(None), Episode.email_consent.is_(False))
            .order_by(Client.id)).first()
        cid, practitioner = client.id, s.get(User, client.practitioner_id).email
    sign_in(page, server_url, practitioner, DEMO_PASSWORD)
    page.goto(f"{server_url}/clients/{cid}")
    page.get_by_text("Plan", exact=True).click()
    page.get_by_role("link", name="Email reminders: consent and messages sent").click()
    expect(page.locator("#reminders-off")).to_contain_text("Email is not set up")
    page.get_by_role("button", name="Record that the client agrees to email reminders").click()
    expect(page.locator("#reminders-message")).to_contain_text("is recorded")
    page.goto(f"{server_url}/clients/{cid}/link")
    page.get_by_role("button", name=re.compile("Make (the|a new) link")).click()
    page.goto(f"{server_url}/clients/{cid}/measures")
    page.get_by_label("PHQ-9 (depression)").select_option(label="Every 2 weeks")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#measures-message")).to_contain_text("Saved")

    with smtp_server() as mail:
        settings = dataclasses.replace(app.server.extensions[SETTINGS_KEY],
                                       public_url=server_url,
                                       smtp=parse_smtp_url(mail.url, "reminders@demo.clinic"))
        monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, settings)
        report = send_reminders(db, settings, today=clinic_today())
        assert report.sent >= 1 and report.failed == 0
        [message] = [m for m in mail.received if m.recipients == [client.email]]
    unsubscribe = re.search(rf"{re.escape(server_url)}/my/unsubscribe/\S+", message.body)[0]

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                java_script_enabled=False)
    client_page = phone.new_page()
    client_page.goto(unsubscribe)
    expect(client_page.get_by_role("heading", name="Stop email reminders?")).to_be_visible()
    _shot(client_page, "unsubscribe-ask-390")
    client_page.get_by_role("button", name="Stop email reminders").click()
    expect(client_page.locator("#unsubscribed")).to_contain_text("You will not get email")
    _shot(client_page, "unsubscribe-done-390")
    phone.close()
    _at_widths(browser, axe, unsubscribe, "unsubscribe")

    page.goto(f"{server_url}/clients/{cid}/reminders")
    expect(page.locator("#reminders-state")).to_contain_text("by the client")
    expect(page.locator("#reminders-sent")).to_contain_text("Sent")
    expect(page.locator("#reminders-sent")).to_contain_text("Reminder to the client")
    _at_widths(browser, axe, f"{server_url}/clients/{cid}/reminders", "reminders-page",
               page.context.storage_state())


def test_home_questionnaire_on_progress_and_the_consent_and_switch_pages(
        page: Page, browser: Browser, server_url, demo, db, axe):
    """The progress view draws a PHQ-9 completed at home on the sessions' line and lists it
    as done at home; the intake form offers consent to email; the clinic's switch."""
    with db.read() as s:
        client = s.scalars(select(Client).where(Client.email != "", Client.archived.is_(False),
                                                Client.episode_state == "open")
                           .order_by(Client.id)).first()
        cid, practitioner = client.id, s.get(User, client.practitioner_id).email
    sign_in(page, server_url, practitioner, DEMO_PASSWORD)
    page.goto(f"{server_url}/clients/{cid}/measures")
    page.get_by_label("PHQ-9 (depression)").select_option(label="Every week")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{server_url}/clients/{cid}/link")
    page.get_by_role("button", name=re.compile("Make (the|a new) link")).click()
    url = page.locator("#link-url").inner_text()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    own = phone.new_page()
    own.goto(url)
    own.wait_for_url(f"{server_url}/my/")
    own.goto(f"{server_url}/my/measures/PHQ9")
    for number in range(1, 10):
        own.locator(f"#item-{number}").get_by_label("Not at all").check()
    own.get_by_role("button", name="Send my answers").click()
    expect(own.locator("#measure-sent")).to_contain_text("PHQ-9 sent")
    phone.close()
    storage = page.context.storage_state()
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      storage_state=storage)
        look = context.new_page()
        look.goto(f"{server_url}/clients/{cid}?view=progress")
        table = look.locator(f"#{ids.PROGRESS_QUESTIONNAIRE_TABLE}")
        look.get_by_text(re.compile(r"Questionnaires \(\d+, 1 completed at home")).click()
        expect(table).to_contain_text("At home (client)")
        assert look.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(axe, look)
        _shot(look, f"progress-home-questionnaire-{width}")
        context.close()


def test_consent_at_intake_and_the_clinic_switch_look_right(
        page: Page, browser: Browser, server_url, demo, db, axe):
    from tests.factories import make_client

    with db.begin() as s:
        practitioner = s.scalars(select(User).where(User.role == "practitioner")).first()
        new = make_client(s, practitioner_id=practitioner.id, given="Nia", family="Okoro")
        new.email = "nia@example.org"
        cid, email = new.id, practitioner.email
    sign_in(page, server_url, email, DEMO_PASSWORD)
    page.goto(f"{server_url}/clients/{cid}/intake")
    expect(page.get_by_label(re.compile("agrees to short email reminders to nia@"))
           ).to_be_visible()
    _at_widths(browser, axe, f"{server_url}/clients/{cid}/intake", "intake-consent",
               page.context.storage_state())
    admin = browser.new_page()
    sign_in(admin, server_url, "admin@demo.clinic", DEMO_PASSWORD)
    admin.goto(f"{server_url}/admin/clinic")
    admin.get_by_label("Send email reminders to clients who agreed").uncheck()
    admin.get_by_role("button", name="Save reminders").click()
    expect(admin.locator(f"#{clinic_ids.REMINDERS_RESULT}")).to_contain_text("reminders are off")
    _at_widths(browser, axe, f"{server_url}/admin/clinic", clinic_ids.REMINDERS,
               admin.context.storage_state())
