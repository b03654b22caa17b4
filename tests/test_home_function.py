"""PSFS ratings at home (issue 22): the practitioner assigns the client's own activities to
be rated weekly; the client rates them on their own page (plain HTML); the mean is scored by
the same code as a session's and stored with its source; the ratings join the sessions' in
progress, the figures frozen at discharge and the discharge summary, and the FHIR export
(performed by the Patient), read by the same PSFS rules (the activities rated at both
ends). Bad input is refused with the activity named and changes nothing."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard.config import Settings
from dashboard.db.episodes import discharge, discharge_summary_data
from dashboard.db.erasure import erase_client
from dashboard.db.measures import due_measures
from dashboard.db.models import (
    AuditEntry,
    CareSession,
    Client,
    FunctionalActivity,
    FunctionalRating,
    HomeFunctionRating,
    HomeFunctionResponse,
    MeasureAssignment,
    utcnow,
)
from dashboard.db.progress import load_progress
from dashboard.db.reminders import reminders_due, set_email_consent
from dashboard.db.sessions import set_activities
from dashboard.db.summary import current_episode
from dashboard.domain.episodes import DischargeDraft
from dashboard.domain.psfs import RatedSet, parse_home_ratings, series_change
from dashboard.domain.sessions import psfs_score
from dashboard.figures import timeline_figure
from dashboard.handout.discharge import render_summary_html
from tests.factories import assign_home_measures, clinic_today, open_own_page
from tests.fhir_checks import check_bundle, resources
from tests.test_home_measures import _snapshot

ACTIVITIES = ["Lifting the shopping", "Walking 30 minutes", "Sleeping through"]


def _with_activities(db, client_id: int, names: list[str] = ACTIVITIES) -> dict[str, int]:
    with db.begin() as s:
        set_activities(s, client_id, names)
        return {a.name: a.id for a in s.scalars(select(FunctionalActivity).where(
            FunctionalActivity.client_id == client_id, FunctionalActivity.active.is_(True)))}


def _session_rated(db, client_id: int, on: dt.date, ratings: dict[int, int]) -> None:
    with db.begin() as s:
        client = s.get(Client, client_id)
        care = CareSession(client_id=client_id, episode_id=current_episode(s, client_id).id,
                           practitioner_id=client.practitioner_id, session_on=on, pain=6,
                           stress=5, function_score=psfs_score(ratings))
        s.add(care)
        s.flush()
        s.add_all(FunctionalRating(session_id=care.id, activity_id=a, score=v)
                  for a, v in ratings.items())


def _rate_at_home(linked, ratings: dict[int, int]):
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    return browser.post("/my/measures/PSFS",
                        data={f"rating-{a}": str(v) for a, v in ratings.items()})


# --- Domain ------------------------------------------------------------------------------

def test_home_ratings_are_read_only_for_the_clients_activities_and_named_when_wrong():
    activities = [(7, "Lifting"), (9, "Driving"), (11, "Gardening")]
    ok = parse_home_ratings(activities, {"rating-7": ["0"], "rating-9": ["10"],
                                         "rating-11": ["5"], "rating-99": ["3"]})
    assert ok.complete and ok.ratings == {7: 0, 9: 10, 11: 5}  # 99 is nobody's here
    bad = parse_home_ratings(activities, {"rating-7": ["11"], "rating-9": ["4", "5"],
                                          "rating-11": [""]})
    assert not bad.complete
    assert bad.problems() == {7: "“Lifting”: choose a number from 0 to 10.",
                              9: "“Driving”: choose a number from 0 to 10.",
                              11: "“Gardening” is not rated."}
    for value in ("-1", "5.0", " 5", "٥", "1e1", "0x5"):
        assert parse_home_ratings(activities[:1], {"rating-7": [value]}).invalid == (7,)
    assert not parse_home_ratings([], {}).complete  # nothing to rate is not a rating


def test_the_series_reads_first_and_latest_wherever_made_home_first_on_the_same_day():
    day = dt.date(2026, 3, 2)
    session = RatedSet(day, (("Lifting", 2), ("Driving", 3)))
    home_same_day = RatedSet(day, (("Lifting", 1), ("Driving", 1)), by_client=True)
    later_home = RatedSet(day + dt.timedelta(days=7), (("Lifting", 6), ("Walking", 5)),
                          by_client=True)
    reading = series_change([session, later_home, home_same_day])
    # The home rating the same day comes first (asked for before the session); the change
    # is read on the one activity rated at both ends.
    assert [(a.name, a.before, a.after) for a in reading.compared] == [("Lifting", 1, 6)]
    assert reading.replaced == ("Driving",) and reading.added == ("Walking",)
    assert series_change([session], at_least=2) is None


# --- Through the app -------------------------------------------------------------------

def test_assigned_weekly_rated_on_the_clients_page_stored_and_due_again_in_a_week(linked, db):
    ids = _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    page = linked["practitioner"].get(f"/clients/{linked['client_id']}/measures")
    assert 'id="every-PSFS"' in page.get_data(as_text=True)
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    home = browser.get("/my/").get_data(as_text=True)
    assert 'href="/my/measures/PSFS"' in home and "3 activities to rate" in home
    form = browser.get("/my/measures/PSFS")
    body = form.get_data(as_text=True)
    assert form.status_code == 200 and len(form.data) < 60_000
    for name in ACTIVITIES:
        assert name in body
    assert body.count('type="radio"') == 3 * 11 and "<script" not in body
    assert "0: unable to do it" in body
    ratings = {ids["Lifting the shopping"]: 3, ids["Walking 30 minutes"]: 6,
               ids["Sleeping through"]: 8}
    sent = _rate_at_home(linked, ratings)
    assert sent.status_code == 303 and sent.headers["Location"] == "/my/measures/PSFS/done"
    assert "ratings sent on" in browser.get("/my/measures/PSFS/done").get_data(as_text=True)
    with db.read() as s:
        response = s.scalars(select(HomeFunctionResponse)).one()
        assert (response.source, response.completed_on, response.score) == (
            "client_home", clinic_today(), psfs_score(ratings))
        assert {r.activity_id: r.score for r in s.scalars(select(HomeFunctionRating))} \
            == ratings
        assert "home_measure_saved" in set(s.scalars(select(AuditEntry.action)))
        episode_id = current_episode(s, linked["client_id"]).id
        assert due_measures(s, episode_id=episode_id, today=clinic_today()) == []
        assert due_measures(s, episode_id=episode_id, today=clinic_today()
                            + dt.timedelta(days=6)) == []
        assert due_measures(s, episode_id=episode_id, today=clinic_today()
                            + dt.timedelta(weeks=1)) == ["PSFS"]
    assert "/my/measures/PSFS" not in browser.get("/my/").get_data(as_text=True)
    results = linked["practitioner"].get(f"/clients/{linked['client_id']}/measures")
    assert f"<td>PSFS</td><td>{psfs_score(ratings):g}</td>" in results.get_data(as_text=True)


def test_a_rating_left_out_or_out_of_range_is_refused_by_activity_and_changes_nothing(
        linked, db):
    ids = _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    before = _snapshot(db, "client_link_opened")
    response = _rate_at_home(linked, {ids["Lifting the shopping"]: 4,
                                      ids["Walking 30 minutes"]: 12})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“Walking 30 minutes”: choose a number from 0 to 10." in body
    assert "“Sleeping through” is not rated." in body
    assert f'id="rating-{ids["Lifting the shopping"]}-4" checked' in body  # kept
    assert _snapshot(db, "client_link_opened") == before


THROUGH_SERVER = settings(max_examples=20, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
bad_values = st.one_of(st.sampled_from(["", "11", "-1", "10.0", "ten", "\x00", " 3", "٣",
                                        "9" * 30, "<script>"]),
                       st.integers(11, 10**12).map(str), st.text(max_size=20).filter(
                           lambda t: t not in {str(v) for v in range(11)}))


@THROUGH_SERVER
@given(bad=bad_values, which=st.integers(0, 2), twice=st.booleans())
def test_any_bad_rating_through_the_server_changes_nothing(linked, db, bad, which, twice):
    ids = list(_with_activities(db, linked["client_id"]).values())
    with db.read() as s:
        assigned = s.scalar(select(MeasureAssignment.id))
    if assigned is None:
        assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    before = _snapshot(db, "client_link_opened")
    form: dict[str, list[str]] = {f"rating-{a}": ["5"] for a in ids}
    # Twice: a second value beside a good one (an empty value is no value, as for a
    # questionnaire's answer: then the rating is missing).
    form[f"rating-{ids[which]}"] = ["5", bad] if twice and bad else [bad]
    response = browser.post("/my/measures/PSFS", data=form)
    assert response.status_code == 400
    assert "Not sent yet" in response.get_data(as_text=True)
    assert _snapshot(db, "client_link_opened") == before


def test_psfs_is_weekly_only_needs_activities_and_is_not_open_unassigned(linked, db):
    path = f"/clients/{linked['client_id']}/measures"
    practitioner = linked["practitioner"]
    before = _snapshot(db)
    refused = practitioner.post(path, data={"every-PSFS": "1w"})  # no activities yet
    assert refused.status_code == 400
    assert "no activities to rate yet" in refused.get_data(as_text=True)
    _with_activities(db, linked["client_id"])
    before = _snapshot(db)
    for every in ("2w", "session", "4w"):
        response = practitioner.post(path, data={"every-PSFS": every})
        assert response.status_code == 400
        assert "Choose how often from the list." in response.get_data(as_text=True)
    after = _snapshot(db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    open_own_page(linked["browser"], linked["token"])
    assert linked["browser"].get("/my/measures/PSFS").status_code == 404
    assert _rate_at_home(linked, {1: 5}).status_code == 404


def test_home_ratings_join_progress_the_discharge_and_its_summary_on_the_same_activities(
        linked, db):
    cid = linked["client_id"]
    ids = _with_activities(db, cid)
    lifting, walking, sleeping = (ids[n] for n in ACTIVITIES)
    first_day = clinic_today() - dt.timedelta(days=20)
    _session_rated(db, cid, first_day, {lifting: 2, walking: 3, sleeping: 4})
    _session_rated(db, cid, clinic_today() - dt.timedelta(days=10),
                   {lifting: 3, walking: 3, sleeping: 4})
    assign_home_measures(linked["practitioner"], cid, PSFS="1w")
    # At home the client rates two of the three (one was replaced since): 7 and 6.
    _with_activities(db, cid, ["Lifting the shopping", "Walking 30 minutes", "Gardening"])
    gardening = _with_activities(db, cid, ["Lifting the shopping", "Walking 30 minutes",
                                           "Gardening"])["Gardening"]
    assert _rate_at_home(linked, {lifting: 7, walking: 6, gardening: 2}).status_code == 303
    with db.read() as s:
        episode_id = current_episode(s, cid).id
        progress = load_progress(s, episode_id)
    reading = progress.function_reading
    assert [(a.name, a.before, a.after) for a in reading.compared] == [
        ("Lifting the shopping", 2, 7), ("Walking 30 minutes", 3, 6)]
    assert reading.change == 4.0 and reading.replaced == ("Sleeping through",)
    assert "Lifting the shopping 2 → 7" in progress.function_sentence
    traces = {t["name"]: t for t in timeline_figure(progress)["data"]}
    home = traces["Function (PSFS) at home (client)"]
    assert home["y"] == [psfs_score({lifting: 7, walking: 6, gardening: 2})]
    assert home["marker"]["symbol"] == "diamond-open"
    with db.begin() as s:
        client = s.get(Client, cid)
        episode = discharge(s, client=client, episode_id=episode_id,
                            user_id=client.practitioner_id,
                            draft=DischargeDraft("goals_met", clinic_today(), "", {}))
        assert (episode.baseline_function, episode.discharge_function,
                episode.function_compared, episode.function_left_out) == (2.5, 6.5, 2, 2)
        referrer = discharge_summary_data(s, client, episode, "referrer")
        for_client = discharge_summary_data(s, client, episode, "client")
    assert referrer.home_function == 1
    function = next(m for m in referrer.measures if m.name == "Function")
    assert (function.baseline, function.discharge) == ("2.5", "6.5")
    assert "rated their own activities (PSFS) at home on their own page 1 time" in \
        render_summary_html(referrer)
    assert "You rated your own activities at home 1 time" in render_summary_html(for_client)


def test_the_fhir_export_has_the_home_ratings_performed_by_the_patient(linked, db):
    ids = _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    assert _rate_at_home(linked, {a: 4 for a in ids.values()}).status_code == 303
    data = check_bundle(linked["practitioner"].get(
        f"/clients/{linked['client_id']}/fhir.json").get_data(as_text=True))
    urls = {id(e["resource"]): e["fullUrl"] for e in data["entry"]}
    [response] = [r for r in resources(data, "QuestionnaireResponse") if r.get("source")]
    patient = response["subject"]["reference"]
    assert response["source"] == {"reference": patient}
    assert response["questionnaire"].endswith("/Questionnaire/psfs")
    rated = {i["item"][0]["answer"][0]["valueString"]: i["item"][1]["answer"][0]["valueInteger"]
             for i in response["item"]}
    assert rated == {name: 4 for name in ACTIVITIES}
    [observation] = [o for o in resources(data, "Observation")
                     if o.get("derivedFrom") == [{"reference": urls[id(response)]}]]
    assert observation["valueQuantity"]["value"] == 4.0
    assert observation["performer"] == [{"reference": patient}]


def test_erasure_removes_home_ratings_or_keeps_them_anonymised(linked, db, sqlite_people):
    ids = _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    assert _rate_at_home(linked, {a: 4 for a in ids.values()}).status_code == 303
    with db.begin() as s:
        erase_client(s, s.get(Client, linked["client_id"]), by_user_id=sqlite_people.admin_id,
                     keep_scores=False, now=utcnow())
    with db.read() as s:
        assert s.scalar(select(HomeFunctionResponse.id)) is None
        assert s.scalar(select(HomeFunctionRating.id)) is None


def test_without_the_clients_cookie_the_psfs_pages_give_nothing_and_save_nothing(
        linked, db, app):
    ids = _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    stranger = app.server.test_client()
    before = _snapshot(db)
    assert stranger.get("/my/measures/PSFS").status_code == 404
    assert stranger.get("/my/measures/PSFS/done").status_code == 404
    posted = stranger.post("/my/measures/PSFS", data={f"rating-{a}": "5" for a in ids.values()})
    assert posted.status_code == 404
    assert "Walking" not in posted.get_data(as_text=True)
    # The practitioner's own login is no key to the client's page either.
    assert linked["practitioner"].get("/my/measures/PSFS").status_code == 404
    assert _snapshot(db) == before


def test_with_every_activity_retired_psfs_is_not_due_nor_reminded(linked, db):
    """Nothing to rate: not on the client's page, not due, not a reason to email."""
    _with_activities(db, linked["client_id"])
    assign_home_measures(linked["practitioner"], linked["client_id"], PSFS="1w")
    with db.begin() as s:
        client = s.get(Client, linked["client_id"])
        client.email = "carol@example.org"
        set_email_consent(s, episode=current_episode(s, client.id), given=True,
                          user_id=client.practitioner_id, now=utcnow())
    tz = Settings(database_url=db.url, secret_key="test-secret").tz

    def due_now() -> tuple[list[str], list[str]]:
        with db.read() as s:
            episode_id = current_episode(s, linked["client_id"]).id
            return (due_measures(s, episode_id=episode_id, today=clinic_today()),
                    [d.reason for d in reminders_due(s, today=clinic_today(), now=utcnow(),
                                                     tz=tz)])
    assert due_now() == (["PSFS"], ["measure_due"])
    _with_activities(db, linked["client_id"], [])  # all retired
    assert due_now() == ([], [])
    open_own_page(linked["browser"], linked["token"])
    assert "/my/measures/PSFS" not in linked["browser"].get("/my/").get_data(as_text=True)
