"""Measures completed at home: what the practitioner assigned, what is due on the client's
page, saving a completed questionnaire item by item, and the safety alert an answer raises.
Scores come from ``domain.questionnaires`` (the same code as a session's answers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.db.models import (
    CareSession,
    Client,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    MeasureAssignment,
    SafetyAlert,
)
from dashboard.db.summary import refresh_client_summary
from dashboard.domain.measures import (
    HOME_INSTRUMENTS,
    NOT_ASSIGNED,
    SOURCE_HOME,
    HomeAnswers,
    QuestionnaireScore,
    is_due,
)
from dashboard.domain.questionnaires import score


@dataclass(frozen=True)
class Assigned:
    instrument: str
    every: str
    assigned_on: dt.date


@dataclass(frozen=True)
class HomeResult:
    """A questionnaire completed at home, as the practitioner's page lists it."""

    instrument: str
    completed_on: dt.date
    total: int
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
    for key in HOME_INSTRUMENTS:
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
    last_done = dict(session.execute(
        select(HomeMeasureResponse.instrument, func.max(HomeMeasureResponse.completed_on))
        .where(HomeMeasureResponse.episode_id == episode_id)
        .group_by(HomeMeasureResponse.instrument)).all())
    last_session_on = _last_session_on(session, episode_id)
    return [key for key in HOME_INSTRUMENTS if key in live and is_due(
        live[key].every, assigned_on=live[key].assigned_on,
        last_completed_on=last_done.get(key), last_session_on=last_session_on, today=today)]


def home_scores(session: Session, *, episode_id: int) -> list[QuestionnaireScore]:
    """The episode's questionnaires completed at home, oldest first, as scores marked by
    their source (progress draws them in the sessions' series)."""
    return [QuestionnaireScore(on, key, total, SOURCE_HOME, band)
            for on, key, total, band in session.execute(
                select(HomeMeasureResponse.completed_on, HomeMeasureResponse.instrument,
                       HomeMeasureResponse.total, HomeMeasureResponse.band)
                .where(HomeMeasureResponse.episode_id == episode_id)
                .order_by(HomeMeasureResponse.completed_at, HomeMeasureResponse.id))]


def home_results(session: Session, *, episode_id: int, limit: int = 20) -> list[HomeResult]:
    """The latest questionnaires completed at home in the episode, newest first."""
    return [HomeResult(r.instrument, r.completed_on, r.total, r.band)
            for r in session.scalars(
                select(HomeMeasureResponse).where(HomeMeasureResponse.episode_id == episode_id)
                .order_by(HomeMeasureResponse.completed_at.desc()).limit(limit))]


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
