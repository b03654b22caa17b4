"""Downloading the handout from the client's page in a real browser."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_session_flow import prepare
from tests.factories import ALICE


def test_download_handout_from_the_client_page(page: Page, server_url, db, sqlite_people,
                                               axe, tmp_path):
    cid = prepare(db, sqlite_people)
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
    expect(page.locator("#handout-status")).to_contain_text("Handout ready: version 1")
    expect(page.locator("#handout-history li")).to_have_count(1)
    assert_accessible(axe, page)
