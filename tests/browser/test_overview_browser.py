"""The clinic overview in a real browser: the practitioners' outcome table a page at a time
(issue 24: at the ten-times clinic the whole table was 495 KB of JSON)."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.db.models import AuditEntry
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


def test_the_admin_makes_the_outcomes_report_as_a_background_job(page: Page, server_url, demo,
                                                                 db, tmp_path):
    """Seconds at a large clinic: laid out off the request (a worker on several hosts), with
    word of it while it runs, and the PDF for the period chosen when it is done."""
    sign_in(page, server_url, "admin@demo.clinic", "backcare-demo-2026")
    page.goto(f"{server_url}/overview")
    dash_settled(page)
    page.locator(f"#{ids.START}").fill("nonsense")
    page.get_by_role("button", name="Outcomes report (PDF)").click()
    expect(page.locator(f"#{ids.REPORT_STATUS}")).not_to_be_empty()
    assert "ready" not in page.locator(f"#{ids.REPORT_STATUS}").inner_text()
    start = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    page.locator(f"#{ids.START}").fill(start)
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Outcomes report (PDF)").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert download_info.value.suggested_filename == (
        f"clinic-outcomes-{start}-to-{dt.date.today().isoformat()}.pdf")
    expect(page.locator(f"#{ids.REPORT_STATUS}")).to_contain_text("is ready")
    expect(page.locator(f"#{ids.REPORT_RUNNING}")).to_be_hidden()
    # Audited with the period and the address of the request that started the job.
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "outcomes_report_downloaded")).one()
    assert entry.ip == "127.0.0.1" and start in entry.detail
