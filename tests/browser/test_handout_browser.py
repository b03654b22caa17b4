"""Downloading the handout from the client's page in a real browser."""

import subprocess

from playwright.sync_api import Page, expect

from dashboard.db.client_links import create_link
from dashboard.db.models import utcnow
from dashboard.pages.client import ids
from dashboard.pages.ids import clients as clients_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE, heat_plan_client


def test_download_handout_from_the_client_page(page: Page, server_url, db, sqlite_people,
                                               axe, tmp_path):
    cid = heat_plan_client(db, sqlite_people)
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}")
    page.get_by_text("Plan", exact=True).click()
    page.get_by_label("Paper").select_option("letter")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "home-care-plan-Carol-v1.pdf"
    path = tmp_path / "handout.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    expect(page.locator(f"#{ids.HANDOUT_STATUS}")).to_contain_text("Handout ready: version 1")
    expect(page.locator(f"#{ids.HANDOUT_HISTORY} li")).to_have_count(1)
    assert_accessible(axe, page)


def test_batch_of_all_active_clients_in_one_file(page: Page, server_url, db, sqlite_people,
                                                 tmp_path):
    cid = heat_plan_client(db, sqlite_people)
    # A client with a live link gets it printed in the batch too, at the app's address.
    with db.begin() as s:
        link = create_link(s, client_id=cid, secret_key="test-secret",
                           user_id=sqlite_people.alice_id, now=utcnow())
    sign_in(page, server_url, ALICE)
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_text("Print handouts for all active clients").click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Make the PDF").click()
    path = tmp_path / "batch.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    expect(page.locator(f"#{clients_ids.BATCH_STATUS}")).to_contain_text("1 handouts ready")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    host = server_url.split("://", 1)[1]
    assert "Your plan on your phone" in text and f"{host}/my/" in text.replace("\n", "")
    assert any(link.token in line for line in text.splitlines())


def test_fhir_export_downloads_from_the_client_page(page: Page, server_url, sqlite_people,
                                                     tmp_path):
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{sqlite_people.alice_client_id}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export record (FHIR)").click()
    path = tmp_path / "fhir.json"
    download_info.value.save_as(path)
    assert '"resourceType": "Bundle"' in path.read_text()
