"""Pictures in a real browser: the plan builder's thumbnails and the handout preview's
pictures load (the public route, the Content-Security-Policy), with their words."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from dashboard.pages.ids import admin_catalogue as cat_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _all_loaded(page: Page, selector: str) -> list[tuple[int, str]]:
    return page.eval_on_selector_all(
        selector, "els => els.map(e => [e.naturalWidth, e.getAttribute('alt')])")


def test_plan_builder_thumbnails_and_handout_pictures_load(page: Page, server_url, planned,
                                                           axe):
    sign_in(page, server_url, ALICE)
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 820, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server_url}/clients/{planned}?view=plan")
        thumbnails = page.locator("img.part-thumbnail")
        expect(thumbnails).to_have_count(9)
        thumbnails.first.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('img.part-thumbnail')]"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        page.get_by_label("Cat-cow stretch").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"plan-builder-pictures-{width}.png"))
    assert all(alt and len(alt) > 40 for _, alt in _all_loaded(page, "img.part-thumbnail"))
    assert_accessible(axe, page)

    page.goto(f"{server_url}/clients/{planned}/handout.html?version=1")
    page.wait_for_function("() => [...document.images].length === 2 && "
                           "[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert [alt.split(":")[0] for _, alt in _all_loaded(page, "img.picture")] == [
        "Two drawings. First", "Two drawings of a person lying on their back. First"]


def test_the_clients_page_shows_its_picture_on_a_phone(browser, server_url, app, planned):
    from tests.conftest import login
    from tests.factories import make_client_link

    practitioner = app.server.test_client()
    login(practitioner, ALICE)
    token = make_client_link(practitioner, planned)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = phone.new_page()
    page.goto(f"{server_url}/my/{token}")
    picture = page.locator("img.picture")
    expect(picture).to_have_count(1)
    picture.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img.picture').naturalWidth > 0")
    box = picture.bounding_box()
    assert box["width"] >= 300  # the drawing fills the phone's width, not a thumbnail
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "client-page-picture-390.png"))
    phone.close()


def test_admin_replaces_a_picture_and_a_fake_one_is_refused_beside_the_field(
        page: Page, server_url, db, sqlite_people, axe, tmp_path):
    from tests.domain.test_picture_upload import png
    from tests.factories import ADMIN

    fake = tmp_path / "holiday.png"
    fake.write_bytes(b"<html>not a picture at all</html>")
    real = tmp_path / "our-cat-cow.png"
    real.write_bytes(png((900, 700)))
    sign_in(page, server_url, ADMIN)
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_label("Part", exact=True).select_option(
        label="Stretch and strengthen: Cat-cow stretch")
    current = page.locator(f"#{cat_ids.PICTURE_CURRENT} img")
    expect(current).to_have_attribute("alt", re.compile("hands and knees"))
    words = page.get_by_label("Describe the picture in words")
    expect(words).to_have_value(re.compile("hands and knees"))

    upload = page.locator(f"#{cat_ids.PICTURE_UPLOAD} input[type=file]")
    upload.set_input_files(str(fake))
    page.get_by_role("button", name="Use this picture").click()
    expect(page.locator(f"#{cat_ids.PICTURE_UPLOAD_ERROR}")).to_contain_text(
        "not a PNG or JPEG picture")
    expect(page.locator(f"#{cat_ids.PICTURE_RESULT}")).to_contain_text("Not saved")
    assert_accessible(axe, page)
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 820, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(f"#{cat_ids.PICTURE_SECTION}").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"catalogue-picture-refused-{width}.png"))

    upload.set_input_files(str(real))
    words.fill("Our own photo: a person on hands and knees rounds the back.")
    page.get_by_role("button", name="Use this picture").click()
    expect(page.locator(f"#{cat_ids.PICTURE_RESULT}")).to_contain_text("Picture saved (900 × 700")
    expect(page.locator(f"#{cat_ids.PICTURE_UPLOAD_ERROR}")).to_have_text("")
    expect(current).to_have_attribute("alt", re.compile("Our own photo"))
    page.wait_for_function(
        f"() => document.querySelector('#{cat_ids.PICTURE_CURRENT} img').naturalWidth === 900")
