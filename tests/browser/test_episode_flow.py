"""Episodes of care in a real browser: a client admitted with an urgent red flag is
stopped and referred; another is discharged and their summary downloaded and read."""

import re
import subprocess

from playwright.sync_api import Page, expect

from dashboard.db.summary import current_episode
from dashboard.pages.client import ids
from dashboard.pages.ids import client_intake as intake_ids
from dashboard.pages.ids import home as home_ids
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ALICE, add_sessions


def test_red_flag_stops_intake_then_a_discharge_summary(page: Page, server_url, db,
                                                         sqlite_people, axe, tmp_path):
    carol = sqlite_people.alice_client_id
    with db.begin() as s:
        add_sessions(s, carol, [(7, 8, 3.0), (6, 6, 4.0), (4, 4, 5.0), (2, 3, 6.0)])
        episode_id = current_episode(s, carol).id

    sign_in(page, server_url, ALICE)
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="New client").click()
    page.get_by_label("Given name").fill("Nadia")
    page.get_by_label("Family name").fill("Rahman")
    page.get_by_label("Date of birth").fill("1968-09-30")
    page.get_by_role("button", name="Create client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake: Nadia Rahman")
    page.get_by_label("Reason for referral").fill("Sudden back pain, new numbness")
    page.get_by_label("The client consents to assessment and treatment").check()
    # Every urgent-care question must be answered (issue 17, item 8): unasked is refused.
    page.get_by_role("button", name="Record intake").click()
    expect(page.locator(f"#{intake_ids.RESULT}")).to_contain_text("not recorded")
    for question in ("New difficulty passing urine", "Loss of bowel control",
                     "New sexual dysfunction", "Severe or worsening weakness"):
        page.locator("tr").filter(has_text=question).get_by_label("No", exact=True).check()
    row = page.locator("tr").filter(has_text="Numbness around the genitals")
    row.get_by_label("Yes").check()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Record intake").click()

    stop = page.locator(f"#{ids.RED_FLAG_STOP}")
    expect(stop).to_contain_text("Stop: refer for urgent care now")
    expect(stop).to_contain_text("Numbness around the genitals")
    page.get_by_role("button", name="Record referral").click()
    expect(page.locator(f"#{ids.FLAG_ERROR}")).to_contain_text("Enter the referral")
    page.get_by_label("Record the urgent referral").fill("Sent to A&E at St Mary's, 10:40")
    page.get_by_role("button", name="Record referral").click()
    expect(page.locator(f"#{ids.RED_FLAG_REFERRED}")).to_contain_text("Sent to A&E at St Mary's")
    assert_accessible(axe, page)

    # The home page lists the open red flag first.
    page.get_by_role("link", name="Home").click()
    expect(page.locator(f"#{home_ids.RED_FLAGS}")).to_contain_text("Nadia Rahman")

    # Discharge Carol Alison and download both summaries.
    page.goto(f"{server_url}/clients/{carol}?view=episode")
    page.get_by_role("button", name="Discharge and make the summary").click()
    expect(page.locator(f"#{ids.DISCHARGE_ERRORS['reason']}")).to_contain_text("Choose why")
    page.get_by_label("Reason", exact=True).select_option(label="Goals met")
    page.get_by_label("Recommendations").fill("Keep the stretches going twice a week.")
    page.get_by_role("button", name="Discharge and make the summary").click()
    link = page.locator(f"#{ids.SUMMARY_CLIENT}-{episode_id}")
    expect(link).to_be_visible()
    expect(page.locator(".episode-badge")).to_have_text("Discharged")
    assert_accessible(axe, page)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "summary.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    # The label and its value on one line, however wide the (large-print) columns are.
    assert "Your care with us, Carol" in text and re.search(r"Sessions attended +4\b", text)
    # Pain 7 at baseline, 2 at discharge: -5, a meaningful change.
    assert re.search(r"\b7\s+2\s+-5\b", text) and "Yes, improved (at least 2" in text
    assert "Keep the stretches going twice a week." in text
