"""Importing clients from CSV in the browser: one bad row imports nothing and is named."""

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from dashboard.db.models import Client
from dashboard.pages.ids import admin_data as data_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ADMIN

HEADER = "given_name,family_name,date_of_birth,email,phone,practitioner_email\n"
GOOD = "Ann,Lee,1980-01-02,ann@example.com,'+44 7700 900123,alice@test.clinic\n"
BAD = "Bo,,2090-01-01,,,alice@test.clinic\n"


def count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Client))


def test_one_bad_row_imports_nothing_then_a_good_file_imports(page: Page, server_url, db,
                                                              sqlite_people, axe, tmp_path):
    sign_in(page, server_url, ADMIN)
    page.get_by_role("link", name="Data", exact=True).click()
    bad = tmp_path / "clients.csv"
    bad.write_text(HEADER + GOOD + BAD)
    page.locator(f"#{data_ids.UPLOAD} input[type=file]").set_input_files(str(bad))
    report = page.locator(f"#{data_ids.PROBLEMS}")
    expect(report).to_contain_text("Nothing was imported: 1 of 2 rows need fixing", timeout=30_000)
    expect(report).to_contain_text("Row 3: family_name")
    assert count(db) == 2
    assert_accessible(axe, page)
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD)
    page.locator(f"#{data_ids.UPLOAD} input[type=file]").set_input_files(str(good))
    expect(page.locator(f"#{data_ids.PREVIEW}")).to_contain_text(
        "1 clients in good.csv are ready", timeout=30_000)
    assert count(db) == 2
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(f"#{data_ids.REPORT}")).to_contain_text("Imported 1 clients",
                                                                timeout=30_000)
    assert count(db) == 3
    with db.read() as s:
        assert s.scalar(select(Client.phone).where(Client.given_name == "Ann")) == \
            "+44 7700 900123"


def test_a_file_is_previewed_with_its_likely_duplicates_and_written_only_on_import(
        page: Page, server_url, db, sqlite_people, axe, tmp_path):
    with db.read() as s:
        known = s.execute(select(Client.id, Client.given_name, Client.family_name,
                                 Client.date_of_birth).order_by(Client.id)).first()
    sign_in(page, server_url, ADMIN)
    page.get_by_role("link", name="Data", exact=True).click()
    again = f"{known.given_name.upper()},{known.family_name},{known.date_of_birth},,," \
            "alice@test.clinic\n"
    path = tmp_path / "clients.csv"
    path.write_text(HEADER + GOOD + again + GOOD.replace("Ann,", " ann ,"))
    page.locator(f"#{data_ids.UPLOAD} input[type=file]").set_input_files(str(path))
    preview = page.locator(f"#{data_ids.PREVIEW}")
    expect(preview).to_contain_text("3 clients in clients.csv are ready", timeout=30_000)
    expect(preview).to_contain_text("2 of them look like duplicates")
    duplicates = page.locator(f"#{data_ids.DUPLICATES}")
    expect(duplicates).to_contain_text(f"Row 3: {known.given_name.upper()} {known.family_name}")
    expect(duplicates.get_by_role("link", name=f"#{known.id}")).to_have_attribute(
        "href", f"/clients/{known.id}")
    expect(duplicates).to_contain_text("Row 4: ann Lee, born 2 Jan 1980, matches row 2")
    assert_accessible(axe, page)
    assert count(db) == 2  # a dropped file writes nothing

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(f"#{data_ids.REPORT}")).to_contain_text(
        "Imported 1 clients from clients.csv (2 likely duplicates skipped)", timeout=30_000)
    expect(preview).to_be_hidden()
    assert count(db) == 3
