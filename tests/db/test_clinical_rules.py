"""Clinical rules held in the data layer, on SQLite and PostgreSQL (issue 17): sessions stay
within their episode of care, whatever path writes them."""

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from dashboard.auth.access import CurrentUser
from dashboard.db.csv_data import current_episode_dates, import_sessions
from dashboard.db.handouts import handout_data
from dashboard.db.models import (
    CareSession,
    Client,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    QuestionnaireAnswer,
    SafetyAlert,
    StrategyPart,
    User,
)
from dashboard.db.plans import save_plan_version
from dashboard.db.progress import load_progress
from dashboard.db.sessions import (
    HISTORY_LIMIT,
    acknowledge_alert,
    alerts_for,
    history_position,
    other_sessions_on,
    save_session,
    saved_session_row,
    session_context,
    session_history,
    set_activities,
    set_deleted,
    update_session,
)
from dashboard.db.summary import current_episode
from dashboard.domain.csv_import import check_session_rows
from dashboard.domain.dose import Dose
from dashboard.domain.episodes import EpisodeDates
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.domain.sessions import SessionForm, SessionInput, parse_session
from dashboard.handout.render import render_html

FIRST_START, FIRST_END = dt.date(2026, 1, 5), dt.date(2026, 3, 1)
SECOND_START = dt.date(2026, 4, 1)


def session_on(day: dt.date, pain: int = 5) -> SessionInput:
    return SessionInput(day, pain, 4, {}, {})


def returning_client(s, people) -> Client:
    """Alice's client: a first episode discharged on FIRST_END with one session, and a second
    episode open since SECOND_START."""
    client = s.get(Client, people.alice_client_id)
    first = s.scalar(select(Episode).where(Episode.client_id == client.id))
    save_session(s, client=client, context=session_context(s, client),
                 data=session_on(FIRST_START, 8), user_id=people.alice_id)
    first.ended_on, first.discharge_reason = FIRST_END, "plateau"
    s.add(Episode(client_id=client.id, started_on=SECOND_START))
    s.flush()
    return client


def test_a_new_episode_refuses_a_session_dated_in_an_earlier_one(any_db, people):
    with any_db.begin() as s:
        client = returning_client(s, people)
        context = session_context(s, client)
        assert context.episode_dates.started_on == SECOND_START
        with pytest.raises(ValueError, match="within this episode of care"):
            save_session(s, client=client, context=context,
                         data=session_on(dt.date(2026, 2, 1), 2), user_id=people.alice_id)
        save_session(s, client=client, context=context, data=session_on(SECOND_START, 6),
                     user_id=people.alice_id)
        # The new episode's baseline is its own first session, not the February one.
        assert (client.baseline_on, client.baseline_pain) == (SECOND_START, 6)


def test_an_edit_keeps_a_session_within_its_own_episode(any_db, people):
    with any_db.begin() as s:
        client = returning_client(s, people)
        old = s.scalar(select(CareSession).where(CareSession.client_id == client.id))
        with pytest.raises(ValueError, match=r"5 Jan 2026 to 1 Mar 2026"):
            update_session(s, client=client, care=old, data=session_on(SECOND_START),
                           keep_adherence=True)
        update_session(s, client=client, care=old, data=session_on(FIRST_END),
                       keep_adherence=True)  # the discharge day itself is inside
        assert old.session_on == FIRST_END


def test_the_import_refuses_rows_for_a_discharged_client_and_outside_the_episode(
        any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = s.scalar(select(Episode).where(Episode.client_id == client.id))
        episode.ended_on, episode.discharge_reason = FIRST_END, "plateau"
        s.flush()
        dates = current_episode_dates(s)
        bob_id = people.bob_client_id
    rows = [{"client_id": str(people.alice_client_id), "session_on": "2026-02-01",
             "pain": "5", "stress": "4"},
            {"client_id": str(bob_id), "session_on": "2026-01-04", "pain": "5", "stress": "4"},
            {"client_id": str(bob_id), "session_on": "2026-01-05", "pain": "5", "stress": "4"}]
    good, problems = check_session_rows(rows, dt.date(2026, 11, 25), dates)
    assert [p.row for p in problems] == [2, 3]
    assert "was discharged (5 Jan 2026 to 1 Mar 2026)" in problems[0].reason
    assert "within this episode of care (began 5 Jan 2026" in problems[1].reason
    assert [cid for cid, _ in good] == [bob_id]
    with any_db.begin() as s, pytest.raises(ValueError, match="no open episode"):
        import_sessions(s, [(people.alice_client_id, session_on(dt.date(2026, 2, 1)))],
                        lambda done, total: None)
    with any_db.read() as s:  # nothing was written
        assert s.scalar(select(CareSession.id)) is None


def heat_bridge_cbt_plan(s, client: Client, people):
    """A plan of heat (days), a bridge (3 days a week) and CBT (advice without days)."""
    parts = {p.key: p for p in s.scalars(select(StrategyPart))}
    return save_plan_version(s, episode_id=current_episode(s, client.id).id,
                             draft=PlanDraft(tuple(
                                 PlanItemDraft(parts[k].id, k, k, Dose.from_columns(parts[k]))
                                 for k in ("heat", "bridge", "cbt"))),
                             user_id=people.alice_id, today=FIRST_START)


def test_one_reading_of_adherence_in_the_history_the_form_progress_and_handout(any_db, people):
    """Issue 17, item 6: the history showed "7/3 days" and counted advice and blank parts."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        version = heat_bridge_cbt_plan(s, client, people)
        heat, bridge, _cbt = (i.id for i in version.items)
        context = session_context(s, client)
        assert [slot.plan_item_id for slot in context.adherence] == [heat, bridge]
        save_session(s, client=client, context=context, user_id=people.alice_id,
                     data=SessionInput(dt.date(2026, 1, 12), 5, 4, {}, {bridge: 7}))
        (row,) = session_history(s, client.id, include_deleted=False)
        assert row.adherence == "3/3 prescribed days (1 of 2 parts answered)"
        progress = load_progress(s, current_episode(s, client.id).id)
        assert sorted((r.strategy, r.days_done, r.days_prescribed)
                      for r in progress.adherence) == [("Heat or cold therapy", None, 7),
                                                       ("Stretch and strengthen", 7, 3)]
        handout = render_html(handout_data(s, client, version))
        tracker = handout[handout.index('class="tracker"'):]
        assert "Bridge" in tracker and "therapy (CBT)" not in tracker
        assert "therapy (CBT)" in handout  # the part is on the handout, with no tick row


def test_the_history_row_drawn_after_a_save_is_the_row_read_back(any_db, people):
    """A new session's history row is drawn from what was written, not read back (issue
    24): it must be the very row the history reads, whatever the session holds."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        version = heat_bridge_cbt_plan(s, client, people)
        heat, bridge, _cbt = (i.id for i in version.items)
        set_activities(s, client.id, ["Sitting", "Lifting"])
        name = s.get(User, people.alice_id).name
        sessions = [
            SessionInput(dt.date(2026, 1, 12), 5, 4, {}, {bridge: 7}),
            phq9_session(dt.date(2026, 1, 13), 2, blank=(3,)),  # unscored, item 9 kept
            SessionInput(dt.date(2026, 1, 14), 3, 2, {}, {heat: 0, bridge: 2}, "a note",
                         {"PHQ9": [1] * 9, "GAD7": [2] * 7, "PSS10": [0] * 10}),
        ]
        for data in sessions:
            context = session_context(s, client)
            activity_ids = [a for a, _ in context.activities]
            data = replace(data, ratings=dict(zip(activity_ids, (7, 2), strict=True)))
            care = save_session(s, client=client, context=context, data=data,
                                user_id=people.alice_id)
            drawn = saved_session_row(care, context, data, name)
            assert [drawn] == session_history(s, client.id, include_deleted=False,
                                              only=care.id)
        assert drawn.adherence == "2/10 prescribed days (2 parts)"
        assert [sc.instrument for sc in drawn.scores] == ["GAD7", "PHQ9", "PSS10"]


def test_the_history_place_counts_the_other_live_sessions_of_the_day(any_db, people):
    """The warning "this client has 2 sessions on ..." reads its count from the history's
    own query; a deleted session does not count, one below the rows shown is counted apart."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        day = dt.date(2026, 2, 2)
        saved = [save_session(s, client=client, context=session_context(s, client),
                              data=session_on(d), user_id=people.alice_id)
                 for d in (day, day, day)]
        place = history_position(s, saved[2], include_deleted=False)
        assert (place.position, place.shown, place.others_on_day) == (0, 3, 2)
        set_deleted(s, client=client, care=saved[0], user_id=people.alice_id)
        assert history_position(s, saved[2], include_deleted=True).others_on_day == 1
        assert history_position(s, saved[0], include_deleted=True).others_on_day == 2
        older = [save_session(s, client=client, context=session_context(s, client),
                              data=session_on(FIRST_START + dt.timedelta(days=n)),
                              user_id=people.alice_id) for n in range(HISTORY_LIMIT + 1)]
        place = history_position(s, older[0], include_deleted=False)
        assert place.position > HISTORY_LIMIT and place.others_on_day is None
        assert other_sessions_on(s, older[0]) == 0


def phq9_session(day: dt.date, item9: int, blank: tuple[int, ...] = ()) -> SessionInput:
    answers = [1] * 8 + [item9]
    if blank:  # an incomplete PHQ-9: parsed as the form would, the rest left unscored
        form_answers: list[object] = list(answers)
        for item in blank:
            form_answers[item - 1] = None
        data, errors = parse_session(
            SessionForm(day.isoformat(), 5, 4, {}, {}, "", {"PHQ9": form_answers}),
            today=dt.date(2026, 11, 25), episode=EpisodeDates(FIRST_START),
            activity_ids=set(), plan_item_ids=set())
        assert errors == {}
        return data
    return SessionInput(day, 5, 4, {}, {}, "", {"PHQ9": answers})


def test_the_safety_alert_life_cycle(any_db, people):
    """Issue 17, item 7: deleting the session does not hide an open alert; editing an
    acknowledged session raises no second alert for the same answer (a higher one does);
    item 9 on an incomplete PHQ-9 still raises the alert."""
    alice = CurrentUser(id=people.alice_id, email="", name="", role="practitioner",
                        login_session_id=0, token="")
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        context = session_context(s, client)
        care = save_session(s, client=client, context=context, user_id=people.alice_id,
                            data=phq9_session(dt.date(2026, 2, 1), 1))
        (alert,) = alerts_for(s, alice, client_id=client.id)
        assert (alert.answer, alert.acknowledged_at) == (1, None)
        set_deleted(s, client=client, care=care, user_id=people.alice_id)
        assert [a.id for a in alerts_for(s, alice)] == [alert.id]  # home still shows it
        set_deleted(s, client=client, care=care, user_id=None)
        acknowledge_alert(s, s.get(SafetyAlert, alert.id), user_id=people.alice_id,
                          action="Crisis line details given", note="")
        update_session(s, client=client, care=care, data=phq9_session(dt.date(2026, 2, 1), 1),
                       keep_adherence=False)
        assert alerts_for(s, alice, client_id=client.id) == []  # the same answer: no new one
        update_session(s, client=client, care=care, data=phq9_session(dt.date(2026, 2, 1), 3),
                       keep_adherence=False)
        assert [a.answer for a in alerts_for(s, alice, client_id=client.id)] == [3]
        incomplete = save_session(s, client=client, context=context, user_id=people.alice_id,
                                  data=phq9_session(dt.date(2026, 2, 8), 2, blank=(3, 4)))
        alerts = alerts_for(s, alice, client_id=client.id)
        assert sorted(a.answer for a in alerts) == [2, 3]
        assert s.scalar(select(func.count()).select_from(QuestionnaireAnswer).where(
            QuestionnaireAnswer.session_id == incomplete.id)) == 0  # the PHQ-9 is unscored


def test_editing_an_old_session_keeps_the_ratings_it_was_saved_with(any_db, people):
    """Issue 17, item 5: an edit deleted the ratings of activities retired since."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        set_activities(s, client.id, ["Lifting", "Driving", "Gardening"])
        old = {a.name: a.id for a in s.scalars(select(FunctionalActivity))}
        context = session_context(s, client)
        care = save_session(s, client=client, context=context, user_id=people.alice_id,
                            data=SessionInput(dt.date(2026, 2, 1), 5, 4, {
                                old["Lifting"]: 2, old["Driving"]: 4, old["Gardening"]: 6}, {}))
        set_activities(s, client.id, ["Gardening", "Walking", "Sitting"])  # two retired
        update_session(s, client=client, care=care, keep_adherence=False,
                       data=SessionInput(dt.date(2026, 2, 1), 4, 4, {}, {}))
        ratings = dict(s.execute(select(FunctionalRating.activity_id, FunctionalRating.score)
                                 .where(FunctionalRating.session_id == care.id)).all())
        assert ratings == {old["Lifting"]: 2, old["Driving"]: 4, old["Gardening"]: 6}
        assert care.function_score == 4.0 and care.pain == 4


def test_a_replaced_activity_is_read_on_the_same_activities_in_progress_and_summary(
        any_db, people):
    """Issue 17, item 5: an activity replaced mid-episode is not compared against a different
    one. The swap made the mean rise 3 -> 5.67 ('meaningful') while the two activities kept
    moved by 1; progress and the frozen discharge outcome now read +1 on those two and say
    why on the page and the summary."""
    from dashboard.db.episodes import discharge, discharge_summary_data
    from dashboard.domain.episodes import DischargeDraft

    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        set_activities(s, client.id, ["Walking", "Lifting", "Sitting"])
        ids = {a.name: a.id for a in s.scalars(select(FunctionalActivity))}
        save_session(s, client=client, context=session_context(s, client),
                     user_id=people.alice_id, data=SessionInput(
                         dt.date(2026, 2, 1), 6, 4,
                         {ids["Walking"]: 2, ids["Lifting"]: 3, ids["Sitting"]: 4}, {}))
        set_activities(s, client.id, ["Walking", "Lifting", "Gardening"])
        ids = {a.name: a.id for a in s.scalars(select(FunctionalActivity))}
        save_session(s, client=client, context=session_context(s, client),
                     user_id=people.alice_id, data=SessionInput(
                         dt.date(2026, 2, 15), 5, 4,
                         {ids["Walking"]: 3, ids["Lifting"]: 4, ids["Gardening"]: 10}, {}))
        episode = current_episode(s, client.id)
        progress = load_progress(s, episode.id)
        assert progress.points[-1].function - progress.points[0].function >= 2  # the old read
        assert progress.function_reading.change == 1.0
        assert progress.function_reading.meaning is None
        assert "“Sitting”" in progress.function_sentence
        assert "not a meaningful change" in progress.function_sentence
        # A window that shows only the last session still reads the whole episode.
        assert load_progress(s, episode.id, since=dt.date(2026, 2, 10)).function_reading \
            == progress.function_reading
        discharged = discharge(s, client=client, episode_id=episode.id,
                               user_id=people.alice_id,
                               draft=DischargeDraft("plateau", dt.date(2026, 2, 20), "x", {}))
        assert (discharged.baseline_function, discharged.discharge_function) == (2.5, 3.5)
        assert (discharged.function_compared, discharged.function_left_out) == (2, 2)
        data = discharge_summary_data(s, client, discharged, "referrer")
        for_client = discharge_summary_data(s, client, discharged, "client")
    row = next(m for m in data.measures if m.name == "Function")
    assert (row.baseline, row.discharge, row.change, row.meaningful) == ("2.5", "3.5", "+1",
                                                                         "No")
    assert "compared on the 2 activities" in data.function_note
    # The client's own copy says it in their words, not the record's (noticed in session 4).
    assert for_client.function_note == (
        "Your activities changed during your care, so your function is compared on the 2 "
        "activities you rated at both the first and the last session.")


def _flag_open(s, client: Client) -> Episode:
    """The client's open episode, flagged at intake with no flag cleared yet."""
    from dashboard.db.summary import refresh_client_summary

    episode = current_episode(s, client.id)
    episode.urgent_flag = True
    s.flush()
    refresh_client_summary(s, client)
    return episode


def _cold_draft(s, minutes: int = 10, reason: str = "") -> PlanDraft:
    cold = s.scalar(select(StrategyPart).where(StrategyPart.key == "cold"))
    return PlanDraft((PlanItemDraft(cold.id, cold.name, cold.strategy.name,
                                    Dose("timed", minutes, None, times_per_day=2,
                                         days_per_week=7), reason),), 14, "", ())


def test_an_open_urgent_flag_needs_a_reason_to_save_a_plan_or_give_a_handout(any_db, people):
    """Issue 17, item 8: while an urgent red flag is open, a plan was saved and a handout
    given with a warning line only. Now each needs the practitioner's reason, kept with what
    was saved or given; the data layer refuses without one, whatever path writes."""
    from dashboard.db.handouts import active_clients_with_plans
    from dashboard.db.models import HandoutRecord
    from dashboard.db.summary import RedFlagOpen
    from dashboard.handout.documents import make_handout

    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = current_episode(s, client.id)
        save_plan_version(s, episode_id=episode.id, draft=_cold_draft(s),
                          user_id=people.alice_id, today=dt.date(2026, 2, 1))
        assert active_clients_with_plans(s, people.alice_id)[0] == [client]
        _flag_open(s, client)
        with pytest.raises(RedFlagOpen, match="give your reason"):
            save_plan_version(s, episode_id=episode.id, draft=_cold_draft(s, 12),
                              user_id=people.alice_id, today=dt.date(2026, 2, 2))
        with pytest.raises(RedFlagOpen, match="give a handout anyway"):
            make_handout(s, client=client, version=None, page_size="a4",
                         user_id=people.alice_id)
        with pytest.raises(RedFlagOpen):
            make_handout(s, client=client, version=None, page_size="a4",
                         user_id=people.alice_id, red_flag_reason="   ")
        assert s.scalar(select(func.count()).select_from(HandoutRecord)) == 0
        # The batch leaves the flagged client out, by name.
        assert active_clients_with_plans(s, people.alice_id) == ([], [client])
        version = save_plan_version(
            s, episode_id=episode.id, draft=_cold_draft(s, 12), user_id=people.alice_id,
            today=dt.date(2026, 2, 2),
            red_flag_reason="Seen in A&E today, cleared by phone; the letter is awaited")
        assert version.red_flag_override.startswith("Seen in A&E today")
        given = make_handout(s, client=client, version=None, page_size="a4",
                             user_id=people.alice_id, red_flag_reason="Same as the plan")
        assert s.get(HandoutRecord, given.id).red_flag_override == "Same as the plan"
        # Once the flag is cleared, nothing is asked and no reason is kept.
        episode.flag_cleared_at = dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
        s.flush()
        later = save_plan_version(s, episode_id=episode.id, draft=_cold_draft(s, 14),
                                  user_id=people.alice_id, today=dt.date(2026, 2, 3),
                                  red_flag_reason="ignored")
        assert later.red_flag_override == ""


def test_a_dose_past_its_ceiling_needs_a_reason_printed_on_the_handout(any_db, people):
    """Issue 17, item 9: a dose past the part's ceiling was only refused. With the
    practitioner's reason it is kept, with the ceiling as given, and the handout and the
    client's own page print the limit and the reason beside the dose."""
    from dashboard.db.plans import DoseOverCeiling

    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = current_episode(s, client.id)
        with pytest.raises(DoseOverCeiling):
            save_plan_version(s, episode_id=episode.id, draft=_cold_draft(s, 20),
                              user_id=people.alice_id, today=dt.date(2026, 2, 1))
        version = save_plan_version(
            s, episode_id=episode.id, draft=_cold_draft(s, 20, "Post-operative swelling, "
                                                        "as the surgeon advised"),
            user_id=people.alice_id, today=dt.date(2026, 2, 1))
        (item,) = version.items
        assert (item.max_minutes, item.minutes_min) == (15, 20)
        # A later catalogue change does not change what this plan was given with.
        s.scalar(select(StrategyPart).where(StrategyPart.key == "cold")).max_minutes = 25
        s.flush()
        html = render_html(handout_data(s, client, version), "a4")
    assert ("the usual safe limit is 15 minutes at a time; your practitioner advised longer "
            "because: Post-operative swelling, as the surgeon advised") in html


def test_progress_marks_each_plan_version_and_draws_the_latest_pain_goal(db, planned,
                                                                        sqlite_people):
    """Progress reads the plan versions and their pain goals in one query: a marker per
    version, and the pain goal of the latest version that has one (version 2 has none, so
    version 1's 3 stands until version 3 sets 2)."""
    import dashboard.db.progress as progress_db
    from dashboard.db.plans import save_plan_version
    from dashboard.domain.plans import GoalDraft, PlanDraft

    with db.read() as s:
        episode_id = current_episode(s, planned).id
        first = progress_db.load_progress(s, episode_id)
    assert [m.version for m in first.markers] == [1, 2]
    assert first.pain_goal == 3
    with db.begin() as s:
        save_plan_version(s, episode_id=episode_id, draft=PlanDraft(
            (), 14, "", (GoalDraft("Walk to the shop", None, None),
                         GoalDraft("Pain at or below 2", 2, None))),
            user_id=sqlite_people.alice_id, today=dt.date(2026, 4, 1))
        save_plan_version(s, episode_id=episode_id, draft=PlanDraft((), 14, "", ()),
                          user_id=sqlite_people.alice_id, today=dt.date(2026, 5, 1))
    with db.read() as s:
        later = progress_db.load_progress(s, episode_id)
    assert [m.version for m in later.markers] == [1, 2, 3, 4]
    assert [m.effective_on for m in later.markers][2:] == [dt.date(2026, 4, 1),
                                                           dt.date(2026, 5, 1)]
    assert later.pain_goal == 2
