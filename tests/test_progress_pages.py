"""Progress and overview through their callbacks; what each user may see."""

import datetime as dt

from dashboard.demo import create_demo
from tests.conftest import login
from tests.dash_client import invoke, open_page
from tests.factories import ADMIN, ALICE

TODAY = dt.date.today()


def test_progress_callback_draws_for_own_client_and_refuses_others(http, db, sqlite_people):
    login(http, ALICE)
    values = {"client-tabs.value": "progress", "progress-range.value": "all",
              "client-id.data": sqlite_people.alice_client_id}
    response = invoke(http, "progress-area", values)
    assert response.status_code == 200
    assert "No sessions recorded in this episode yet." in response.get_data(as_text=True)
    values["client-id.data"] = sqlite_people.bob_client_id
    response = invoke(http, "progress-area", values)
    assert response.status_code == 403 and "Dave" not in response.get_data(as_text=True)


def test_overview_practitioner_sees_only_own_caseload(http, db, sqlite_people):
    login(http, ALICE)
    values = {"overview-start.value": "2026-01-01", "overview-end.value": TODAY.isoformat(),
              "overview-practitioner.value": str(sqlite_people.bob_id)}  # forged: ignored
    body = invoke(http, "overview-body", values).get_data(as_text=True)
    assert "Alice Practitioner 1" in body and "Bob Practitioner" not in body
    http.post("/logout")
    login(http, ADMIN)
    body = invoke(http, "overview-body", values).get_data(as_text=True)
    assert "Bob Practitioner 1" in body and "Alice Practitioner" not in body
    values["overview-practitioner.value"] = "all"
    body = invoke(http, "overview-body", values).get_data(as_text=True)
    assert "Alice Practitioner 1" in body and "Bob Practitioner 1" in body


def test_overview_refuses_a_backwards_range(http, sqlite_people):
    login(http, ADMIN)
    values = {"overview-start.value": "2026-06-01", "overview-end.value": "2026-01-01",
              "overview-practitioner.value": "all"}
    assert "before the end date" in invoke(http, "overview-body", values).get_data(
        as_text=True)


def test_home_lists_due_worse_recent_and_alerts_on_the_demo(http, db):
    with db.begin() as s:
        create_demo(s, today=TODAY)
    login(http, "priya.patel@demo.clinic", "backcare-demo-2026")
    body = open_page(http, "/").get_data(as_text=True)
    # 13 of the generated clients, and one admitted today with an urgent red flag.
    for heading in ("Safety alerts to acknowledge", "Urgent red flags open", "Due or overdue",
                    "Getting worse", "Recent sessions", "Your clients (14)"):
        assert heading in body
    assert "Sam Okafor" not in body  # another practitioner's sessions stay out
