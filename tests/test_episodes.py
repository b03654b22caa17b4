"""Episodes of care end to end below the browser: the life cycle in the data layer on
SQLite and PostgreSQL, and the intake, referral, discharge and summary through the app's
own callbacks and routes, with access checked and everything audited."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from dashboard.db.episodes import (
    EpisodeError,
    clear_flag,
    discharge,
    list_episodes,
    record_intake,
    record_referral,
)
from dashboard.db.models import AuditEntry, CareSession, Client, Episode, Goal, RedFlagAnswer
from dashboard.db.plans import current_version
from dashboard.db.summary import current_episode
from dashboard.domain.episodes import RED_FLAG_ITEMS, DischargeDraft, IntakeDraft
from dashboard.pages.client import ids
from dashboard.pages.ids import client_intake as intake_ids
from tests.conftest import login
from tests.dash_client import dependencies, find_component, invoke, open_page, text_of
from tests.factories import ALICE, BOB, add_sessions, pdf_text

TODAY = dt.date(2026, 11, 25)
ALL_NO = {item.key: "no" for item in RED_FLAG_ITEMS}


def draft(**answers):
    return IntakeDraft("doctor", "Dr Helen Ward", "Low back pain with stress", True, True,
                       {**ALL_NO, **answers})


def test_life_cycle_open_flag_clear_discharge_and_reopen(any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        first = record_intake(s, client=client, draft=draft(legs="yes"),
                              user_id=people.alice_id, today=dt.date(2026, 1, 5))
        assert client.episode_state == "flagged" and first.urgent_flag
        assert s.scalar(select(func.count()).select_from(RedFlagAnswer)) == len(RED_FLAG_ITEMS)
        with pytest.raises(EpisodeError, match="already open"):
            record_intake(s, client=client, draft=draft(), user_id=people.alice_id,
                          today=TODAY)
        with pytest.raises(EpisodeError, match="referral before"):
            clear_flag(s, client=client, episode_id=first.id, note="seen", user_id=1)
        record_referral(s, client=client, episode_id=first.id, note="Sent to A&E",
                        user_id=people.alice_id)
        assert client.episode_state == "flagged"  # still open until cleared
        clear_flag(s, client=client, episode_id=first.id, note="Scan clear",
                   user_id=people.alice_id)
        assert client.episode_state == "open"
        first_id = first.id
    with any_db.begin() as s:
        add_sessions(s, people.alice_client_id, [(8, 7, 3.0), (6, 5, 4.0), (4, 3, 6.0)])
        client = s.get(Client, people.alice_client_id)
        episode = discharge(s, client=client, episode_id=first_id, user_id=people.alice_id,
                            draft=DischargeDraft("goals_met", dt.date(2026, 2, 20), "Keep on",
                                                 {}))
        assert (episode.baseline_pain, episode.discharge_pain, episode.sessions_attended,
                episode.outcome) == (8, 4, 3, "improving")
        assert (episode.baseline_function, episode.discharge_function) == (3.0, 6.0)
        assert client.episode_state == "discharged" and client.next_due_on is None
        with pytest.raises(EpisodeError, match="already been discharged"):
            discharge(s, client=client, episode_id=first_id, user_id=people.alice_id,
                      draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "x", {}))
        # Another client's episode id is refused, whoever asks.
        bob_episode = current_episode(s, people.bob_client_id).id
        with pytest.raises(EpisodeError, match="No such episode"):
            record_referral(s, client=client, episode_id=bob_episode, note="x", user_id=1)
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        second = record_intake(s, client=client, draft=draft(), user_id=people.alice_id,
                               today=dt.date(2026, 4, 1))
        assert second.id != first_id and client.episode_state == "open"
        assert current_episode(s, client.id).id == second.id
        # The new episode starts from a new baseline: no session yet.
        assert client.baseline_pain is None and client.status == "not_enough_data"
        add_sessions(s, client.id, [(5, 5, None), (5, 4, None)], start=dt.date(2026, 4, 2))
        assert (client.baseline_pain, client.latest_pain, client.status) == (5, 5, "stable")
        episodes = list_episodes(s, client.id)
        assert [(e.number, e.state, e.sessions) for e in episodes] == [
            (2, "open", 2), (1, "discharged", 3)]
        assert (episodes[1].baseline_pain, episodes[1].latest_pain) == (8, 4)


def intake_values(client_id, **overrides):
    values = {
        f"{intake_ids.SAVE}.n_clicks": 1, f"{ids.CLIENT_ID}.data": client_id,
        f"{intake_ids.SOURCE}.value": "doctor", f"{intake_ids.REFERRER}.value": "Dr Helen Ward",
        f"{intake_ids.REASON}.value": "Back pain <b>since</b> spring",
        f"{intake_ids.CONSENT_TREATMENT}.value": True, f"{intake_ids.CONSENT_DATA}.value": False,
        intake_ids.FLAG: [({"type": intake_ids.FLAG, "item": k}, v) for k, v in ALL_NO.items()],
        intake_ids.FLAG_ERROR: [({"type": intake_ids.FLAG_ERROR, "item": k}, None)
                                for k in ALL_NO],
    }
    values.update(overrides)
    return values


def test_intake_with_an_urgent_yes_stops_and_records_the_referral(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    login(http, ALICE)
    flags = [({"type": intake_ids.FLAG, "item": k}, "yes" if k == "bowel" else v)
             for k, v in ALL_NO.items()]
    refused = invoke(http, intake_ids.RESULT, intake_values(
        cid, **{f"{intake_ids.CONSENT_TREATMENT}.value": False}))
    assert "not recorded" in refused.get_data(as_text=True)
    with db.read() as s:
        assert s.get(Episode, current_episode(s, cid).id).intake_recorded_at is None
    body = invoke(http, intake_ids.RESULT, intake_values(cid, **{intake_ids.FLAG: flags}))
    text = body.get_data(as_text=True)
    assert "Stop: refer for urgent care now" in text and "Loss of bowel control" in text
    assert "New difficulty passing urine" not in text  # only the items answered yes
    with db.read() as s:
        episode = current_episode(s, cid)
        assert episode.urgent_flag and s.get(Client, cid).episode_state == "flagged"
        assert episode.reason == "Back pain <b>since</b> spring"
        episode_id = episode.id
    # The plan builder warns while the flag is open.
    page = open_page(http, f"/clients/{cid}").get_data(as_text=True)
    assert ids.PLAN_RED_FLAG in page and "Urgent red flag open" in page
    referral = [d for d in dependencies(http)
                if any(i["id"] == ids.REFERRAL_SAVE for i in d["inputs"])]
    clearing = [d for d in dependencies(http)
                if any(i["id"] == ids.CLEAR_SAVE for i in d["inputs"])]
    empty = invoke(http, ids.FLAG_AREA, deps=referral, values={
        f"{ids.REFERRAL_SAVE}.n_clicks": 1, f"{ids.REFERRAL_NOTE}.value": " ",
        f"{ids.FLAG_EPISODE}.data": episode_id, f"{ids.CLIENT_ID}.data": cid})
    assert "Enter the referral" in empty.get_data(as_text=True)
    done = invoke(http, ids.FLAG_AREA, deps=referral, values={
        f"{ids.REFERRAL_SAVE}.n_clicks": 1, f"{ids.REFERRAL_NOTE}.value": "Sent to A&E",
        f"{ids.FLAG_EPISODE}.data": episode_id, f"{ids.CLIENT_ID}.data": cid})
    assert "Referral recorded" in done.get_data(as_text=True)
    with db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == cid)))
        assert {"intake_recorded", "urgent_referral_recorded"} <= set(actions)
    # Bob may not record anything on Alice's client, even with the right episode id.
    http.post("/logout")
    login(http, BOB)
    forged = invoke(http, ids.FLAG_AREA, deps=clearing, values={
        f"{ids.CLEAR_SAVE}.n_clicks": 1, f"{ids.CLEAR_NOTE}.value": "cleared",
        f"{ids.FLAG_EPISODE}.data": episode_id, f"{ids.CLIENT_ID}.data": cid})
    assert forged.status_code == 403
    with db.read() as s:
        assert s.get(Episode, episode_id).flag_cleared_at is None


def discharge_values(cid, episode_id, goals, **overrides):
    values = {
        f"{ids.DISCHARGE_SAVE}.n_clicks": 1, f"{ids.CLIENT_ID}.data": cid,
        f"{ids.DISCHARGE_EPISODE}.data": episode_id, f"{ids.DISCHARGE_REASON}.value": "goals_met",
        f"{ids.DISCHARGE_DATE}.value": "2026-03-01",
        f"{ids.DISCHARGE_RECOMMENDATIONS}.value": "Keep up the bridges twice a week.",
        ids.DISCHARGE_GOAL: [({"type": ids.DISCHARGE_GOAL, "goal": g}, True) for g in goals],
        ids.DISCHARGE_GOAL_REASON: [({"type": ids.DISCHARGE_GOAL_REASON, "goal": g}, None)
                                  for g in goals],
    }
    values.update(overrides)
    return values


def test_discharge_makes_both_summaries_and_ends_sessions(http, db, planned, tmp_path):
    cid = planned
    with db.begin() as s:
        add_sessions(s, cid, [(8, 7, 3.0), (7, 6, 4.0), (5, 4, 5.0), (3, 3, 6.5)])
        episode = current_episode(s, cid)
        episode.referral_source, episode.referrer_name = "doctor", "Dr Helen Ward"
        episode_id = episode.id
        final = current_version(s, episode_id)
        s.add(Goal(plan_version_id=final.id, description="Pain at or below 3", pain_target=3))
        s.flush()
        goals = list(s.scalars(select(Goal.id).where(Goal.plan_version_id == final.id)))
    login(http, ALICE)
    assert http.get(f"/clients/{cid}/episodes/{episode_id}/summary.pdf").status_code == 404
    bad = invoke(http, ids.DISCHARGE_RESULT, discharge_values(
        cid, episode_id, goals, **{f"{ids.DISCHARGE_DATE}.value": "2026-02-01",
                                   f"{ids.DISCHARGE_REASON}.value": None}))
    text = bad.get_data(as_text=True)
    assert "Not discharged" in text and "last session" in text and "Choose why" in text
    good = invoke(http, ids.DISCHARGE_GO, discharge_values(cid, episode_id, goals))
    assert good.get_json()["response"][ids.DISCHARGE_GO]["href"] == f"/clients/{cid}?view=episode"
    with db.read() as s:
        episode = s.get(Episode, episode_id)
        assert (episode.ended_on, episode.discharge_reason) == (dt.date(2026, 3, 1),
                                                                "goals_met")
        assert s.get(Client, cid).episode_state == "discharged"

    for audience, expected in (("client", "Your care with us, Carol"),
                               ("referrer", "For Dr Helen Ward")):
        response = http.get(f"/clients/{cid}/episodes/{episode_id}/summary.pdf?for={audience}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = pdf_text(response.data, tmp_path)
        assert expected in text
        assert "Sessions attended" in text and "4" in text
        # Pain at baseline 8, at discharge 3, change -5, meaningful (2 points and 30%).
        assert re.search(r"\b8\s+3\s+-5\b", text), text
        assert "Yes, improved (at least 2" in text
        assert "Keep up the bridges twice a week." in text
        assert "Pain at or below 3: Met" in " ".join(text.split())
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "discharge_summary_downloaded")) == 2

    # A discharged client takes no new session until a new episode is opened.
    page = open_page(http, f"/clients/{cid}").get_data(as_text=True)
    assert "Start a new episode" in page and ids.SESSION_FORM not in page
    http.post("/logout")
    login(http, BOB)
    assert http.get(f"/clients/{cid}/episodes/{episode_id}/summary.pdf").status_code == 404


def test_a_pain_goal_is_judged_from_the_discharge_pain(http, db, planned, tmp_path):
    """Issue 17, item 11: "pain at or below 2" ticked met at a discharge pain of 3 is
    refused, unless the practitioner gives a reason, which the summary prints."""
    cid = planned
    with db.begin() as s:
        add_sessions(s, cid, [(8, 7, 3.0), (3, 3, 6.5)])
        episode_id = current_episode(s, cid).id
        final = current_version(s, episode_id)
        s.add(Goal(plan_version_id=final.id, description="Pain at or below 2", pain_target=2))
        s.flush()
        goals = list(s.scalars(select(Goal.id).where(Goal.plan_version_id == final.id)))
    login(http, ALICE)
    refused = invoke(http, ids.DISCHARGE_RESULT, discharge_values(cid, episode_id, goals))
    assert "Pain at discharge is 3" in refused.get_data(as_text=True)
    with db.read() as s:
        assert s.get(Episode, episode_id).ended_on is None
    reason = "Pain 3 only after a long drive; 1-2 otherwise"
    invoke(http, ids.DISCHARGE_GO, discharge_values(
        cid, episode_id, goals, **{ids.DISCHARGE_GOAL_REASON: [
            ({"type": ids.DISCHARGE_GOAL_REASON, "goal": g}, reason) for g in goals]}))
    with db.read() as s:
        assert s.get(Episode, episode_id).ended_on is not None
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "episode_discharged"))
        assert reason in str(entry.detail)
    response = http.get(f"/clients/{cid}/episodes/{episode_id}/summary.pdf?for=referrer")
    text = " ".join(pdf_text(response.data, tmp_path).split())
    assert "Pain at or below 2: Met (the practitioner's judgement against the scores:" in text
    # The final plan grouped by strategy: a heading per strategy, not "strategy: part".
    assert "Heat or cold therapy" in text and "Heat or cold therapy:" not in text


def test_progress_of_an_earlier_episode_and_forged_episode_ids(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        add_sessions(s, cid, [(9, 8, None), (7, 6, None)])
        client = s.get(Client, cid)
        first = current_episode(s, cid).id
        discharge(s, client=client, episode_id=first, user_id=sqlite_people.alice_id,
                  draft=DischargeDraft("plateau", dt.date(2026, 2, 10), "Rest", {}))
        record_intake(s, client=client, draft=draft(), user_id=sqlite_people.alice_id,
                      today=dt.date(2026, 6, 1))
        bob_episode = current_episode(s, sqlite_people.bob_client_id).id
    login(http, ALICE)
    values = {f"{ids.TABS}.value": "progress", f"{ids.PROGRESS_RANGE}.value": "all",
              f"{ids.CLIENT_ID}.data": cid}
    earlier = invoke(http, ids.PROGRESS, {**values, f"{ids.PROGRESS_EPISODE}.value": str(first)})
    assert earlier.status_code == 200
    area = earlier.get_json()["response"][ids.PROGRESS]["children"]
    sentence = text_of(find_component(area, ids.PROGRESS_SENTENCE))
    # The earlier episode's own sessions (9 then 7), not the new episode's empty record.
    assert sentence.startswith("Pain 9 → 7 since 1 February 2026"), sentence
    forged = invoke(http, ids.PROGRESS, {**values,
                                            f"{ids.PROGRESS_EPISODE}.value": str(bob_episode)})
    assert forged.status_code == 403


def test_edit_and_intake_pages_are_not_shadowed_by_the_client_page(http, sqlite_people):
    login(http, ALICE)
    cid = sqlite_people.alice_client_id
    assert "Save details" in open_page(http, f"/clients/{cid}/edit").get_data(as_text=True)
    assert "Red-flag screen" in open_page(http, f"/clients/{cid}/intake").get_data(
        as_text=True)
    bob = sqlite_people.bob_client_id
    assert "Client not found" in open_page(http, f"/clients/{bob}/intake").get_data(
        as_text=True)


def test_outcomes_at_discharge_by_practitioner_and_strategy(any_db, people):
    """Two of Alice's clients discharged: one improved on heat alone, one not on heat and
    stress management; Bob's client stays open. Figures as the overview shows them."""
    from dashboard.auth.access import CurrentUser
    from dashboard.db.models import StrategyPart
    from dashboard.db.outcomes import discharge_outcomes
    from dashboard.db.plans import save_plan_version
    from dashboard.domain.dose import Dose
    from dashboard.domain.plans import PlanDraft, PlanItemDraft
    from tests.factories import make_client

    def plan(s, client_id, keys):
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
        items = tuple(PlanItemDraft(parts[k].id, k, "", Dose.from_columns(parts[k]))
                      for k in keys)
        save_plan_version(s, episode_id=current_episode(s, client_id).id,
                          draft=PlanDraft(items), user_id=people.alice_id,
                          today=dt.date(2026, 1, 5))

    with any_db.begin() as s:
        second = make_client(s, practitioner_id=people.alice_id, given="Erin", family="Ames")
        for cid, keys, scores in (
                (people.alice_client_id, ["heat"], [(8, 7, None), (4, 4, None)]),
                (second.id, ["heat", "breathing"], [(6, 6, None), (6, 5, None),
                                                    (7, 5, None)])):
            plan(s, cid, keys)
            add_sessions(s, cid, scores)
            discharge(s, client=s.get(Client, cid), episode_id=current_episode(s, cid).id,
                      user_id=people.alice_id,
                      draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "x", {}))
        plan(s, people.bob_client_id, ["heat"])
    admin = CurrentUser(people.admin_id, "a", "A", "admin", 0, "t")
    with any_db.read() as s:
        by_practitioner, by_strategy = discharge_outcomes(
            s, admin, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        # Alice's practitioner view sees the same; Bob sees none of Alice's.
        bob = CurrentUser(people.bob_id, "b", "B", "practitioner", 0, "t")
        assert discharge_outcomes(s, bob, start=dt.date(2026, 1, 1),
                                  end=dt.date(2026, 12, 31)) == ([], [])
        assert discharge_outcomes(s, admin, start=dt.date(2026, 4, 1),
                                  end=dt.date(2026, 12, 31)) == ([], [])
    (alice,) = by_practitioner
    assert (alice.discharged, alice.improved, alice.mean_pain_change, alice.mean_sessions) \
        == (2, 1, -1.5, 2.5)
    rows = {r.group: r for r in by_strategy}
    assert set(rows) == {"Heat or cold therapy", "Stress management"}
    heat, stress = rows["Heat or cold therapy"], rows["Stress management"]
    assert (heat.discharged, heat.improved, heat.mean_pain_change) == (2, 1, -1.5)
    assert (stress.discharged, stress.improved, stress.mean_pain_change) == (1, 0, 1.0)


def test_the_clients_summary_carries_the_safety_text_and_the_referrers_does_not(
        http, db, planned, tmp_path):
    from dashboard.handout.content import URGENT_CARE

    cid = planned
    with db.begin() as s:
        add_sessions(s, cid, [(6, 6, None), (5, 5, None)])
        client = s.get(Client, cid)
        episode_id = current_episode(s, cid).id
        discharge(s, client=client, episode_id=episode_id, user_id=1,
                  draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "Rest", {}))
    login(http, ALICE)
    texts = {audience: " ".join(pdf_text(http.get(
        f"/clients/{cid}/episodes/{episode_id}/summary.pdf?for={audience}").data,
        tmp_path).split()) for audience in ("client", "referrer")}
    assert "Get urgent help" in texts["client"] and URGENT_CARE[0] in texts["client"]
    assert "Call the crisis line on 116 123." in texts["client"]
    assert "Get urgent help" not in texts["referrer"]


def test_the_summary_prints_the_outcome_frozen_at_discharge(db, sqlite_people):
    """A session corrected after discharge does not change the paper the overview counts."""
    from dashboard.db.episodes import discharge_summary_data

    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        add_sessions(s, cid, [(8, 7, None), (3, 3, None)])
        client = s.get(Client, cid)
        episode = discharge(s, client=client, episode_id=current_episode(s, cid).id,
                            user_id=sqlite_people.alice_id,
                            draft=DischargeDraft("goals_met", dt.date(2026, 3, 1), "x", {}))
        last = s.scalars(select(CareSession).order_by(CareSession.session_on.desc())).first()
        last.pain = 7
        s.flush()
        data = discharge_summary_data(s, client, episode, "referrer")
    pain = next(m for m in data.measures if m.name == "Pain")
    assert (pain.baseline, pain.discharge, pain.change) == ("8", "3", "-5")
    assert data.sessions_attended == 2 and "meaningful" in data.status_sentence
