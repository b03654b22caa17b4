"""Issue 18, items 9, 10 and 13: admin-only background callbacks refuse before their job
starts (audited); every read of a client's record through a callback leaves one entry; a
forged session save is refused before anything is written."""

import json

from sqlalchemy import func, select

from dashboard.db.models import AuditEntry, CareSession, QuestionnaireAnswer, SafetyAlert
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_data as data_ids
from tests.conftest import login
from tests.dash_client import invoke, open_page
from tests.factories import ADMIN, ALICE
from tests.factories import phq9_answers as phq9
from tests.factories import session_form as form
from tests.snapshots import table_counts


def _entries(db, action):
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def test_a_practitioner_calling_the_admin_import_is_refused_before_the_job(http, db,
                                                                           sqlite_people):
    login(http, ALICE)
    before = table_counts(db, skip={"audit_log", "login_sessions"})
    csv = "data:text/csv;base64,Z2l2ZW5fbmFtZQpY"  # "given_name\nX"
    response = invoke(http, data_ids.REPORT, {f"{data_ids.UPLOAD}.contents": csv,
                                              f"{data_ids.UPLOAD}.filename": "x.csv",
                                              f"{data_ids.KIND}.value": "clients",
                                              f"{data_ids.PAGE_LOAD}.data": "t1"})
    assert response.status_code == 403
    assert "cacheKey" not in response.get_data(as_text=True)  # no background job started
    (refusal,) = _entries(db, "access_denied")
    assert "admins only" in refusal.detail and refusal.user_id == sqlite_people.alice_id
    assert table_counts(db, skip={"audit_log", "login_sessions"}) == before


def _progress(http, client_id):
    return invoke(http, ids.PROGRESS, {f"{ids.TABS}.value": "progress",
                                          f"{ids.PROGRESS_RANGE}.value": "all",
                                          f"{ids.CLIENT_ID}.data": client_id})


def test_reads_through_callbacks_are_audited_once_each(http, db, setup, sqlite_people):
    login(http, ALICE)
    cid = setup["client"]
    invoke(http, ids.SESSION_RESULT, form(setup))
    with db.read() as s:
        care_id = s.scalar(select(CareSession.id))
    assert _progress(http, cid).status_code == 200
    response = invoke(http, f"{ids.SESSION_DATE}.value", {
        ids.SESSION_EDIT: [({"type": ids.SESSION_EDIT, "session": care_id}, 1)],
        f"{ids.CLIENT_ID}.data": cid}, triggered=json.dumps(
            {"session": care_id, "type": ids.SESSION_EDIT}, separators=(",", ":")) + ".n_clicks")
    assert response.status_code == 200
    reads = _entries(db, "record_read")
    assert [(e.client_id, e.user_id, e.flagged) for e in reads] == [
        (cid, sqlite_people.alice_id, False)] * 2
    assert ids.PROGRESS in reads[0].detail and ids.SESSION_DATE in reads[1].detail
    # A request that already writes its own entry (the save) adds no read entry; neither
    # does opening the page, which records client_viewed.
    open_page(http, f"/clients/{cid}")
    assert len(_entries(db, "record_read")) == 2
    assert len(_entries(db, "client_viewed")) == 1


def test_reads_under_break_glass_and_by_admins_are_audited(http, db, sqlite_people):
    dave = sqlite_people.bob_client_id
    login(http, ALICE)
    invoke(http, ids.BG_RESULT, {f"{ids.BG_OPEN}.n_clicks": 1, f"{ids.BG_CLIENT_ID}.data": dave,
                               f"{ids.BG_REASON}.value": "Covering Bob; the client rang in pain"})
    for _ in range(3):
        assert _progress(http, dave).status_code == 200
    reads = _entries(db, "record_read")
    assert len(reads) == 3 and all(e.flagged and e.client_id == dave for e in reads)
    http.post("/logout")
    login(http, ADMIN)
    assert _progress(http, dave).status_code == 200
    assert _entries(db, "record_read")[-1].user_id == sqlite_people.admin_id


def test_a_refused_read_is_not_recorded_as_a_read(http, db, sqlite_people):
    login(http, ALICE)
    assert _progress(http, sqlite_people.bob_client_id).status_code == 403
    assert _entries(db, "record_read") == []


def test_a_forged_session_save_writes_nothing_and_is_refused(http, db, setup):
    """Answers for PHQ-9 items the form does not have (11, 12): the old code saved the
    session, its answers and a safety alert, then failed drawing the answer."""
    login(http, ALICE)
    before = table_counts(db, skip={"audit_log", "login_sessions"})
    forged = phq9([1, 1, 1, 1, 1, 1, 1, 1, 3]) + [
        ({"type": ids.SESSION_Q_ITEM, "instrument": "PHQ9", "item": n}, 1) for n in (11, 12)]
    response = invoke(http, ids.SESSION_RESULT, form(setup, **{
        f"{ids.SESSION_Q_INCLUDE}.value": ["PHQ9"], ids.SESSION_Q_ITEM: forged}))
    assert response.status_code == 403
    assert table_counts(db, skip={"audit_log", "login_sessions"}) == before
    with db.read() as s:
        for model in (CareSession, QuestionnaireAnswer, SafetyAlert):
            assert s.scalar(select(func.count()).select_from(model)) == 0
    (refusal,) = _entries(db, "access_denied")
    assert "malformed session form" in refusal.detail
    # The real form still saves.
    response = invoke(http, ids.SESSION_RESULT, form(setup, **{
        f"{ids.SESSION_Q_INCLUDE}.value": ["PHQ9"],
        ids.SESSION_Q_ITEM: phq9([1, 1, 1, 1, 1, 1, 1, 1, 3])}))
    assert response.status_code == 200 and "saved" in response.get_data(as_text=True)
