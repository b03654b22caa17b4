"""Privacy in a real browser: a practitioner covering a colleague breaks glass with a
reason; an admin erases a client by typing the name; the client's copy downloads."""

import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from dashboard.pages.client import ids
from dashboard.pages.ids import client_erase as erase_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import cover as cover_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ADMIN, ALICE

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_practitioner_breaks_glass_with_a_reason(page: Page, server_url, sqlite_people, axe):
    sign_in(page, server_url, ALICE)
    page.get_by_role("link", name="Cover a colleague").click()
    page.get_by_label("Client's name").fill("bobs")
    page.get_by_label("Client's name").press("Enter")
    expect(page.locator(f"#{cover_ids.TABLE}")).to_contain_text("Bob Practitioner")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Dave Bobson").click()

    expect(page.get_by_role("heading", name="This client is not in your care")).to_be_visible()
    page.get_by_role("button", name="Open the record for today").click()
    expect(page.locator(f"#{ids.BG_REASON_ERROR}")).to_contain_text("at least 10 characters")
    assert_accessible(axe, page)
    page.get_by_label("Reason for opening this record").fill(
        "Covering Bob's clinic today; the client rang with worse pain.")
    page.get_by_role("button", name="Open the record for today").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dave Bobson")
    expect(page.locator(f"#{ids.COVERING_BANNER}")).to_contain_text("Covering a colleague")
    # A colleague covering may not take the client's copy (their practitioner or an admin).
    expect(page.get_by_role("button", name="Client's copy (ZIP)")).to_have_count(0)
    assert_accessible(axe, page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "break-glass.png"), full_page=True)


def test_admin_takes_a_copy_then_erases_a_client_typing_the_name(page: Page, server_url, db,
                                                                  planned, axe, tmp_path):
    sign_in(page, server_url, ADMIN)
    page.goto(f"{server_url}/clients/{planned}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Carol Alison")
    with page.expect_download() as download:
        page.get_by_role("button", name="Client's copy (ZIP)").click()
    path = tmp_path / "copy.zip"
    download.value.save_as(path)
    assert "record.pdf" in zipfile.ZipFile(path).namelist()
    expect(page.locator(f"#{ids.COPY_STATUS}")).to_contain_text("Ready")

    page.get_by_role("link", name="Erase this record…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Carol Alison's record")
    assert_accessible(axe, page)
    confirm = page.get_by_label("Type the client's full name to confirm")
    confirm.fill("carol alison")
    page.get_by_role("button", name="Erase permanently").click()
    expect(page.locator(f"#{erase_ids.CONFIRM_ERROR}")).to_contain_text("nothing was erased")
    confirm.fill("Carol Alison")
    page.get_by_role("button", name="Erase permanently").click()
    expect(page.locator(f"#{erase_ids.RESULT}")).to_contain_text("was erased")
    assert_accessible(axe, page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "erased.png"), full_page=True)

    page.get_by_role("link", name="Clients", exact=True).click()
    expect(page.locator(f"#{clients_ids.LIST}")).to_contain_text("Dave Bobson")
    expect(page.locator(f"#{clients_ids.LIST}")).not_to_contain_text("Carol")
    page.goto(f"{server_url}/clients/{planned}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This record was erased")
