"""Sessions through the client page's callbacks: save, refuse, edit, delete, alerts."""

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dashboard.db.models import (
    AuditEntry,
    CareSession,
    Client,
    QuestionnaireAnswer,
    SafetyAlert,
)
from dashboard.db.users import get_user_by_email
from dashboard.pages.client import ids
from tests.conftest import login
from tests.dash_client import dependencies, invoke, open_page
from tests.factories import ADMIN, ALICE, BOB
from tests.factories import session_form as form


def phq9(answers):
    return [({"type": ids.SESSION_Q_ITEM, "instrument": "PHQ9", "item": n}, v)
            for n, v in enumerate(answers, start=1)]


def count(db, model):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_session_is_saved_whole_and_updates_the_summary(http, db, setup):
    login(http, ALICE)
    response = invoke(http, ids.SESSION_RESULT, form(setup))
    assert response.status_code == 200, response.data[:400]
    assert "saved" in response.get_data(as_text=True)
    with db.read() as s:
        care = s.scalar(select(CareSession))
        assert (care.pain, care.stress, care.function_score) == (6, 5, 5.0)
        assert care.notes == "Felt better <script>x</script>"
        client = s.get(Client, setup["client"])
        assert client.latest_pain == 6 and client.last_session_on == dt.date(2026, 2, 1)
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "session_created")) == "session_created"


def test_one_bad_value_saves_nothing(http, db, setup):
    login(http, ALICE)
    bad = form(setup, **{f"{ids.SESSION_PAIN}.value": "11",
                         ids.SESSION_ADHERENCE: [
                             ({"type": ids.SESSION_ADHERENCE, "item": setup["items"][0]}, 9)]})
    body = invoke(http, ids.SESSION_RESULT, bad).get_data(as_text=True)
    assert "not saved" in body and "between 0 and 10" in body and "between 0 and 7" in body
    future = form(setup, **{f"{ids.SESSION_DATE}.value": "2999-01-01"})
    assert "future" in invoke(http, ids.SESSION_RESULT, future).get_data(as_text=True)
    assert count(db, CareSession) == 0


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pain=st.one_of(st.integers(-50, 50), st.text(max_size=4), st.floats(allow_nan=True)),
       item9=st.one_of(st.integers(-3, 6), st.none(), st.text(max_size=2)))
def test_malformed_requests_never_write_a_wrong_number(http, db, setup, pain, item9):
    login(http, ALICE)
    answers = [0] * 8 + [item9]
    values = form(setup, **{f"{ids.SESSION_PAIN}.value": pain,
                            f"{ids.SESSION_Q_INCLUDE}.value": ["PHQ9"],
                            ids.SESSION_Q_ITEM: phq9(answers)})
    response = invoke(http, ids.SESSION_RESULT, values)
    assert response.status_code == 200
    with db.read() as s:
        for care in s.scalars(select(CareSession)):
            assert 0 <= care.pain <= 10
        assert all(0 <= v <= 3 for v in s.scalars(select(QuestionnaireAnswer.value).where(
            QuestionnaireAnswer.instrument == "PHQ9")))


def test_item_9_raises_an_alert_until_acknowledged(http, db, setup):
    login(http, ALICE)
    values = form(setup, **{f"{ids.SESSION_Q_INCLUDE}.value": ["PHQ9"],
                            ids.SESSION_Q_ITEM: phq9([1] * 9)})
    body = invoke(http, ids.SESSION_RESULT, values).get_data(as_text=True)
    assert "Safety alert" in body and "Call the crisis line on 116 123." in body
    with db.read() as s:
        alert = s.scalar(select(SafetyAlert))
        assert s.scalar(select(func.count()).select_from(QuestionnaireAnswer)) == 9
    ack = {ids.ALERT_ACK: [({"type": ids.ALERT_ACK, "alert": alert.id}, 1)],
           ids.ALERT_ACTION: [({"type": ids.ALERT_ACTION, "alert": alert.id}, "not an action")],
           ids.ALERT_NOTE: [({"type": ids.ALERT_NOTE, "alert": alert.id}, "Called her")],
           ids.ALERT_RESULT: [({"type": ids.ALERT_RESULT, "alert": alert.id}, None)],
           ids.ALERT_BOX: [({"type": ids.ALERT_BOX, "alert": alert.id}, None)]}
    trigger = json.dumps({"alert": alert.id, "type": ids.ALERT_ACK}, separators=(",", ":"))
    response = invoke(http, ids.ALERT_RESULT, ack, triggered=f"{trigger}.n_clicks")
    assert "Choose the action taken" in response.get_data(as_text=True)
    ack[ids.ALERT_ACTION] = [({"type": ids.ALERT_ACTION, "alert": alert.id},
                            "Crisis line details given")]
    response = invoke(http, ids.ALERT_RESULT, ack, triggered=f"{trigger}.n_clicks")
    assert "Acknowledged by Alice Practitioner" in response.get_data(as_text=True)
    with db.read() as s:
        alert = s.scalar(select(SafetyAlert))
        assert alert.acknowledged_by_id == setup_user(s, ALICE)
        assert alert.action == "Crisis line details given" and alert.note == "Called her"


def setup_user(s, email):
    return get_user_by_email(s, email).id


def test_edit_is_audited_with_old_and_new_values(http, db, setup):
    login(http, ALICE)
    invoke(http, ids.SESSION_RESULT, form(setup))
    with db.read() as s:
        care_id = s.scalar(select(CareSession.id))
    response = invoke(http, ids.SESSION_RESULT, form(setup, **{
        f"{ids.SESSION_EDITING}.data": care_id, f"{ids.SESSION_PAIN}.value": 3}))
    assert "updated" in response.get_data(as_text=True)
    with db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "session_updated"))
        detail = json.loads(entry.detail)
        assert detail["before"]["pain"] == 6 and detail["after"]["pain"] == 3
        assert s.get(Client, setup["client"]).latest_pain == 3
        assert count(db, CareSession) == 1


def test_delete_is_soft_and_only_an_admin_restores(http, db, setup):
    login(http, ALICE)
    invoke(http, ids.SESSION_RESULT, form(setup))
    with db.read() as s:
        care_id = s.scalar(select(CareSession.id))
    trigger = json.dumps({"session": care_id, "type": ids.SESSION_DELETE}, separators=(",", ":"))
    values = {f"{ids.CLIENT_ID}.data": setup["client"],
              ids.SESSION_DELETE: [({"type": ids.SESSION_DELETE, "session": care_id}, 1)],
              ids.SESSION_RESTORE: [({"type": ids.SESSION_RESTORE, "session": care_id}, 1)]}
    deps = [d for d in dependencies(http) if ids.SESSION_DELETE in json.dumps(d["inputs"])]
    body = invoke(http, "", values, triggered=f"{trigger}.n_clicks", deps=deps)
    assert "Session deleted" in body.get_data(as_text=True)
    with db.read() as s:
        assert s.get(CareSession, care_id).deleted_at is not None
        assert s.get(Client, setup["client"]).latest_pain is None
    restore = trigger.replace(ids.SESSION_DELETE, ids.SESSION_RESTORE)
    assert invoke(http, "", values, triggered=f"{restore}.n_clicks",
                  deps=deps).status_code == 403
    http.post("/logout")
    login(http, ADMIN)
    assert "Session restored" in invoke(http, "", values, triggered=f"{restore}.n_clicks",
                                        deps=deps).get_data(as_text=True)
    with db.read() as s:
        assert s.get(CareSession, care_id).deleted_at is None


def test_forged_ids_get_403(http, db, setup, sqlite_people):
    login(http, ALICE)
    invoke(http, ids.SESSION_RESULT, form(setup))
    with db.read() as s:
        care_id = s.scalar(select(CareSession.id))
    # Another practitioner's client.
    assert invoke(http, ids.SESSION_RESULT, form(setup, **{
        f"{ids.CLIENT_ID}.data": sqlite_people.bob_client_id})).status_code == 403
    # A session id that belongs to another client, smuggled in as "editing".
    with db.begin() as s:
        s.execute(CareSession.__table__.update().values(client_id=sqlite_people.bob_client_id))
    assert invoke(http, ids.SESSION_RESULT, form(setup, **{f"{ids.SESSION_EDITING}.data": care_id})
                  ).status_code == 403


def test_a_new_session_travels_as_one_history_row_in_its_place(http, db, setup):
    """After the first session, saving another sends one row (a patch), inserted by date."""
    login(http, ALICE)
    first = invoke(http, ids.SESSION_RESULT, form(setup)).get_json()["response"]
    assert first[ids.SESSION_HISTORY]["children"]["type"] == "Table"  # drawn whole
    backdated = invoke(http, ids.SESSION_RESULT,
                       form(setup, **{f"{ids.SESSION_DATE}.value": "2026-01-20"}))
    history = backdated.get_json()["response"][ids.SESSION_HISTORY]["children"]
    (operation,) = history["operations"]
    assert operation["operation"] == "Insert"
    assert operation["location"] == ["props", "children", 1, "props", "children"]
    assert operation["params"]["index"] == 1  # after 1 Feb, the newer one
    assert "20 Jan 2026" in json.dumps(operation["params"]["value"])
    assert "1 Feb 2026" not in json.dumps(history)


def test_at_the_limit_the_new_row_goes_in_and_the_oldest_shown_drops_off(http, db, setup):
    from dashboard.db.sessions import HISTORY_LIMIT
    from tests.factories import add_sessions

    with db.begin() as s:
        add_sessions(s, setup["client"], [(5, 5, None)] * HISTORY_LIMIT,
                     start=dt.date(2026, 1, 10))  # weekly, up to 23 May 2026
    login(http, ALICE)
    response = invoke(http, ids.SESSION_RESULT,
                      form(setup, **{f"{ids.SESSION_DATE}.value": "2026-06-01"})
                      ).get_json()["response"]
    insert, delete = response[ids.SESSION_HISTORY]["children"]["operations"]
    body = ["props", "children", 0, "props", "children", 1, "props", "children"]
    assert (insert["operation"], insert["location"], insert["params"]["index"]) == (
        "Insert", body, 0)
    assert (delete["operation"], delete["location"]) == ("Delete", [*body, HISTORY_LIMIT])
    # Older than every row shown: the table stays as it is.
    old = invoke(http, ids.SESSION_RESULT,
                 form(setup, **{f"{ids.SESSION_DATE}.value": "2026-01-06"}))
    assert "Session of 6 Jan 2026 saved." in old.get_data(as_text=True)
    assert ids.SESSION_HISTORY not in old.get_json()["response"]


def test_a_second_session_on_the_same_date_is_saved_with_a_warning(http, db, setup):
    login(http, ALICE)
    first = invoke(http, ids.SESSION_RESULT, form(setup)).get_data(as_text=True)
    assert "saved" in first and "Check:" not in first
    second = invoke(http, ids.SESSION_RESULT, form(setup)).get_data(as_text=True)
    # Warned, not refused: two visits in a day happen, but usually it is one typed twice.
    assert "saved" in second and "2 sessions on 1 Feb 2026" in second
    assert count(db, CareSession) == 2
    with db.read() as s:
        dup = s.scalars(select(CareSession.id).order_by(CareSession.id)).all()[-1]
    edit = invoke(http, ids.SESSION_RESULT, form(setup, **{
        f"{ids.SESSION_DATE}.value": "2026-02-02", f"{ids.SESSION_EDITING}.data": dup,
    })).get_data(as_text=True)
    assert "updated" in edit and "Check:" not in edit  # moved to its own date: no warning


def test_every_sessions_note_is_readable_in_full_by_whoever_may_see_the_client(
        http, db, setup, sqlite_people):
    long_note = "Walked to the shop and back. " * 12 + "\nSlept better."  # 350 characters
    login(http, ALICE)
    for day in range(1, 24):  # more than the history's 20
        invoke(http, ids.SESSION_RESULT, form(setup, **{
            f"{ids.SESSION_DATE}.value": f"2026-01-{day + 5:02d}",
            f"{ids.SESSION_NOTES}.value": long_note if day == 1 else f"Note {day}"}))
    page = open_page(http, f"/clients/{setup['client']}/notes").get_data(as_text=True)
    # The oldest session's note, outside the history's 20 and longer than its 120 characters.
    assert json.dumps(long_note)[1:-1] in page and "6 Jan 2026" in page
    assert "23 sessions" in page
    with db.read() as s:
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "session_notes_viewed")) == "session_notes_viewed"
    http.post("/logout")
    login(http, BOB)
    refused = open_page(http, f"/clients/{setup['client']}/notes").get_data(as_text=True)
    assert "Walked to the shop" not in refused and "Note 2" not in refused


def _edit_click(http, client_id, care_id):
    """Press Edit on a session row, as the browser would (the load-for-editing callback)."""
    deps = [d for d in dependencies(http) if any(ids.SESSION_EDIT in str(i["id"])
                                                 for i in d["inputs"])]
    return invoke(http, ids.SESSION_RATINGS, {
        ids.SESSION_EDIT: [({"type": ids.SESSION_EDIT, "session": care_id}, 1)],
        f"{ids.CLIENT_ID}.data": client_id}, deps=deps, triggered=json.dumps(
            {"session": care_id, "type": ids.SESSION_EDIT}, separators=(",", ":")) + ".n_clicks")


def test_the_edit_form_shows_the_activities_as_saved_now(http, db, setup):
    """Issue 17, item 5: a form drawn before the activities changed (another tab, a
    colleague) offered stale rating boxes when a session was opened to edit; now they are
    read again, with the session's own ratings, and an activity added since may stay
    unrated (a rating for that day would be made up). The activities editor shows the list
    as saved."""
    from dashboard.db.models import FunctionalActivity, FunctionalRating
    from dashboard.db.sessions import set_activities

    login(http, ALICE)
    invoke(http, ids.SESSION_RESULT, form(setup))
    with db.begin() as s:
        care_id = s.scalar(select(CareSession.id))
        set_activities(s, setup["client"], ["Lifting", "Driving", "Walking"])
        walking = s.scalar(select(FunctionalActivity.id).where(
            FunctionalActivity.name == "Walking"))
    response = _edit_click(http, setup["client"], care_id)
    assert response.status_code == 200, response.data[:300]
    boxes = response.get_json()["response"][ids.SESSION_RATINGS]["children"]
    text = json.dumps(boxes)
    assert "Walking (added since: not rated that day)" in text
    assert '"value": 4' in text and '"value": 6' in text  # the session's own ratings
    # Saved with Walking left blank: updated, and no rating is made up for that day.
    edited = form(setup, **{f"{ids.SESSION_EDITING}.data": care_id, ids.SESSION_RATING: [
        ({"type": ids.SESSION_RATING, "activity": a}, v)
        for a, v in [*zip(setup["activities"], (5, 6), strict=True), (walking, "")]]})
    assert "updated" in invoke(http, ids.SESSION_RESULT, edited).get_data(as_text=True)
    with db.read() as s:
        rated = set(s.scalars(select(FunctionalRating.activity_id).where(
            FunctionalRating.session_id == care_id)))
    assert rated == set(setup["activities"])
    # A new session still rates every activity.
    new = form(setup, **{f"{ids.SESSION_DATE}.value": "2026-02-08", ids.SESSION_RATING: [
        ({"type": ids.SESSION_RATING, "activity": a}, v)
        for a, v in [*zip(setup["activities"], (5, 6), strict=True), (walking, "")]]})
    assert "not saved" in invoke(http, ids.SESSION_RESULT, new).get_data(as_text=True)
    saved = invoke(http, ids.ACTIVITIES_RESULT, {
        f"{ids.ACTIVITIES_SAVE}.n_clicks": 1, f"{ids.CLIENT_ID}.data": setup["client"],
        f"{ids.ACTIVITIES}.value": "  lifting \n\nDriving\nwalking\n"}).get_json()["response"]
    assert saved[ids.ACTIVITIES]["value"] == "Lifting\nDriving\nWalking"
