"""Measures completed at home: what the practitioner assigned, what is due on the client's
page, saving a completed questionnaire item by item, and the safety alert an answer raises.
Scores come from ``domain.questionnaires`` (the same code as a session's answers)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from dashboard.db.models import (
    CareSession,
    Client,
    FunctionalActivity,
    HomeFunctionRating,
    HomeFunctionResponse,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    MeasureAssignment,
    SafetyAlert,
)
from dashboard.db.rows import column_rows, episode_param
from dashboard.db.summary import refresh_client_summary
from dashboard.domain.measures import (
    ASSIGNABLE,
    HOME_FUNCTION,
    NOT_ASSIGNED,
    SOURCE_HOME,
    HomeAnswers,
    QuestionnaireScore,
    can_be_done,
    is_due,
)
from dashboard.domain.psfs import HomeRatings, RatedSet
from dashboard.domain.questionnaires import score
from dashboard.domain.sessions import psfs_score


@dataclass(frozen=True)
class Assigned:
    instrument: str
    every: str
    assigned_on: dt.date


@dataclass(frozen=True)
class HomeResult:
    """A questionnaire (or PSFS rating) completed at home, as the practitioner's page lists
    it: a questionnaire's total, or the PSFS mean of the activities rated."""

    instrument: str
    completed_on: dt.date
    total: float
    band: str | None


def live_assignments(session: Session, *, episode_id: int) -> dict[str, MeasureAssignment]:
    return {a.instrument: a for a in session.scalars(
        select(MeasureAssignment).where(MeasureAssignment.episode_id == episode_id,
                                        MeasureAssignment.ended_at.is_(None)))}


def assigned_measures(session: Session, *, episode_id: int) -> dict[str, Assigned]:
    return {k: Assigned(a.instrument, a.every, a.assigned_on)
            for k, a in live_assignments(session, episode_id=episode_id).items()}


def set_assignments(session: Session, *, client_id: int, episode_id: int,
                    chosen: dict[str, str], user_id: int, today: dt.date,
                    now: dt.datetime) -> dict[str, tuple[str, str]]:
    """Make the episode's live assignments what was chosen (``none`` stops one). A changed
    frequency ends the old row and starts a new one. Returns what changed, as
    ``{instrument: (before, after)}``, for the caller's audit entry."""
    live = live_assignments(session, episode_id=episode_id)
    changes: dict[str, tuple[str, str]] = {}
    for key in ASSIGNABLE:
        after = chosen.get(key, NOT_ASSIGNED)
        current = live.get(key)
        before = current.every if current else NOT_ASSIGNED
        if before == after:
            continue
        changes[key] = (before, after)
        if current is not None:
            current.ended_at, current.ended_by_id = now, user_id
            session.flush()  # the live row ends before its successor starts (unique index)
        if after != NOT_ASSIGNED:
            session.add(MeasureAssignment(client_id=client_id, episode_id=episode_id,
                                          instrument=key, every=after, assigned_on=today,
                                          created_at=now, created_by_id=user_id))
    session.flush()
    return changes


def _last_session_on(session: Session, episode_id: int) -> dt.date | None:
    return session.scalar(select(func.max(CareSession.session_on)).where(
        CareSession.episode_id == episode_id, CareSession.deleted_at.is_(None)))


def due_measures(session: Session, *, episode_id: int, today: dt.date) -> list[str]:
    """The instruments "To do" on the client's page today, in the pages' order."""
    live = live_assignments(session, episode_id=episode_id)
    if not live:
        return []
    last_done: dict[str, dt.date | None] = dict(session.execute(
        select(HomeMeasureResponse.instrument, func.max(HomeMeasureResponse.completed_on))
        .where(HomeMeasureResponse.episode_id == episode_id)
        .group_by(HomeMeasureResponse.instrument)).all())
    if HOME_FUNCTION in live:
        last_done[HOME_FUNCTION] = session.scalar(
            select(func.max(HomeFunctionResponse.completed_on))
            .where(HomeFunctionResponse.episode_id == episode_id))
    last_session_on = _last_session_on(session, episode_id)
    activities = len(own_activities(session, client_id=live[HOME_FUNCTION].client_id)) \
        if HOME_FUNCTION in live else 0
    return [key for key in ASSIGNABLE if key in live
            and can_be_done(key, activities=activities) and is_due(
        live[key].every, assigned_on=live[key].assigned_on,
        last_completed_on=last_done.get(key), last_session_on=last_session_on, today=today)]


# What the progress view reads of the client's home measures, built once per process with
# the episode as a parameter (dashboard/db/rows.py).
@functools.cache
def home_scores_query() -> Select:
    return (select(HomeMeasureResponse.completed_on, HomeMeasureResponse.instrument,
                   HomeMeasureResponse.total, HomeMeasureResponse.band)
            .where(HomeMeasureResponse.episode_id == episode_param())
            .order_by(HomeMeasureResponse.completed_at, HomeMeasureResponse.id))


@functools.cache
def home_ratings_query() -> Select:
    """Each response with its ratings (a response without any still comes back)."""
    return (select(HomeFunctionResponse.id, HomeFunctionResponse.completed_on,
                   HomeFunctionResponse.score, FunctionalActivity.name,
                   HomeFunctionRating.score)
            .outerjoin(HomeFunctionRating,
                       HomeFunctionRating.response_id == HomeFunctionResponse.id)
            .outerjoin(FunctionalActivity,
                       FunctionalActivity.id == HomeFunctionRating.activity_id)
            .where(HomeFunctionResponse.episode_id == episode_param())
            .order_by(HomeFunctionResponse.completed_at, HomeFunctionResponse.id,
                      FunctionalActivity.position, FunctionalActivity.id))


def home_scores_from(rows: Iterable[Any]) -> list[QuestionnaireScore]:
    """The episode's questionnaires completed at home, oldest first, as scores marked by
    their source (progress draws them in the sessions' series), from the rows of
    ``home_scores_query`` (read with the rest of progress at once)."""
    return [QuestionnaireScore(on, key, total, SOURCE_HOME, band)
            for on, key, total, band in rows]


def home_results(session: Session, *, episode_id: int, limit: int = 20) -> list[HomeResult]:
    """The latest questionnaires and PSFS ratings completed at home in the episode, newest
    first."""
    found = [(r.completed_at, HomeResult(r.instrument, r.completed_on, r.total, r.band))
             for r in session.scalars(
                 select(HomeMeasureResponse).where(HomeMeasureResponse.episode_id == episode_id)
                 .order_by(HomeMeasureResponse.completed_at.desc()).limit(limit))]
    found += [(r.completed_at, HomeResult(HOME_FUNCTION, r.completed_on, r.score, None))
              for r in session.scalars(
                  select(HomeFunctionResponse).where(HomeFunctionResponse.episode_id == episode_id)
                  .order_by(HomeFunctionResponse.completed_at.desc()).limit(limit))]
    return [result for _at, result in sorted(found, key=lambda f: f[0], reverse=True)][:limit]


def own_activities(session: Session, *, client_id: int) -> list[tuple[int, str]]:
    """The client's current PSFS activities, (id, name) in their order: what a session
    rates, and what the client rates at home."""
    return [(a.id, a.name) for a in session.scalars(
        select(FunctionalActivity).where(FunctionalActivity.client_id == client_id,
                                         FunctionalActivity.active.is_(True))
        .order_by(FunctionalActivity.position, FunctionalActivity.id))]


def save_home_ratings(session: Session, *, client_id: int, episode_id: int,
                      link_id: int | None, ratings: HomeRatings, today: dt.date,
                      now: dt.datetime) -> HomeFunctionResponse:
    """Store the client's PSFS ratings made at home, activity by activity, with their mean
    (``psfs_score``, as a session's). The caller has checked ``ratings.complete``."""
    if not ratings.complete:
        raise ValueError("incomplete PSFS ratings")
    mean = psfs_score(ratings.ratings)
    assert mean is not None  # complete: at least one activity rated
    assignment = live_assignments(session, episode_id=episode_id).get(HOME_FUNCTION)
    response = HomeFunctionResponse(
        client_id=client_id, episode_id=episode_id,
        assignment_id=assignment.id if assignment else None, completed_on=today,
        completed_at=now, source="client_home", link_id=link_id, score=mean)
    session.add(response)
    session.flush()
    session.add_all(HomeFunctionRating(response_id=response.id, activity_id=activity_id,
                                       score=value)
                    for activity_id, value in ratings.ratings.items())
    session.flush()
    return response


def home_function_ratings(session: Session, *, episode_id: int) -> list[RatedSet]:
    """The episode's PSFS ratings made at home, oldest first, each by activity name in the
    client's order (progress and the discharge read them with the sessions')."""
    return [rated for _id, rated in home_function_responses(session, episode_id=episode_id)]


def home_function_ratings_from(rows: Iterable[Any]) -> list[RatedSet]:
    """``home_function_ratings`` from the rows of ``home_ratings_query`` (read with others
    at once)."""
    return [rated for _id, rated in _responses_from(rows)]


def home_function_responses(session: Session, *,
                            episode_id: int) -> list[tuple[int, RatedSet]]:
    """As ``home_function_ratings``, each with its response's id (the record export). One
    query: each response with its ratings (a response without any still comes back)."""
    return _responses_from(column_rows(session, home_ratings_query(),
                                       {"episode_id": episode_id}))


def _responses_from(rows: Iterable[Any]) -> list[tuple[int, RatedSet]]:
    responses: dict[int, tuple[dt.date, float | None, list[tuple[str, int]]]] = {}
    for rid, completed_on, total, name, value in rows:
        ratings = responses.setdefault(rid, (completed_on, total, []))[2]
        if name is not None:
            ratings.append((name, value))
    return [(rid, RatedSet(on, tuple(ratings), True, total))
            for rid, (on, total, ratings) in responses.items()]


def latest_home_ratings(session: Session, *, episode_id: int) -> HomeFunctionResponse | None:
    return session.scalar(select(HomeFunctionResponse).where(
        HomeFunctionResponse.episode_id == episode_id)
        .order_by(HomeFunctionResponse.completed_at.desc()).limit(1))


def raise_home_alert(session: Session, *, client_id: int, answer: int, today: dt.date,
                     response_id: int | None) -> SafetyAlert:
    """The practitioner's safety alert for PHQ-9 item 9 above 0 given at home. One open
    alert per client and day from home: a later save that day (the completed questionnaire
    after an incomplete one) is attached to it rather than raising a second."""
    alert = session.scalar(select(SafetyAlert).where(
        SafetyAlert.client_id == client_id, SafetyAlert.source == "client_home",
        SafetyAlert.raised_on == today, SafetyAlert.acknowledged_at.is_(None)))
    if alert is None:
        alert = SafetyAlert(client_id=client_id, session_id=None, source="client_home",
                            kind="phq9_item9", raised_on=today, answer=answer)
        session.add(alert)
    alert.answer = max(alert.answer or 0, answer)
    if response_id is not None:
        alert.home_response_id = response_id
    session.flush()
    return alert


def save_home_response(session: Session, *, client_id: int, episode_id: int,
                       link_id: int | None, answers: HomeAnswers, today: dt.date,
                       now: dt.datetime) -> HomeMeasureResponse:
    """Store a complete questionnaire item by item with its score. The caller has checked
    ``answers.complete``; ``score`` refuses anything else."""
    key = answers.instrument.key
    values = answers.as_list()
    result = score(key, values)
    assignment = live_assignments(session, episode_id=episode_id).get(key)
    response = HomeMeasureResponse(
        client_id=client_id, episode_id=episode_id,
        assignment_id=assignment.id if assignment else None, instrument=key,
        completed_on=today, completed_at=now, source="client_home", link_id=link_id,
        total=result.total, band=result.band)
    session.add(response)
    session.flush()
    session.add_all(HomeMeasureAnswer(response_id=response.id, item=n, value=v)
                    for n, v in enumerate(values, start=1))
    session.flush()
    # It counts in the episode's reliable change like a session's: the client list's
    # filter reads the summary kept on the client.
    client = session.get(Client, client_id)
    if client is not None:
        refresh_client_summary(session, client)
    return response


def latest_home_response(session: Session, *, episode_id: int,
                         instrument: str) -> HomeMeasureResponse | None:
    return session.scalar(select(HomeMeasureResponse).where(
        HomeMeasureResponse.episode_id == episode_id,
        HomeMeasureResponse.instrument == instrument)
        .order_by(HomeMeasureResponse.completed_at.desc()).limit(1))


def home_alert_answer(session: Session, *, response_id: int) -> int | None:
    """The self-harm answer of a stored home response, if it raised an alert."""
    return session.scalar(select(SafetyAlert.answer).where(
        SafetyAlert.home_response_id == response_id))
