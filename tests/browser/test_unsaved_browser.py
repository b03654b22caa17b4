"""The Plan view says nothing until Save, then marks unsaved edits and asks before they are
left behind (issue 19, item 2)."""

from playwright.sync_api import Dialog, Page, expect

from dashboard.pages.client import ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE


def test_plan_messages_only_after_save_and_unsaved_edits_are_guarded(
        page: Page, server_url, db, sqlite_people, axe):
    cid = sqlite_people.alice_client_id  # no plan yet
    sign_in(page, server_url, ALICE)
    page.goto(f"{server_url}/clients/{cid}?view=plan")
    save = page.get_by_role("button", name="Save plan")
    expect(save).to_be_visible()
    page.wait_for_load_state("networkidle")
    result, marker = page.locator(f"#{ids.SAVE_RESULT}"), page.locator(f"#{ids.PLAN_UNSAVED}")
    expect(result).to_be_empty()  # nothing saved, nothing said
    expect(page.locator(f"#{ids.ITEMS_ERROR}")).to_be_empty()
    expect(marker).to_be_hidden()

    page.get_by_label("Heat", exact=True).check()
    expect(marker).to_be_visible()
    expect(marker).to_have_text("Unsaved changes")
    assert_accessible(axe, page)

    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("link", name="← Clients").click()
    expect(save).to_be_visible()  # stayed: the edits are still here
    assert asked == ["confirm"]

    save.click()
    expect(result).to_contain_text("Saved as version 1")
    expect(marker).to_be_hidden()
    save.click()
    expect(result).to_contain_text("Nothing has changed")
    page.get_by_label("Notes for the client").fill("Gently.")
    expect(marker).to_be_visible()
    expect(result).to_be_hidden()  # "nothing has changed" no longer holds

    # Closing or reloading the tab asks too (the browser's own prompt).
    with page.expect_event("dialog") as leaving:
        page.close(run_before_unload=True)
    assert leaving.value.type == "beforeunload"
    assert asked == ["confirm"]
    # Answer the prompt so the tab really closes: a tab left waiting on it cannot be torn down
    # cleanly, and the browser context's close then fails (this was CI's only red).
    leaving.value.accept()
    if not page.is_closed():
        page.wait_for_event("close")
    assert page.is_closed()
