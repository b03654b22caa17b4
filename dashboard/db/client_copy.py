"""Reading a client's complete record (every episode, session, plan version, handout and
alert) as plain data for the client's copy. A handful of queries per client, not per row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.home_log import home_entries
from dashboard.db.models import (
    Adherence,
    CareSession,
    Client,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    HandoutRecord,
    PlanItem,
    PlanVersion,
    QuestionnaireAnswer,
    SafetyAlert,
    User,
)
from dashboard.domain.adherence import prescribed_days
from dashboard.domain.dates import format_day
from dashboard.domain.dose import Dose, describe_dose
from dashboard.domain.questionnaires import score
from dashboard.domain.record import (
    AdherenceLine,
    AlertEntry,
    EpisodeEntry,
    FullRecord,
    HandoutEntry,
    PlanEntry,
    SessionEntry,
)


def _user_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.name)).all())


def load_full_record(session: Session, client: Client, now: dt.datetime) -> FullRecord:
    """Everything kept about the client. Sessions deleted as mistakes are left out (they
    are not part of the record); every other session is in, oldest first."""
    names = _user_names(session)
    clinic = get_clinic(session)
    episodes = list(session.scalars(select(Episode).where(Episode.client_id == client.id)
                                    .order_by(Episode.started_on, Episode.id)))
    episode_ids = [e.id for e in episodes]
    plans: dict[int, list[PlanEntry]] = {}
    for plan in session.scalars(select(PlanVersion).where(
            PlanVersion.episode_id.in_(episode_ids)).order_by(PlanVersion.version)):
        plans.setdefault(plan.episode_id, []).append(PlanEntry(
            plan.version, plan.effective_on, names.get(plan.created_by_id, ""),
            plan.review_interval_days,
            tuple((i.strategy_name, i.part_name, describe_dose(Dose.from_columns(i)))
                  for i in plan.items),
            tuple(g.description + (f" (by {format_day(g.target_on)})" if g.target_on else "")
                  for g in plan.goals),
            plan.notes))

    cares = list(session.scalars(select(CareSession).where(
        CareSession.client_id == client.id, CareSession.deleted_at.is_(None))
        .order_by(CareSession.session_on, CareSession.id)))
    care_ids = [c.id for c in cares]
    adherence: dict[int, list[AdherenceLine]] = {}
    for sid, done, part, kind, per_week in session.execute(
            select(Adherence.session_id, Adherence.days_done, PlanItem.part_name,
                   PlanItem.dose_kind, PlanItem.days_per_week)
            .join(PlanItem, PlanItem.id == Adherence.plan_item_id)
            .where(Adherence.session_id.in_(care_ids)).order_by(PlanItem.position)):
        prescribed = prescribed_days(kind, per_week)
        if prescribed is not None:
            adherence.setdefault(sid, []).append(AdherenceLine(part, done, prescribed))
    ratings: dict[int, list[tuple[str, int]]] = {}
    for sid, name, value in session.execute(
            select(FunctionalRating.session_id, FunctionalActivity.name, FunctionalRating.score)
            .join(FunctionalActivity, FunctionalActivity.id == FunctionalRating.activity_id)
            .where(FunctionalRating.session_id.in_(care_ids))
            .order_by(FunctionalActivity.position)):
        ratings.setdefault(sid, []).append((name, value))
    answers: dict[int, dict[str, list[int]]] = {}
    for sid, instrument, value in session.execute(
            select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                   QuestionnaireAnswer.value)
            .where(QuestionnaireAnswer.session_id.in_(care_ids))
            .order_by(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                      QuestionnaireAnswer.item)):
        answers.setdefault(sid, {}).setdefault(instrument, []).append(value)
    by_episode: dict[int, list[SessionEntry]] = {}
    for care in cares:
        totals = []
        for key, values in sorted(answers.get(care.id, {}).items()):
            try:
                result = score(key, values)
                totals.append((key, result.total, result.band))
            except ValueError:  # an incomplete questionnaire is shown by its raw sum
                totals.append((key, sum(values), None))
        by_episode.setdefault(care.episode_id, []).append(SessionEntry(
            care.id, care.session_on, names.get(care.practitioner_id, ""), care.pain,
            care.stress, care.function_score, tuple(ratings.get(care.id, ())),
            tuple(adherence.get(care.id, ())), tuple(totals), care.notes))

    episode_entries = tuple(EpisodeEntry(
        number, e.started_on, e.ended_on, e.reason,
        e.referral_source + (f" ({e.referrer_name})" if e.referrer_name else ""),
        e.discharge_reason, e.discharge_recommendations, e.outcome,
        tuple(plans.get(e.id, ())), tuple(by_episode.get(e.id, ())),
        tuple(home_entries(session, client_id=client.id, episode_id=e.id)))
        for number, e in enumerate(episodes, start=1))

    handouts = tuple(HandoutEntry(at, version, names.get(by, "command line") if by else
                                  "command line", sha)
                     for at, version, by, sha in session.execute(
                         select(HandoutRecord.created_at, PlanVersion.version,
                                HandoutRecord.created_by_id, HandoutRecord.sha256)
                         .join(PlanVersion, PlanVersion.id == HandoutRecord.plan_version_id)
                         .where(HandoutRecord.client_id == client.id,
                                HandoutRecord.given.is_(True))
                         .order_by(HandoutRecord.created_at)))
    alerts = tuple(AlertEntry(a.raised_at, on, a.acknowledged_at,
                              names.get(a.acknowledged_by_id, "") if a.acknowledged_by_id
                              else "", a.action, a.note)
                   for a, on in session.execute(
                       select(SafetyAlert, func.coalesce(CareSession.session_on,
                                                         SafetyAlert.raised_on))
                       .outerjoin(CareSession, CareSession.id == SafetyAlert.session_id)
                       .where(SafetyAlert.client_id == client.id)
                       .order_by(SafetyAlert.raised_at)))
    activities = tuple(session.scalars(select(FunctionalActivity.name).where(
        FunctionalActivity.client_id == client.id, FunctionalActivity.active.is_(True))
        .order_by(FunctionalActivity.position)))
    return FullRecord(
        client.id, client.given_name, client.family_name, client.date_of_birth, client.email,
        client.phone, names.get(client.practitioner_id, ""), client.archived,
        client.created_at.date(), clinic.name if clinic else "",
        clinic.address if clinic else "", clinic.phone if clinic else "", now, activities,
        episode_entries, handouts, alerts)
