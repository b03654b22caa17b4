"""Reliable change where practitioners see it: the progress view, the discharge summary and
the client list's filter, from questionnaires saved as the app saves them."""

import datetime as dt
import json

from sqlalchemy import select

from dashboard.db.clients import ClientFilters, list_clients
from dashboard.db.episodes import discharge, discharge_summary_data
from dashboard.db.models import CareSession, Client, QuestionnaireAnswer
from dashboard.db.sessions import save_session, session_context
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.episodes import DischargeDraft
from dashboard.domain.sessions import SessionInput
from dashboard.pages.client import ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import overview as overview_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE

START = dt.date(2026, 2, 2)


def answers(instrument: str, total: int) -> list[int]:
    """Item answers adding up to ``total`` (PHQ-9 item 9 kept at 0: no safety alert)."""
    count = {"PHQ9": 8, "GAD7": 7}[instrument]
    values = [min(3, max(0, total - 3 * i)) for i in range(count)]
    assert sum(values) == total
    return [*values, 0] if instrument == "PHQ9" else values


def record(s, client_id: int, week: int, pain: int, **totals: int) -> CareSession:
    client = s.get(Client, client_id)
    data = SessionInput(START + dt.timedelta(days=7 * week), pain, 5, {}, {},
                        questionnaires={k: answers(k, v) for k, v in totals.items()})
    return save_session(s, client=client, context=session_context(s, client), data=data,
                        user_id=client.practitioner_id)


def unescaped(response) -> str:
    """A callback's JSON response as text, with arrows and dashes as themselves."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def visible(s, user, questionnaires: str) -> set[int]:
    rows, _ = list_clients(s, user, ClientFilters(questionnaires=questionnaires),
                           dt.date(2026, 6, 1))
    return {r.id for r in rows}


def test_the_client_summary_follows_the_questionnaires_and_the_list_filters_on_it(
        db, sqlite_people):
    from dashboard.auth.access import CurrentUser

    cid, other = sqlite_people.alice_client_id, sqlite_people.bob_client_id
    admin = CurrentUser(sqlite_people.admin_id, "a", "A", "admin", 0, "t")
    with db.begin() as s:
        record(s, cid, 0, 7, PHQ9=15, GAD7=3)
        client = s.get(Client, cid)
        # Given once: nothing judged yet.
        assert (client.reliable_change, client.recovered) == (None, None)
        record(s, cid, 1, 6, PHQ9=11, GAD7=4)
        assert client.reliable_change == "none"  # 15 -> 11: within noise
        record(s, cid, 2, 5, PHQ9=9, GAD7=7)
        # PHQ-9 down 6 and across 10, but GAD-7 up 4 (3 -> 7): deterioration wins, and
        # recovery stands (below both cut-offs at the end).
        assert (client.reliable_change, client.recovered) == ("deterioration", True)
        assert visible(s, admin, "deterioration") == {cid}
        assert visible(s, admin, "recovered") == {cid}
        assert visible(s, admin, "improvement") == set()
        # A later session without questionnaires changes none of it.
        record(s, cid, 3, 4)
        assert (client.reliable_change, client.recovered) == ("deterioration", True)
        assert visible(s, admin, "improvement") == set()
        record(s, other, 0, 5, GAD7=12)
        record(s, other, 1, 4, GAD7=8)
        assert visible(s, admin, "improvement") == {other}
        assert visible(s, admin, "recovered") == {cid}
        # A deleted session no longer counts (the latest with questionnaires, week 2).
        last = s.scalars(select(CareSession).where(
            CareSession.client_id == cid,
            CareSession.session_on == START + dt.timedelta(days=14))).one()
        last.deleted_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        s.flush()
        refresh_client_summary(s, client)
        assert (client.reliable_change, client.recovered) == ("none", False)


def test_the_client_list_filter_through_its_callback(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        record(s, cid, 0, 7, PHQ9=16)
        record(s, cid, 1, 4, PHQ9=9)
    login(http, ALICE)
    values = {f"{clients_ids.SEARCH}.value": "", f"{clients_ids.ARCHIVED}.value": "active",
              f"{clients_ids.STATUS}.value": "change:recovered", f"{clients_ids.DUE}.value": False,
              f"{clients_ids.SORT}.value": "name", f"{clients_ids.PRACTITIONER}.value": "all",
              f"{clients_ids.PAGES}.active_page": 1}
    body = invoke(http, clients_ids.TABLE, values).get_data(as_text=True)
    assert "1 client" in body
    values[f"{clients_ids.STATUS}.value"] = "change:deterioration"
    assert "No clients match." in invoke(http, clients_ids.TABLE, values).get_data(as_text=True)
    values[f"{clients_ids.STATUS}.value"] = "change:nonsense"  # forged: ignored, not an error
    assert invoke(http, clients_ids.TABLE, values).status_code == 200


def test_progress_marks_reliable_change_and_says_it(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        record(s, cid, 0, 7, PHQ9=14, GAD7=11)
        record(s, cid, 1, 6)
        record(s, cid, 2, 5, PHQ9=11, GAD7=7)
    login(http, ALICE)
    values = {f"{ids.TABS}.value": "progress", f"{ids.PROGRESS_RANGE}.value": "all",
              f"{ids.CLIENT_ID}.data": cid}
    body = unescaped(invoke(http, ids.PROGRESS, values))
    # The example: 14 -> 11 is noise, and the page says so in words.
    assert ("PHQ-9 14 → 11: no reliable change (a change of 3 is within measurement noise; "
            "reliable change is 6 points or more).") in body
    assert "GAD-7 11 → 7: reliable recovery" in body
    assert "PSS-10" not in body  # never given: not mentioned
    # Each questionnaire's panel carries its category and its cut-off.
    assert "<b>No reliable change</b>" in body and "<b>Reliable recovery</b>" in body
    assert "caseness 10" in body and "caseness 8" in body
    # A narrower range (here: no session in it) still judges the whole episode.
    values[f"{ids.PROGRESS_RANGE}.value"] = "30"
    body = unescaped(invoke(http, ids.PROGRESS, values))
    assert "PHQ-9 14 → 11: no reliable change" in body


def test_discharge_freezes_each_questionnaire_and_the_summary_gives_its_category(
        db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        record(s, cid, 0, 8, PHQ9=16, GAD7=9)
        record(s, cid, 1, 4, PHQ9=8, GAD7=9)
        client = s.get(Client, cid)
        episode = discharge(s, client=client, episode_id=current_episode(s, cid).id,
                            user_id=sqlite_people.alice_id,
                            draft=DischargeDraft("goals_met", dt.date(2026, 3, 1), "x", {}))
        assert (episode.baseline_phq9, episode.discharge_phq9) == (16, 8)
        assert (episode.baseline_gad7, episode.discharge_gad7) == (9, 9)
        assert (episode.baseline_pss10, episode.discharge_pss10) == (None, None)
        assert (episode.reliable_change, episode.recovered) == ("improvement", False)
        # Corrected after discharge: the frozen figures and the summary stay as they were.
        s.execute(QuestionnaireAnswer.__table__.update().values(value=3))
        data = discharge_summary_data(s, client, episode, "referrer")
    rows = {m.name: m for m in data.measures}
    phq = rows["PHQ-9 (depression)"]
    assert (phq.baseline, phq.discharge, phq.change) == ("16", "8", "-8")
    assert phq.meaningful == ("Reliable recovery (reliable change is 6 points or more; "
                              "clinical cut-off 10)")
    assert rows["GAD-7 (anxiety)"].meaningful.startswith("No reliable change")
    assert "PSS-10 (perceived stress)" not in rows


def test_a_questionnaire_given_once_is_not_judged_on_the_summary(db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        record(s, cid, 0, 8, GAD7=12)
        record(s, cid, 1, 6)
        client = s.get(Client, cid)
        episode = discharge(s, client=client, episode_id=current_episode(s, cid).id,
                            user_id=sqlite_people.alice_id,
                            draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "x", {}))
        assert (episode.baseline_gad7, episode.discharge_gad7) == (12, None)
        assert episode.reliable_change is None and episode.recovered is None
        data = discharge_summary_data(s, client, episode, "client")
    gad = next(m for m in data.measures if m.name == "GAD-7 (anxiety)")
    assert (gad.discharge, gad.meaningful) == ("Not given again", "Given once: cannot be "
                                                                  "judged")


def test_clinic_outcomes_count_each_figure_among_those_it_can_be_judged_on(
        any_db, people):
    """Three of Alice's episodes discharged: a reliable recovery with meaningful pain relief,
    a reliable deterioration on GAD-7, and one single session. Same on SQLite and
    PostgreSQL; Bob sees none of it."""
    from dashboard.auth.access import CurrentUser
    from dashboard.db.outcomes import discharge_outcomes
    from tests.factories import make_client

    with any_db.begin() as s:
        second = make_client(s, practitioner_id=people.alice_id, given="Erin", family="Ames")
        third = make_client(s, practitioner_id=people.alice_id, given="Finn", family="Ames")
        for cid, sessions in (
                (people.alice_client_id, [(8, {"PHQ9": 16, "GAD7": 5}),
                                          (4, {"PHQ9": 8, "GAD7": 5})]),
                (second.id, [(6, {"GAD7": 3}), (6, {"GAD7": 7})]),
                (third.id, [(5, {})])):
            for week, (pain, totals) in enumerate(sessions):
                record(s, cid, week, pain, **totals)
            discharge(s, client=s.get(Client, cid), episode_id=current_episode(s, cid).id,
                      user_id=people.alice_id,
                      draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "x", {}))
    admin = CurrentUser(people.admin_id, "a", "A", "admin", 0, "t")
    bob = CurrentUser(people.bob_id, "b", "B", "practitioner", 0, "t")
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
    with any_db.read() as s:
        (alice,), by_strategy = discharge_outcomes(s, admin, **year)
        assert discharge_outcomes(s, bob, **year) == ([], [])
    assert by_strategy == []  # no plans in this test
    assert (alice.discharged, alice.mean_sessions) == (3, 1.7)
    assert (alice.pain_improvement.k, alice.pain_improvement.n) == (1, 2)
    assert (alice.reliable_improvement.k, alice.reliable_improvement.n) == (1, 2)
    assert (alice.deterioration.k, alice.deterioration.n) == (1, 2)
    assert (alice.recovery.k, alice.recovery.n) == (1, 1)
    assert (alice.caseness.k, alice.caseness.n) == (1, 2)
    assert (alice.baseline_pain, alice.baseline_phq9) == (6.3, 16.0)
    assert alice.recovery.describe() == "1/1 · 100% (21–100%)"


def test_overview_shows_clinic_outcomes_with_intervals_and_case_mix(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        record(s, cid, 0, 8, PHQ9=16)
        record(s, cid, 1, 4, PHQ9=8)
        discharge(s, client=s.get(Client, cid), episode_id=current_episode(s, cid).id,
                  user_id=sqlite_people.alice_id,
                  draft=DischargeDraft("goals_met", dt.date(2026, 3, 1), "x", {}))
    login(http, ALICE)
    values = {f"{overview_ids.START}.value": "2026-01-01",
              f"{overview_ids.END}.value": "2026-06-30",
              f"{overview_ids.PRACTITIONER}.value": "all"}
    body = unescaped(invoke(http, overview_ids.BODY, values))
    for text in ("Reliable improvement", "Recovery", "Reliable deterioration",
                 "Case mix at the start", "Mean PHQ-9", "1 of 1", "16.0",
                 "(21–100%)"):
        assert text in body, text
    values[f"{overview_ids.START}.value"] = "2026-04-01"  # discharged before the range
    body = invoke(http, overview_ids.BODY, values).get_data(as_text=True)
    assert "No episode was discharged in this range." in body


def _page_of_practitioners(http, page, practitioner: str = "all") -> str:
    """The practitioners' outcome table's page callback, as the pager in the browser calls
    it (the page number as the browser sends it)."""
    from tests.dash_client import call_callback

    response = call_callback(
        http, f"{overview_ids.DISCHARGE_PRACTITIONER_ROWS}.children",
        [{"id": overview_ids.DISCHARGE_PRACTITIONER_PAGE, "property": "active_page",
          "value": page}],
        [{"id": overview_ids.START, "property": "value", "value": "2026-01-01"},
         {"id": overview_ids.END, "property": "value", "value": "2026-06-30"},
         {"id": overview_ids.PRACTITIONER, "property": "value", "value": practitioner}])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return unescaped(response)


def test_the_practitioners_outcome_table_comes_a_page_at_a_time(
        http, db, sqlite_people, monkeypatch):
    """At the ten-times clinic the table had 500 rows in one response; it now comes a page
    at a time, most discharges first, with where the page is in the whole list. Alice has
    two discharges and Bob one; a page of one row shows it. A practitioner's pager gives
    only their own row, whatever page they ask for."""
    from dashboard.pages import overview
    from tests.factories import BOB, make_client

    monkeypatch.setattr(overview, "PRACTITIONERS_PER_PAGE", 1)
    with db.begin() as s:
        second = make_client(s, practitioner_id=sqlite_people.alice_id, given="Erin",
                             family="Ames").id
    for cid in (sqlite_people.alice_client_id, second, sqlite_people.bob_client_id):
        with db.begin() as s:
            record(s, cid, 0, 8, PHQ9=16)
            record(s, cid, 1, 4, PHQ9=8)
            client = s.get(Client, cid)
            discharge(s, client=client, episode_id=current_episode(s, cid).id,
                      user_id=client.practitioner_id,
                      draft=DischargeDraft("goals_met", dt.date(2026, 3, 1), "x", {}))
    login(http, ADMIN)
    values = {f"{overview_ids.START}.value": "2026-01-01",
              f"{overview_ids.END}.value": "2026-06-30",
              f"{overview_ids.PRACTITIONER}.value": "all"}
    body = unescaped(invoke(http, overview_ids.BODY, values))
    assert "Practitioners 1–1 of 2, most discharges first." in body
    assert "Alice Practitioner" in body and "Bob Practitioner" not in body
    assert overview_ids.DISCHARGE_PRACTITIONER_PAGE in body
    second_page = _page_of_practitioners(http, 2)
    assert "Practitioners 2–2 of 2" in second_page
    assert "Bob Practitioner" in second_page and "Alice Practitioner" not in second_page
    # What the browser may send instead of a page number: kept within the pages there are.
    assert "Bob Practitioner" in _page_of_practitioners(http, 99)
    for forged in ("2", None, True, -3):
        assert "Alice Practitioner" in _page_of_practitioners(http, forged), forged

    bob = http.application.test_client()
    login(bob, BOB)
    own = _page_of_practitioners(bob, 2, practitioner=str(sqlite_people.alice_id))
    assert "Bob Practitioner" in own and "Alice Practitioner" not in own
    assert "of 2" not in own
