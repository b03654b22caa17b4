"""Progress and overview through their callbacks; what each user may see."""

import datetime as dt

from dashboard.demo import create_demo
from dashboard.pages.client import ids
from dashboard.pages.ids import home as home_ids
from dashboard.pages.ids import overview as overview_ids
from tests.conftest import login
from tests.dash_client import (
    components_of_type,
    find_component,
    invoke,
    open_page,
    page_layout,
    text_of,
)
from tests.factories import ADMIN, ALICE

TODAY = dt.date.today()


def test_progress_callback_draws_for_own_client_and_refuses_others(http, db, sqlite_people):
    login(http, ALICE)
    values = {f"{ids.TABS}.value": "progress", f"{ids.PROGRESS_RANGE}.value": "all",
              f"{ids.CLIENT_ID}.data": sqlite_people.alice_client_id}
    response = invoke(http, ids.PROGRESS, values)
    assert response.status_code == 200
    assert "No sessions recorded in this episode yet." in response.get_data(as_text=True)
    values[f"{ids.CLIENT_ID}.data"] = sqlite_people.bob_client_id
    response = invoke(http, ids.PROGRESS, values)
    assert response.status_code == 403 and "Dave" not in response.get_data(as_text=True)


def test_overview_practitioner_sees_only_own_caseload(http, db, sqlite_people):
    login(http, ALICE)
    values = {f"{overview_ids.START}.value": "2026-01-01",
              f"{overview_ids.END}.value": TODAY.isoformat(),
              f"{overview_ids.PRACTITIONER}.value": str(sqlite_people.bob_id)}  # forged: ignored
    body = invoke(http, overview_ids.BODY, values).get_data(as_text=True)
    assert "Alice Practitioner 1" in body and "Bob Practitioner" not in body
    http.post("/logout")
    login(http, ADMIN)
    body = invoke(http, overview_ids.BODY, values).get_data(as_text=True)
    assert "Bob Practitioner 1" in body and "Alice Practitioner" not in body
    values[f"{overview_ids.PRACTITIONER}.value"] = "all"
    body = invoke(http, overview_ids.BODY, values).get_data(as_text=True)
    assert "Alice Practitioner 1" in body and "Bob Practitioner 1" in body


def test_overview_refuses_a_backwards_range(http, sqlite_people):
    login(http, ADMIN)
    values = {f"{overview_ids.START}.value": "2026-06-01",
              f"{overview_ids.END}.value": "2026-01-01",
              f"{overview_ids.PRACTITIONER}.value": "all"}
    assert "before the end date" in invoke(http, overview_ids.BODY, values).get_data(
        as_text=True)


def test_home_lists_due_worse_recent_and_alerts_on_the_demo(http, db):
    with db.begin() as s:
        create_demo(s, today=TODAY)
    login(http, "priya.patel@demo.clinic", "backcare-demo-2026")
    layout = page_layout(open_page(http, "/"))
    # Every section has someone in it, not just its heading: the demo is made so.
    # (A table's first row is its header.)
    for section, row, least in ((home_ids.DUE_TABLE, "Tr", 2), (home_ids.WORSE_TABLE, "Tr", 2),
                                (home_ids.RECENT, "Li", 1), (home_ids.RED_FLAGS, "Li", 1),
                                (home_ids.CLIENTS, "Tr", 2)):
        component = find_component(layout, section)
        assert component is not None, section
        assert len(components_of_type(component, row)) >= least, section
    alerts = components_of_type(layout, "Li")
    assert any("PHQ-9 item 9" in text_of(item) for item in alerts)
    # Nobody is listed twice: the last list holds the clients neither due nor worse.
    def names(table_id):
        return {text_of(components_of_type(row, "Td")[0]) for row in components_of_type(
            find_component(layout, table_id), "Tr")[1:]}
    others = names(home_ids.CLIENTS)
    assert others and not others & (names(home_ids.DUE_TABLE) | names(home_ids.WORSE_TABLE))
    assert f"Your other clients ({len(others)})" in text_of(
        find_component(layout, home_ids.CASELOAD))
    # Half-width tables keep the columns their list is about (readable at 1366 px).
    due_header = text_of(components_of_type(find_component(layout, home_ids.DUE_TABLE),
                                            "Thead")[0])
    assert "Next due" in due_header and "Age" not in due_header
    assert "Sam Okafor" not in text_of(layout)  # another practitioner's sessions stay out


def test_the_progress_page_reads_function_on_the_same_activities_and_says_why(
        http, db, sqlite_people):
    """Issue 17, item 5: the page says the function change is read on the activities rated
    at both ends, and why a replaced one is left out."""
    from sqlalchemy import select

    from dashboard.db.models import Client, FunctionalActivity
    from dashboard.db.sessions import save_session, session_context, set_activities
    from dashboard.domain.sessions import SessionInput

    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        client = s.get(Client, cid)
        for day, names, scores in ((dt.date(2026, 2, 1), ["Walking", "Lifting", "Sitting"],
                                    (2, 3, 4)),
                                   (dt.date(2026, 2, 15), ["Walking", "Lifting", "Gardening"],
                                    (3, 4, 10))):
            set_activities(s, cid, names)
            by_name = {a.name: a.id for a in s.scalars(select(FunctionalActivity))}
            save_session(s, client=client, context=session_context(s, client),
                         user_id=sqlite_people.alice_id, data=SessionInput(
                             day, 6, 4, dict(zip((by_name[n] for n in names), scores,
                                                 strict=True)), {}))
    login(http, ALICE)
    area = invoke(http, ids.PROGRESS, {
        f"{ids.TABS}.value": "progress", f"{ids.PROGRESS_RANGE}.value": "all",
        f"{ids.CLIENT_ID}.data": cid}).get_json()["response"][ids.PROGRESS]["children"]
    sentence = text_of(find_component(area, ids.PROGRESS_FUNCTION_SENTENCE))
    assert sentence.startswith("Function (PSFS) 2.5 → 3.5 (+1) on the 2 activities rated at "
                               "both the first and the latest session")
    assert "not a meaningful change" in sentence and "“Sitting”" in sentence
