"""Questionnaires completed at home count wherever a session's do (issue 22, item 2): one
series with the sessions' totals on progress (each point marked by its source), the
episode's reliable change and the client list's summary, the figures frozen at discharge and
the discharge summary, and the FHIR export (as the client's own report)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.db.episodes import discharge, discharge_summary_data
from dashboard.db.models import CareSession, Client, QuestionnaireAnswer
from dashboard.db.progress import load_progress
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.episodes import DischargeDraft
from dashboard.domain.measures import SOURCE_HOME, SOURCE_SESSION
from dashboard.figures import timeline_figure
from dashboard.handout.discharge import render_summary_html
from tests.factories import assign_home_measures, clinic_today, home_phq9_form, open_own_page
from tests.fhir_checks import check_bundle, resources


def _session_phq9(db, client_id: int, on: dt.date, value: int) -> None:
    """A session with a PHQ-9 of every item ``value`` (total 9 × value)."""
    with db.begin() as s:
        client = s.get(Client, client_id)
        episode = current_episode(s, client_id)
        care = CareSession(client_id=client_id, episode_id=episode.id,
                           practitioner_id=client.practitioner_id, session_on=on, pain=6,
                           stress=6)
        s.add(care)
        s.flush()
        s.add_all(QuestionnaireAnswer(session_id=care.id, instrument="PHQ9", item=n,
                                      value=value) for n in range(1, 10))
        s.flush()
        refresh_client_summary(s, client)


def _home_phq9(linked, **items: int) -> None:
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(**items)).status_code == 303


def test_a_home_phq9_joins_the_sessions_series_and_counts_in_reliable_change(linked, db):
    cid = linked["client_id"]
    session_day = clinic_today() - dt.timedelta(days=10)
    _session_phq9(db, cid, session_day, 2)  # 18: moderately severe
    with db.read() as s:
        assert s.get(Client, cid).reliable_change is None  # given once: not judged
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="1w")
    _home_phq9(linked, i1=1, i2=1)  # 2 at home today
    with db.read() as s:
        # The client list's filter reads the summary: it moved with the home answer.
        assert s.get(Client, cid).reliable_change == "improvement"
        episode_id = current_episode(s, cid).id
        progress = load_progress(s, episode_id)
    assert [(p.on, p.instrument, p.total, p.source) for p in progress.scores] == [
        (session_day, "PHQ9", 18, SOURCE_SESSION), (clinic_today(), "PHQ9", 2, SOURCE_HOME)]
    [phq9] = [m for m in progress.questionnaires.measures if m.instrument == "PHQ9"]
    assert (phq9.first, phq9.latest, phq9.reliably_improved) == (18, 2, True)
    figure = timeline_figure(progress)
    traces = {t["name"]: t for t in figure["data"]}
    line = traces["PHQ-9"]
    assert line["y"] == [18, 2] and line["marker"]["symbol"] == ["circle", "circle-open"]
    assert line["customdata"] == ["at a session", "at home (client)"]
    assert traces["PHQ-9 at home (client)"]["y"] == [2]
    # A range that starts after the session still draws the home point, and the episode's
    # judgement does not change with the range.
    with db.read() as s:
        narrowed = load_progress(s, episode_id, since=clinic_today())
    assert [p.total for p in narrowed.scores] == [2]
    assert narrowed.questionnaires == progress.questionnaires


def test_same_day_home_before_session_and_session_only_series_unchanged(linked, db):
    """Asked for before the session: on the same day the home one comes first, so the
    session's is the latest."""
    cid = linked["client_id"]
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="session")
    _home_phq9(linked)  # 0 at home
    _session_phq9(db, cid, clinic_today(), 3)  # 27 at the session the same day
    with db.read() as s:
        progress = load_progress(s, current_episode(s, cid).id)
    assert [(p.total, p.source) for p in progress.scores] == [
        (0, SOURCE_HOME), (27, SOURCE_SESSION)]
    [phq9] = [m for m in progress.questionnaires.measures if m.instrument == "PHQ9"]
    assert (phq9.first, phq9.latest, phq9.reliably_deteriorated) == (0, 27, True)


def test_discharge_freezes_home_scores_and_the_summary_says_so(linked, db):
    cid = linked["client_id"]
    _session_phq9(db, cid, clinic_today() - dt.timedelta(days=10), 2)
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="1w")
    _home_phq9(linked)
    with db.begin() as s:
        client = s.get(Client, cid)
        episode = discharge(s, client=client, episode_id=current_episode(s, cid).id,
                            user_id=client.practitioner_id,
                            draft=DischargeDraft("goals_met", clinic_today(), "", {}))
        assert (episode.baseline_phq9, episode.discharge_phq9,
                episode.reliable_change) == (18, 0, "improvement")
        referrer = discharge_summary_data(s, client, episode, "referrer")
        for_client = discharge_summary_data(s, client, episode, "client")
    assert referrer.home_questionnaires == 1
    phq9 = next(m for m in referrer.measures if m.name.startswith("PHQ-9"))
    assert (phq9.baseline, phq9.discharge) == ("18", "0")
    html = render_summary_html(referrer)
    assert "1 questionnaire was completed by the client at home on their own page" in html
    assert "You completed 1 of these questionnaires at home" in render_summary_html(
        for_client)


def test_the_fhir_export_carries_home_questionnaires_as_the_client_s_report(linked, db):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _home_phq9(linked, i1=2, i9=1)
    data = check_bundle(linked["practitioner"].get(
        f"/clients/{linked['client_id']}/fhir.json").get_data(as_text=True))
    urls = {id(e["resource"]): e["fullUrl"] for e in data["entry"]}
    [response] = [r for r in resources(data, "QuestionnaireResponse")
                  if r.get("source")]
    patient = response["subject"]["reference"]
    assert response["source"] == {"reference": patient}
    assert response["authored"] == clinic_today().isoformat()
    assert response["questionnaire"].endswith("/Questionnaire/phq-9")
    answers = [i for i in response["item"] if "answer" in i]
    assert len(answers) == 10  # nine items and the total
    [observation] = [o for o in resources(data, "Observation")
                     if o.get("derivedFrom") == [{"reference": urls[id(response)]}]]
    assert observation["valueQuantity"]["value"] == 3
    assert observation["performer"] == [{"reference": patient}]
    assert observation["note"] == [{"text": "Reported by the client at home."}]
    with db.read() as s:
        assert s.scalar(select(CareSession.id)) is None  # no session: home only
