"""Queries behind the progress page, the practitioner's home and the clinic overview.

Each fetches only what it needs, filtered and aggregated in SQL: one client's rows for the
progress page; counts and averages over the summary columns for the overview.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dashboard.db import clinic_figures
from dashboard.db.access import visible_clients
from dashboard.db.home_log import home_days_query, home_points_from, provisional_adherence
from dashboard.db.measures import (
    home_function_ratings_from,
    home_ratings_query,
    home_scores_from,
    home_scores_query,
)
from dashboard.db.models import (
    Adherence,
    CareSession,
    Client,
    FunctionalActivity,
    FunctionalRating,
    Goal,
    PlanItem,
    PlanVersion,
    QuestionnaireAnswer,
    Strategy,
    User,
)
from dashboard.db.rows import column_rows, column_rows_together, episode_param
from dashboard.domain.access import CurrentUser
from dashboard.domain.adherence import prescribed_days
from dashboard.domain.episodes import ACTIVE_CARE_STATES
from dashboard.domain.plans import uses_strategy_pattern
from dashboard.domain.progress import (
    AdherenceRecord,
    ClinicSummary,
    PlanMarker,
    Progress,
    SessionPoint,
    build_progress,
    sessions_per_week,
)
from dashboard.domain.questionnaires import score


@dataclass(frozen=True)
class _EpisodeQueries:
    sessions: Any
    answers: Any
    ratings: Any
    markers: Any
    adherence: Any


@functools.cache
def _episode_queries() -> _EpisodeQueries:
    """The progress view's queries of one episode, built once per process with the episode
    as the parameter ``episode_id`` (immutable SQL, no data): built on every call, they
    took a good part of the view's CPU."""
    episode = episode_param()
    kept = (CareSession.episode_id == episode, CareSession.deleted_at.is_(None))
    return _EpisodeQueries(
        sessions=select(CareSession.id, CareSession.session_on, CareSession.pain,
                        CareSession.stress, CareSession.function_score)
        .where(*kept).order_by(CareSession.session_on, CareSession.id),
        answers=select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                       QuestionnaireAnswer.value)
        .join(CareSession, CareSession.id == QuestionnaireAnswer.session_id).where(*kept)
        .order_by(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                  QuestionnaireAnswer.item),
        ratings=select(FunctionalRating.session_id, FunctionalActivity.name,
                       FunctionalRating.score)
        .join(FunctionalActivity, FunctionalActivity.id == FunctionalRating.activity_id)
        .join(CareSession, CareSession.id == FunctionalRating.session_id).where(*kept)
        .order_by(FunctionalRating.session_id, FunctionalActivity.position,
                  FunctionalActivity.id),
        # Each plan version with its pain goal, if any.
        markers=select(PlanVersion.version, PlanVersion.effective_on, Goal.pain_target)
        .outerjoin(Goal, (Goal.plan_version_id == PlanVersion.id)
                   & Goal.pain_target.is_not(None))
        .where(PlanVersion.episode_id == episode).order_by(PlanVersion.version, Goal.id),
        # Every counted part of the plan version each session was recorded under, answered
        # or left blank (blank is not done: it must not make the answered parts look like
        # all).
        adherence=select(CareSession.id, CareSession.session_on, PlanItem.strategy_name,
                         Adherence.days_done, PlanItem.dose_kind, PlanItem.days_per_week)
        .join(PlanItem, PlanItem.plan_version_id == CareSession.plan_version_id)
        .outerjoin(Adherence, (Adherence.session_id == CareSession.id)
                   & (Adherence.plan_item_id == PlanItem.id))
        .where(*kept))


def session_ratings(session: Session, episode_id: int
                    ) -> dict[int, tuple[tuple[str, int], ...]]:
    """Each kept session's PSFS ratings, (activity name, score) in the client's order."""
    return _ratings(column_rows(session, _episode_queries().ratings,
                                {"episode_id": episode_id}))


def _ratings(rows: Iterable[Any]) -> dict[int, tuple[tuple[str, int], ...]]:
    ratings: dict[int, list[tuple[str, int]]] = {}
    for sid, name, rating in rows:
        ratings.setdefault(sid, []).append((name, rating))
    return {sid: tuple(rows) for sid, rows in ratings.items()}


def load_progress(session: Session, episode_id: int, since: dt.date | None = None) -> Progress:
    queries, episode = _episode_queries(), {"episode_id": episode_id}
    # The episode's reads sent together (one round trip on PostgreSQL, eight before).
    (rows, answer_rows, rating_rows, marker_rows, adherence_rows, home_day_rows,
     home_score_rows, home_rating_rows) = column_rows_together(
        session, [(query, episode) for query in (
            queries.sessions, queries.answers, queries.ratings, queries.markers,
            queries.adherence, home_days_query(), home_scores_query(),
            home_ratings_query())])
    answers: dict[int, dict[str, list[int]]] = {}
    for sid, instrument, value in answer_rows:
        answers.setdefault(sid, {}).setdefault(instrument, []).append(value)
    ratings = _ratings(rating_rows)
    points = [SessionPoint(r.session_on, r.pain, r.stress, r.function_score,
                           {k: score(k, v).total for k, v in answers.get(r.id, {}).items()},
                           ratings.get(r.id, ()), r.id)
              for r in rows]
    # The markers, and the goal of the latest version that has one.
    markers: list[PlanMarker] = []
    goal = None
    for version, effective_on, target in marker_rows:
        if not markers or markers[-1].version != version:  # a version's first row
            markers.append(PlanMarker(version, effective_on))
            if target is not None:
                goal = target
    adherence = []
    for sid, on, strategy, done, kind, per_week in adherence_rows:
        prescribed = prescribed_days(kind, per_week)
        if prescribed is not None:
            adherence.append(AdherenceRecord(on, strategy, done, prescribed, sid))
    # The client's ticks count only after the last session (the rule is documented in
    # domain/home_log.py); their pain and stress at home are a series of their own.
    home, latest_logged = home_points_from(home_day_rows)
    adherence += provisional_adherence(session, episode_id=episode_id,
                                       last_session_on=rows[-1].session_on if rows else None,
                                       latest=latest_logged)
    return build_progress(points, markers, adherence, goal, since, home=home,
                          home_scores=home_scores_from(home_score_rows),
                          home_function=home_function_ratings_from(home_rating_rows))


@dataclass(frozen=True)
class RecentSession:
    client_id: int
    client_name: str
    session_on: dt.date
    pain: int
    practitioner: str


def recent_sessions(session: Session, user: CurrentUser, limit: int = 10) -> list[RecentSession]:
    """The latest sessions on clients this user may see (their own, for a practitioner)."""
    query = (select(CareSession.client_id, Client.given_name, Client.family_name,
                    CareSession.session_on, CareSession.pain, User.name)
             .join(Client, Client.id == CareSession.client_id)
             .join(User, User.id == CareSession.practitioner_id)
             .where(visible_clients(user), CareSession.deleted_at.is_(None))
             .order_by(CareSession.session_on.desc(), CareSession.id.desc()).limit(limit))
    if not user.is_admin:
        # Uses the (practitioner_id, session_on) index instead of scanning every session.
        query = query.where(CareSession.practitioner_id == user.id)
    return [RecentSession(cid, f"{g} {f}", on, pain, name)
            for cid, g, f, on, pain, name in session.execute(query)]


def clinic_summary(session: Session, user: CurrentUser, *, start: dt.date, end: dt.date,
                   practitioner_id: int | None = None) -> ClinicSummary:
    """The clinic (or, for a practitioner, their own caseload) over a date range.

    Outcomes count active clients whose latest session falls in the range; sessions per
    week count the range itself. The whole clinic (an admin, nobody chosen) is read from
    the figures kept per day (clinic_figures.py); one caseload from the per-client summary
    (a hundred clients or so: the shares a practitioner sees are not in the day figures).
    """
    if not user.is_admin or practitioner_id:
        return clinic_summary_from_rows(session, user, start=start, end=end,
                                        practitioner_id=practitioner_id)
    by_key = clinic_figures.seen_by_strategy(session, start, end)
    by_strategy = [(name, round(total / changes, 2), n) for key, name in session.execute(
                       select(Strategy.key, Strategy.name).order_by(Strategy.position))
                   for n, total, changes in [by_key.get(key, (0, 0, 0))] if n and changes]
    return ClinicSummary(clinic_figures.caseloads(session),
                         clinic_figures.seen_statuses(session, start, end), by_strategy,
                         sessions_per_week(clinic_figures.sessions_per_day(
                             session, start, end), start, end))


def clinic_summary_from_rows(session: Session, user: CurrentUser, *, start: dt.date,
                             end: dt.date, practitioner_id: int | None = None
                             ) -> ClinicSummary:
    """``clinic_summary`` read from the clients and sessions themselves: for one caseload,
    and what the whole clinic's figures must equal (tests/db/test_clinic_figures.py)."""
    strategies = session.execute(select(Strategy.key, Strategy.name)
                                 .order_by(Strategy.position)).all()
    # The filters as plain conditions on clients (no IN subquery: SQLite then reads the
    # clients table once).
    scope = [visible_clients(user), Client.archived.is_(False),
             Client.episode_state.in_(ACTIVE_CARE_STATES)]
    if practitioner_id:
        scope.append(Client.practitioner_id == practitioner_id)
    seen = [*scope, Client.last_session_on.between(start, end)]

    caseload_query = (select(User.name, func.count(Client.id))
                      .join(Client, Client.practitioner_id == User.id)
                      .where(*scope).group_by(User.id, User.name)
                      .order_by(func.count(Client.id).desc(), User.name))
    caseload = [(name, n) for name, n in session.execute(caseload_query)]
    statuses = dict(session.execute(
        select(Client.status, func.count()).where(*seen)
        .group_by(Client.status)).all())

    # One pass over the clients seen, one conditional average per strategy, from the
    # strategies stored on their current plan version (",key,key,").
    change = Client.latest_pain - Client.baseline_pain
    columns = []
    for key, _name in strategies:
        uses = PlanVersion.strategy_keys.like(uses_strategy_pattern(key))
        columns += [func.avg(case((uses, change))), func.count(case((uses, 1)))]
    row = session.execute(
        select(*columns).select_from(Client)
        .join(PlanVersion, PlanVersion.id == Client.current_plan_version_id)
        .where(*seen, Client.baseline_pain.is_not(None))).one() \
        if strategies else ()
    by_strategy = [(name, row[2 * i], row[2 * i + 1]) for i, (_key, name) in
                   enumerate(strategies) if row[2 * i + 1]]

    per_day_query = (select(CareSession.session_on, func.count())
                     .where(CareSession.session_on.between(start, end),
                            CareSession.deleted_at.is_(None))
                     .group_by(CareSession.session_on))
    if practitioner_id or not user.is_admin:
        per_day_query = per_day_query.where(
            CareSession.practitioner_id == (practitioner_id or user.id))
    per_day = [(day, n) for day, n in session.execute(per_day_query)]
    return ClinicSummary(caseload, statuses,
                         [(s, round(float(avg), 2), n) for s, avg, n in by_strategy],
                         sessions_per_week(per_day, start, end))
