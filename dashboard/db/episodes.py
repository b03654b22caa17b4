"""Episodes of care in the database: intake, the red-flag's referral and clearing,
discharge with its frozen outcome, the list of a client's episodes, clinic outcomes.

Every function works in the caller's transaction; callers authorize and audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.measures import home_function_ratings
from dashboard.db.models import (
    CareSession,
    Client,
    Episode,
    Goal,
    HomeFunctionResponse,
    HomeMeasureResponse,
    PlanVersion,
    RedFlagAnswer,
    User,
    utcnow,
)
from dashboard.db.outcomes import episode_questionnaires, frozen_questionnaires
from dashboard.db.outcomes import outcome_columns as questionnaire_columns
from dashboard.db.plans import current_version
from dashboard.db.progress import session_ratings
from dashboard.db.reminders import set_email_consent
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.discharge import (
    DischargeSummaryData,
    GoalRow,
    PlanLine,
    function_note,
    measure_rows,
    questionnaire_rows,
    status_sentence,
)
from dashboard.domain.dose import Dose, describe_dose
from dashboard.domain.episodes import (
    DISCHARGE_REASONS,
    RED_FLAG_ITEMS,
    REFERRAL_SOURCES,
    DischargeDraft,
    IntakeDraft,
    MeasurableGoal,
    Outcome,
    ScorePoint,
    episode_state,
    outcome_of,
    pain_goal_met,
)
from dashboard.domain.ids import parse_id
from dashboard.domain.status import NOT_ENOUGH_DATA


class EpisodeError(ValueError):
    """The episode is not in a state that allows this (the message says why, for the user)."""


def needs_intake(episode: Episode | None) -> bool:
    return episode is None or episode.ended_on is not None or episode.intake_recorded_at is None


def record_intake(session: Session, *, client: Client, draft: IntakeDraft, user_id: int,
                  today: dt.date) -> Episode:
    """Record intake: into the open episode if it has none yet (a new client), else as a
    new episode after a discharge (a re-referral). Refused while an episode with an intake
    is open."""
    episode = current_episode(session, client.id)
    if episode is not None and episode.ended_on is None:
        if episode.intake_recorded_at is not None:
            raise EpisodeError("An episode of care is already open: discharge it before "
                               "starting a new one.")
    else:
        episode = Episode(client_id=client.id, started_on=today)
        session.add(episode)
        session.flush()
    now = utcnow()
    episode.opened_by_id = episode.opened_by_id or user_id
    episode.referral_source = draft.referral_source
    episode.referrer_name = draft.referrer_name
    episode.reason = draft.reason
    episode.intake_recorded_at = now
    episode.consent_treatment = draft.consent_treatment
    episode.consent_data = draft.consent_data
    episode.consent_recorded_by_id = user_id
    episode.consent_recorded_at = now
    # Only with an address to send to (the form offers it only then).
    set_email_consent(session, episode=episode, given=draft.consent_email and bool(client.email),
                      user_id=user_id, now=now)
    episode.urgent_flag = bool(draft.urgent_yes)
    episode.see_doctor_flag = bool(draft.see_doctor_yes)
    session.add_all([RedFlagAnswer(episode_id=episode.id, item=key, answer=answer)
                     for key, answer in draft.answers.items()])
    session.flush()
    refresh_client_summary(session, client)
    return episode


def red_flag_answers(session: Session, episode_id: int) -> dict[str, str]:
    return dict(session.execute(select(RedFlagAnswer.item, RedFlagAnswer.answer)
                                .where(RedFlagAnswer.episode_id == episode_id)).all())


def open_flagged_episode(session: Session, client: Client, episode_id: object) -> Episode:
    episode = client_episode(session, client, episode_id)
    if not episode.urgent_flag or episode.flag_cleared_at is not None:
        raise EpisodeError("This episode has no open red flag.")
    return episode


def record_referral(session: Session, *, client: Client, episode_id: object, note: str,
                    user_id: int) -> Episode:
    """Record that the client was referred for urgent care (the flag stays open)."""
    episode = open_flagged_episode(session, client, episode_id)
    episode.referral_recorded_at = utcnow()
    episode.referral_recorded_by_id = user_id
    episode.referral_note = note
    session.flush()
    return episode


def clear_flag(session: Session, *, client: Client, episode_id: object, note: str,
               user_id: int) -> Episode:
    """Close the red flag once the client has been seen (refused before a referral)."""
    episode = open_flagged_episode(session, client, episode_id)
    if episode.referral_recorded_at is None:
        raise EpisodeError("Record the urgent referral before clearing the flag.")
    episode.flag_cleared_at = utcnow()
    episode.flag_cleared_by_id = user_id
    episode.flag_cleared_note = note
    session.flush()
    refresh_client_summary(session, client)
    return episode


def client_episode(session: Session, client: Client, episode_id: object) -> Episode:
    """The episode with this id if it belongs to this client (ids come from the browser)."""
    eid = parse_id(episode_id)
    if eid is None:
        raise EpisodeError("No such episode.")
    episode = session.get(Episode, eid)
    if episode is None or episode.client_id != client.id:
        raise EpisodeError("No such episode.")
    return episode


def episode_points(session: Session, episode_id: int) -> list[ScorePoint]:
    """The episode's sessions oldest first, each with its PSFS ratings by activity name."""
    ratings = session_ratings(session, episode_id)
    return [ScorePoint(r.session_on, r.pain, r.stress, r.function_score,
                       ratings.get(r.id, ()))
            for r in session.execute(
                select(CareSession.id, CareSession.session_on, CareSession.pain,
                       CareSession.stress, CareSession.function_score)
                .where(CareSession.episode_id == episode_id, CareSession.deleted_at.is_(None))
                .order_by(CareSession.session_on, CareSession.id))]


def measurable_goals(session: Session, episode: Episode) -> list[MeasurableGoal]:
    """The final plan's goals the scores can judge (pain targets)."""
    plan = current_version(session, episode.id)
    return [MeasurableGoal(g.id, g.pain_target) for g in (plan.goals if plan else [])
            if g.pain_target is not None]


def _pains(session: Session, episode_id: int) -> list[int]:
    """The pain of each of the episode's sessions, oldest first."""
    return list(session.scalars(
        select(CareSession.pain)
        .where(CareSession.episode_id == episode_id, CareSession.deleted_at.is_(None))
        .order_by(CareSession.session_on, CareSession.id)))


def discharge_goals(session: Session, episode: Episode, plan: PlanVersion | None = None,
                    *, episodes: list[EpisodeInfo] | None = None
                    ) -> list[tuple[Goal, bool | None]]:
    """The final plan's goals with whether each looks met (pain goals from the scores).
    ``plan``: the episode's current plan version, and ``episodes``: ``list_episodes``, if
    the caller has them already (the latest pain is then read from them)."""
    plan = plan or current_version(session, episode.id)
    if plan is None:
        return []
    listed = next((e for e in episodes or [] if e.id == episode.id), None)
    if listed is not None:
        final_pain = listed.latest_pain
    else:
        pains = _pains(session, episode.id)
        final_pain = pains[-1] if pains else None
    return [(g, g.met if g.met is not None else pain_goal_met(g.pain_target, final_pain))
            for g in plan.goals]


def discharge(session: Session, *, client: Client, episode_id: object, draft: DischargeDraft,
              user_id: int) -> Episode:
    """Close the open episode and freeze its outcome; refused for any other episode."""
    episode = client_episode(session, client, episode_id)
    if episode.ended_on is not None:
        raise EpisodeError("This episode has already been discharged.")
    outcome = outcome_of(episode_points(session, episode.id),
                         home_function_ratings(session, episode_id=episode.id))
    episode.ended_on = draft.ended_on
    episode.discharge_reason = draft.reason
    episode.discharge_recommendations = draft.recommendations
    episode.discharged_by_id = user_id
    for column, value in outcome_columns(outcome).items():
        setattr(episode, column, value)
    for column, value in questionnaire_columns(
            episode_questionnaires(session, episode.id)).items():
        setattr(episode, column, value)
    plan = current_version(session, episode.id)
    episode.final_plan_version_id = plan.id if plan else None
    for goal in plan.goals if plan else []:
        if goal.id in draft.goals_met:
            goal.met = draft.goals_met[goal.id]
            goal.met_override = draft.goal_overrides.get(goal.id, "")
    session.flush()
    refresh_client_summary(session, client)
    return episode


def outcome_columns(outcome: Outcome) -> dict[str, object]:
    """An episode's outcome as the columns frozen at discharge (the app and the demo)."""
    b, f = outcome.baseline, outcome.final
    return dict(sessions_attended=outcome.sessions,
                baseline_pain=b.pain if b else None, discharge_pain=f.pain if f else None,
                baseline_stress=b.stress if b else None,
                discharge_stress=f.stress if f else None,
                baseline_function=outcome.function_baseline,
                discharge_function=outcome.function_final,
                function_compared=outcome.function_compared,
                function_left_out=outcome.function_left_out, outcome=outcome.status)


def frozen_outcome(episode: Episode) -> Outcome:
    """The outcome as frozen at discharge (what the clinic figures count), so a summary
    printed later says the same even if a session was corrected since."""
    def point(on: dt.date, pain: int | None, stress: int | None, function: float | None
              ) -> ScorePoint | None:
        return None if pain is None or stress is None else ScorePoint(on, pain, stress,
                                                                      function)
    return Outcome(episode.sessions_attended or 0,
                   point(episode.started_on, episode.baseline_pain, episode.baseline_stress,
                         episode.baseline_function),
                   point(episode.ended_on or episode.started_on, episode.discharge_pain,
                         episode.discharge_stress, episode.discharge_function),
                   episode.outcome or NOT_ENOUGH_DATA, episode.function_compared,
                   episode.function_left_out or 0)


@dataclass(frozen=True)
class EpisodeInfo:
    id: int
    number: int  # 1 for the client's first episode
    started_on: dt.date
    ended_on: dt.date | None
    state: str
    referral_source: str
    referrer_name: str
    discharge_reason: str | None
    sessions: int
    baseline_pain: int | None
    latest_pain: int | None
    outcome: str | None


def list_episodes(session: Session, client_id: int) -> list[EpisodeInfo]:
    """Every episode of the client, newest first, with its session count and pain ends."""
    counts = dict(session.execute(
        select(CareSession.episode_id, func.count())
        .where(CareSession.client_id == client_id, CareSession.deleted_at.is_(None))
        .group_by(CareSession.episode_id)).all())
    episodes = list(session.scalars(select(Episode).where(Episode.client_id == client_id)
                                    .order_by(Episode.started_on, Episode.id)))
    result = []
    for number, e in enumerate(episodes, start=1):
        state = episode_state(ended_on=e.ended_on, urgent_flag=e.urgent_flag,
                              flag_cleared=e.flag_cleared_at is not None)
        if e.ended_on is None:
            pains = _pains(session, e.id)
            first = pains[0] if pains else None
            last = pains[-1] if pains else None
        else:
            first, last = e.baseline_pain, e.discharge_pain
        result.append(EpisodeInfo(e.id, number, e.started_on, e.ended_on, state,
                                  e.referral_source, e.referrer_name, e.discharge_reason,
                                  counts.get(e.id, 0), first, last, e.outcome))
    return result[::-1]


def user_names(session: Session, *user_ids: int | None) -> dict[int, str]:
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


def discharge_summary_data(session: Session, client: Client, episode: Episode,
                           audience: str) -> DischargeSummaryData:
    """What a discharged episode's summary says (raises EpisodeError if still open)."""
    if episode.ended_on is None or episode.discharge_reason is None:
        raise EpisodeError("The episode has not been discharged yet.")
    clinic = get_clinic(session)
    practitioner = session.get(User, client.practitioner_id)
    outcome = frozen_outcome(episode)
    plan = session.get(PlanVersion, episode.final_plan_version_id) \
        if episode.final_plan_version_id else None
    goals = tuple(GoalRow(g.description, "Not recorded" if g.met is None
                          else "Met" if g.met else "Not met", g.met_override)
                  for g in (plan.goals if plan else []))
    lines = tuple(PlanLine(i.strategy_name, i.part_name, describe_dose(Dose.from_columns(i))
                           + (f" (past the safe ceiling of {i.max_minutes} minutes a time: "
                              f"{i.over_ceiling_reason})" if i.over_ceiling_reason else ""))
                  for i in (plan.items if plan else []))
    answers = red_flag_answers(session, episode.id)
    flags = tuple(item.question for item in RED_FLAG_ITEMS if answers.get(item.key) == "yes")
    return DischargeSummaryData(
        audience=audience,
        clinic_name=clinic.name if clinic else "",
        clinic_phone=clinic.phone if clinic else "",
        clinic_address=clinic.address if clinic else "",
        client_name=f"{client.given_name} {client.family_name}",
        client_first_name=client.given_name, date_of_birth=client.date_of_birth,
        practitioner_name=practitioner.printed_name if practitioner else "",
        referral_source=REFERRAL_SOURCES[episode.referral_source],
        referrer_name=episode.referrer_name, reason=episode.reason,
        started_on=episode.started_on, ended_on=episode.ended_on,
        discharge_reason=DISCHARGE_REASONS[episode.discharge_reason],
        sessions_attended=outcome.sessions,
        measures=measure_rows(outcome) + questionnaire_rows(frozen_questionnaires(episode)),
        status_sentence=status_sentence(outcome, audience),
        function_note=function_note(outcome, audience), goals=goals, plan=lines,
        plan_version=plan.version if plan else None,
        recommendations=episode.discharge_recommendations, red_flags=flags,
        referral_note=episode.referral_note,
        crisis_line_text=clinic.crisis_line_text if clinic else "",
        home_questionnaires=session.scalar(select(func.count(HomeMeasureResponse.id)).where(
            HomeMeasureResponse.episode_id == episode.id)) or 0,
        home_function=session.scalar(select(func.count(HomeFunctionResponse.id)).where(
            HomeFunctionResponse.episode_id == episode.id)) or 0,
    )
