"""Measures completed at home (issue 22, slice 1): the practitioner assigns them on the
client's page, the client's own page lists them "To do", a completed one is scored and
stored item by item, an incomplete one is refused by name, and PHQ-9 item 9 above 0 raises
the practitioner's alert at once. Token-bound; forged ids, other sites and bad input
change nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.auth.access import CurrentUser
from dashboard.db.client_links import create_link
from dashboard.db.erasure import erase_client
from dashboard.db.measures import due_measures
from dashboard.db.models import (
    AuditEntry,
    Base,
    CareSession,
    Client,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    MeasureAssignment,
    SafetyAlert,
    User,
    utcnow,
)
from dashboard.db.sessions import alerts_for
from dashboard.db.summary import current_episode
from dashboard.domain.questionnaires import PHQ9, score
from dashboard.handout.content import SELF_HARM_URGENT
from tests.conftest import login
from tests.factories import BOB, clinic_today
from tests.factories import open_own_page as _open

CRISIS = "Call the crisis line on 116 123."


def _assign(linked, **every: str):
    response = linked["practitioner"].post(
        f"/clients/{linked['client_id']}/measures",
        data={f"every-{key}": value for key, value in every.items()})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _phq9(**items: int) -> dict[str, str]:
    return {f"item-{n}": str(items.get(f"i{n}", 0)) for n in range(1, 10)}


def _snapshot(db, *ignored_actions: str) -> dict[str, list]:
    tables = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if table.name == "audit_log":
                ignored = ("home_measure_refused", "client_page_viewed",
                           "home_measure_viewed", *ignored_actions)
                query = query.where(AuditEntry.action.not_in(ignored))
            if table.name in ("client_links", "client_link_failures", "login_sessions",
                              "login_attempts", "login_throttle", "pending_logins"):
                continue  # last used / last seen move on every request
            tables[table.name] = sorted(map(tuple, s.execute(query)), key=repr)
    return tables


def test_assigned_phq9_is_to_do_completed_stored_item_by_item_and_no_longer_due(linked, db):
    _assign(linked, PHQ9="2w")
    page = linked["practitioner"].get(f"/clients/{linked['client_id']}/measures")
    assert page.status_code == 200 and 'value="2w" selected' in page.get_data(as_text=True)
    browser = linked["browser"]
    _open(browser, linked["token"])
    body = browser.get("/my/").get_data(as_text=True)
    assert "To do" in body and 'href="/my/measures/PHQ9"' in body
    assert "/my/measures/GAD7" not in body  # not assigned
    form = browser.get("/my/measures/PHQ9").get_data(as_text=True)
    # The published wording and answers, one item per row, plain radio buttons.
    assert "Over the last 2 weeks, how often have you been bothered" in form
    for item in PHQ9.items:
        assert item.replace("'", "&#39;") in form
    assert form.count('type="radio"') == 9 * 4 and "More than half the days" in form
    assert "<script" not in form
    answers = {"i1": 3, "i2": 2, "i3": 1, "i4": 3, "i5": 0, "i6": 1, "i7": 2, "i8": 0}
    sent = browser.post("/my/measures/PHQ9", data=_phq9(**answers))
    assert sent.status_code == 303 and sent.headers["Location"] == "/my/measures/PHQ9/done"
    done = browser.get("/my/measures/PHQ9/done").get_data(as_text=True)
    assert "PHQ-9 sent on" in done and SELF_HARM_URGENT not in done
    expected = score("PHQ9", [answers.get(f"i{n}", 0) for n in range(1, 10)])
    with db.read() as s:
        response = s.scalars(select(HomeMeasureResponse)).one()
        assert (response.instrument, response.source, response.completed_on, response.total,
                response.band) == ("PHQ9", "client_home", clinic_today(), expected.total,
                                   expected.band)
        assert [(a.item, a.value) for a in s.scalars(select(HomeMeasureAnswer)
                                                     .order_by(HomeMeasureAnswer.item))] \
            == [(n, answers.get(f"i{n}", 0)) for n in range(1, 10)]
        assert s.scalar(select(SafetyAlert.id)) is None
        actions = set(s.scalars(select(AuditEntry.action)))
        assert {"measures_assigned", "measures_viewed", "home_measure_saved"} <= actions
        episode_id = current_episode(s, linked["client_id"]).id
        assert due_measures(s, episode_id=episode_id, today=clinic_today()) == []
        # Two weeks on it is due again.
        assert due_measures(s, episode_id=episode_id,
                            today=clinic_today() + dt.timedelta(weeks=2)) == ["PHQ9"]
    assert "/my/measures/PHQ9" not in browser.get("/my/").get_data(as_text=True)
    results = linked["practitioner"].get(f"/clients/{linked['client_id']}/measures")
    assert f"{expected.total} ({expected.band})" in results.get_data(as_text=True)


def test_every_session_is_due_again_after_a_session(linked, db):
    _assign(linked, GAD7="session")
    browser = linked["browser"]
    _open(browser, linked["token"])
    assert browser.post("/my/measures/GAD7", data={f"item-{n}": "1" for n in range(1, 8)}
                        ).status_code == 303
    assert "/my/measures/GAD7" not in browser.get("/my/").get_data(as_text=True)
    with db.begin() as s:
        client = s.get(Client, linked["client_id"])
        s.add(CareSession(client_id=client.id, episode_id=current_episode(s, client.id).id,
                          practitioner_id=client.practitioner_id, session_on=clinic_today(),
                          pain=4, stress=4))
    assert "/my/measures/GAD7" in browser.get("/my/").get_data(as_text=True)


def test_an_incomplete_questionnaire_is_refused_by_item_and_changes_nothing(linked, db):
    _assign(linked, PHQ9="1w")
    browser = linked["browser"]
    _open(browser, linked["token"])
    before = _snapshot(db)
    partial = {"item-1": "1", "item-2": "2", "item-3": "0", "item-9": "0"}
    response = browser.post("/my/measures/PHQ9", data=partial)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for n in (4, 5, 6, 7, 8):
        assert f"Item {n} is not answered." in body
    assert "Item 1 is not answered" not in body and "Item 9 is not answered" not in body
    assert 'id="item-2-2" checked' in body  # what was answered stays ticked
    assert SELF_HARM_URGENT not in body
    assert _snapshot(db) == before


def test_item_9_above_0_raises_the_alert_at_once_even_if_incomplete(linked, db):
    _assign(linked, PHQ9="2w")
    browser = linked["browser"]
    _open(browser, linked["token"])
    response = browser.post("/my/measures/PHQ9", data={"item-9": "2"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Item 1 is not answered." in body
    assert SELF_HARM_URGENT in body and CRISIS in body and 'role="alert"' in body
    with db.read() as s:
        assert s.scalar(select(HomeMeasureResponse.id)) is None
        alert = s.scalars(select(SafetyAlert)).one()
        assert (alert.source, alert.session_id, alert.answer, alert.raised_on) == (
            "client_home", None, 2, clinic_today())
        owner = s.get(Client, linked["client_id"]).practitioner_id
    # The practitioner's alerts (home, the client's page) list it with the day.
    with db.read() as s:
        user = s.get(User, owner)
        rows = alerts_for(s, CurrentUser(user.id, user.email, user.name, user.role, 0, ""))
    assert [(r.client_id, r.session_on, r.answer, r.source) for r in rows] == [
        (linked["client_id"], clinic_today(), 2, "client_home")]
    # Completing it afterwards attaches the answers to the same alert, not a second one.
    sent = browser.post("/my/measures/PHQ9", data=_phq9(i9=1))
    assert sent.status_code == 303
    done = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert SELF_HARM_URGENT in done and CRISIS in done and "Get urgent help" in done
    with db.read() as s:
        alert = s.scalars(select(SafetyAlert)).one()
        assert alert.home_response_id == s.scalar(select(HomeMeasureResponse.id))
        assert alert.answer == 2


def test_forged_unassigned_cross_site_and_out_of_range_input_change_nothing(
        linked, db, app, sqlite_people):
    _assign(linked, PHQ9="2w")
    browser = linked["browser"]
    _open(browser, linked["token"])
    before = _snapshot(db, "client_link_opened")
    good = _phq9()
    for data in ({**good, "item-4": "4"}, {**good, "item-4": "1 OR 1=1"},
                 {**good, "item-5": "-1"}, {**good, "item-6": "١"},
                 {**good, "item-7": ["1", "2"]}):
        response = browser.post("/my/measures/PHQ9", data=data)
        assert response.status_code == 400, data
        assert "choose one of the answers given" in response.get_data(as_text=True)
    for path in ("/my/measures/GAD7", "/my/measures/PSS10", "/my/measures/X",
                 "/my/measures/phq9", "/my/measures/GAD7/done"):
        assert browser.get(path).status_code == 404, path
    assert browser.post("/my/measures/GAD7",
                        data={f"item-{n}": "0" for n in range(1, 8)}).status_code == 404
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = browser.post("/my/measures/PHQ9", data=_phq9(i9=3), headers=headers)
        assert response.status_code == 403
    # No cookie, or another client's link: nothing of this client, nothing written.
    fresh = app.server.test_client()
    assert fresh.post("/my/measures/PHQ9", data=_phq9(i9=3)).status_code == 404
    assert fresh.get("/my/measures/PHQ9").status_code == 404
    with db.begin() as s:
        bob_link = create_link(s, client_id=sqlite_people.bob_client_id,
                               secret_key="test-secret", user_id=None, now=utcnow())
    bob = app.server.test_client()
    _open(bob, bob_link.token)
    assert "/my/measures/" not in bob.get("/my/").get_data(as_text=True)
    assert bob.post("/my/measures/PHQ9", data={**_phq9(i9=3), "client_id": str(
        linked["client_id"])}).status_code == 404
    assert _snapshot(db, "client_link_opened") == before


def test_only_the_client_s_practitioner_assigns_and_bad_choices_change_nothing(
        linked, app, db):
    before = _snapshot(db)
    bob = app.server.test_client()
    login(bob, BOB)
    path = f"/clients/{linked['client_id']}/measures"
    assert bob.get(path).status_code == 404
    assert bob.post(path, data={"every-PHQ9": "1w"}).status_code == 404
    refused = linked["practitioner"].post(path, data={"every-PHQ9": "3w"})
    assert refused.status_code == 400
    assert "Choose how often from the list." in refused.get_data(as_text=True)
    cross = linked["practitioner"].post(path, data={"every-PHQ9": "1w"},
                                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    after = _snapshot(db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    with db.read() as s:
        assert s.scalar(select(MeasureAssignment.id)) is None


def test_changing_a_frequency_keeps_the_old_one_on_record_and_erasure_removes_answers(
        linked, db, sqlite_people):
    _assign(linked, PHQ9="2w", PSS10="4w")
    _assign(linked, PHQ9="1w", PSS10="none")
    with db.read() as s:
        rows = s.execute(select(MeasureAssignment.instrument, MeasureAssignment.every,
                                MeasureAssignment.ended_at.is_(None))
                         .order_by(MeasureAssignment.id)).all()
    assert [tuple(r) for r in rows] == [("PHQ9", "2w", False), ("PSS10", "4w", False),
                                        ("PHQ9", "1w", True)]
    browser = linked["browser"]
    _open(browser, linked["token"])
    assert browser.post("/my/measures/PHQ9", data=_phq9(i9=1)).status_code == 303
    with db.begin() as s:
        erase_client(s, s.get(Client, linked["client_id"]), by_user_id=sqlite_people.admin_id,
                     keep_scores=False, now=utcnow())
    with db.read() as s:
        assert s.scalar(select(HomeMeasureResponse.id)) is None
        assert s.scalar(select(HomeMeasureAnswer.id)) is None
        assert s.scalar(select(SafetyAlert.id)) is None
