"""Sessions (visits): saving, editing, soft deletion, history, and safety alerts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Integer, Row, Select, bindparam, case, delete, func, select
from sqlalchemy.orm import Session, aliased, make_transient_to_detached

from dashboard.db.access import visible_clients
from dashboard.db.clinic_figures import note_days
from dashboard.db.home_log import tick_days_by_item
from dashboard.db.models import (
    Adherence,
    CareSession,
    Client,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    PlanItem,
    PlanVersion,
    QuestionnaireAnswer,
    SafetyAlert,
    User,
    utcnow,
)
from dashboard.db.rows import column_rows, column_rows_together, insert_rows, insert_with_children
from dashboard.db.summary import CURRENT_FIRST, refresh_client_summary
from dashboard.domain.access import CurrentUser
from dashboard.domain.adherence import PartAnswer, prescribed_days, read_adherence
from dashboard.domain.dose import LIMITS, Dose, describe_dose
from dashboard.domain.episodes import EpisodeDates, session_date_problem
from dashboard.domain.home_log import days_done_from_ticks
from dashboard.domain.ids import parse_id
from dashboard.domain.questionnaires import Score, needs_new_alert, score
from dashboard.domain.sessions import SessionInput, psfs_score


@dataclass(frozen=True)
class AdherenceSlot:
    plan_item_id: int
    part_name: str
    prescribed: str
    days_per_week: int | None
    days_prescribed: int  # domain/adherence.prescribed_days: what "days done" is read against
    # Days ticked done on the client's own page in the week up to today (None: no tick):
    # the form starts from it, and the practitioner corrects it with the client.
    from_home: int | None = None


@dataclass(frozen=True)
class SessionContext:
    """What the session form needs to know about the client right now."""

    episode_id: int | None
    episode_dates: EpisodeDates  # of the open episode (else the latest): a new session's bounds
    plan_version_id: int | None
    activities: list[tuple[int, str]]
    adherence: list[AdherenceSlot]


@dataclass(frozen=True)
class EpisodeColumns:
    """The columns of an episode the session form reads."""

    id: int
    started_on: dt.date
    ended_on: dt.date | None


NOT_READ: Any = object()  # an argument the caller did not read already


def session_context(session: Session, client: Client, today: dt.date | None = None, *,
                    episode: Episode | Row | None = NOT_READ,
                    plan: PlanVersion | None = NOT_READ) -> SessionContext:
    """``today`` given: each plan part's days done in the past week, from the client's
    ticks, to pre-fill the form with. ``episode`` and ``plan``: the client's current
    episode and its current plan version, when the caller has read them already (the
    record's page: both), else read here with the plan's parts, in one statement (a session
    save reads this)."""
    if (episode is NOT_READ) != (plan is NOT_READ):
        raise TypeError("session_context takes the episode and its plan both, or neither")
    current: Episode | Row | EpisodeColumns | None
    by_client = {"client_id": client.id}
    if episode is NOT_READ:
        # Both reads sent together (one round trip on PostgreSQL).
        episode_rows, activity_rows = column_rows_together(session, [
            (_current_episode_and_parts_query(), by_client), (_activities_query(), by_client)])
        current, plan_id, parts = _current_episode_and_parts(episode_rows)
    else:
        current = episode
        plan_id, parts = (plan.id, plan.items) if plan else (None, [])
        activity_rows = column_rows(session, _activities_query(), by_client)
    activities = [(activity_id, name) for activity_id, name in activity_rows]
    ticks = tick_days_by_item(session, episode_id=current.id,
                              start=today - dt.timedelta(days=6), end=today) \
        if current and plan_id and today else {}
    # An advice part with no days (a referral, CBT) is not asked as "days done".
    slots = [AdherenceSlot(i.id, i.part_name, describe_dose(Dose.from_columns(i)),
                           i.days_per_week, days,
                           days_done_from_ticks(ticks[i.id], session_on=today)
                           if today and i.id in ticks else None)
             for i in parts
             if (days := prescribed_days(i.dose_kind, i.days_per_week)) is not None]
    # A discharged episode takes no new sessions: the client starts a new episode.
    return SessionContext(current.id if current and current.ended_on is None else None,
                          dates_of(current) if current else
                          EpisodeDates(client.created_at.date()), plan_id, activities, slots)


@functools.cache
def _current_episode_and_parts_query() -> Select:
    """The client's current episode (``CURRENT_FIRST``), its latest plan version and the
    columns of that version's parts the session form asks about: one row per part, or one
    row without a part."""
    episode = (select(Episode.id, Episode.started_on, Episode.ended_on)
               .where(Episode.client_id == bindparam("client_id", type_=Integer))
               .order_by(*CURRENT_FIRST).limit(1).subquery("episode"))
    version = aliased(PlanVersion)  # the outer query joins plan_versions too
    latest = (select(version.id).where(version.episode_id == episode.c.id)
              .order_by(version.version.desc()).limit(1).correlate(episode)
              .scalar_subquery())
    return (select(episode.c.id.label("episode_id"), episode.c.started_on,
                   episode.c.ended_on, PlanVersion.id.label("plan_version_id"), PlanItem.id,
                   PlanItem.part_name, PlanItem.dose_kind,
                   *(getattr(PlanItem, name) for name in LIMITS))
            .select_from(episode)
            .outerjoin(PlanVersion, PlanVersion.id == latest)
            .outerjoin(PlanItem, PlanItem.plan_version_id == PlanVersion.id)
            .order_by(PlanItem.position))


@functools.cache
def _activities_query() -> Select:
    """The client's active activities, in order (the PSFS rating boxes)."""
    return (select(FunctionalActivity.id, FunctionalActivity.name)
            .where(FunctionalActivity.client_id == bindparam("client_id", type_=Integer),
                   FunctionalActivity.active.is_(True))
            .order_by(FunctionalActivity.position))


def _current_episode_and_parts(rows: Sequence[Any]
                               ) -> tuple[EpisodeColumns | None, int | None, list[Any]]:
    """The client's current episode, its current plan version and the parts the session
    form asks about, from the rows of ``_current_episode_and_parts_query``: one statement
    (one after the other, and the parts as objects with the plan's goals, they took five)."""
    if not rows:
        return None, None, []
    first = rows[0]
    return (EpisodeColumns(first.episode_id, first.started_on, first.ended_on),
            first.plan_version_id, [row for row in rows if row.id is not None])


def dates_of(episode: Episode | Row | EpisodeColumns) -> EpisodeDates:
    return EpisodeDates(episode.started_on, episode.ended_on)


def session_episode_dates(session: Session, care: CareSession) -> EpisodeDates:
    """The bounds of the episode a saved session belongs to (what an edit must keep to)."""
    episode = session.get(Episode, care.episode_id)
    assert episode is not None  # episode_id is NOT NULL with a foreign key
    return dates_of(episode)


def check_within_episode(session_on: dt.date, dates: EpisodeDates) -> None:
    """The last line of defence below the form and the import, which give the message."""
    problem = session_date_problem(session_on, dates)
    if problem is not None:
        raise ValueError(problem)


def _children(session_id: int | None, data: SessionInput) -> dict[type, list[dict[str, Any]]]:
    """The rows of a session's adherence, ratings and answers (``session_id`` None: left
    out, for ``insert_with_children`` to fill)."""
    owner = {} if session_id is None else {"session_id": session_id}
    return {
        Adherence: [{**owner, "plan_item_id": item, "days_done": days}
                    for item, days in data.adherence.items()],
        FunctionalRating: [{**owner, "activity_id": a, "score": s}
                           for a, s in data.ratings.items()],
        QuestionnaireAnswer: [{**owner, "instrument": key, "item": n, "value": v}
                              for key, answers in data.questionnaires.items()
                              for n, v in enumerate(answers, start=1)]}


def _raise_alert(session: Session, care: CareSession, data: SessionInput,
                 raised_for: list[int]) -> None:
    """One alert per item 9 answer of this session, acknowledged or not (an edit that keeps
    the answer raises nothing new); the answer is kept on the alert, so an incomplete
    PHQ-9 that was not stored still says what the client answered."""
    answer = data.self_harm_signal
    if needs_new_alert(answer, raised_for):
        session.add(SafetyAlert(client_id=care.client_id, session_id=care.id,
                                kind="phq9_item9", answer=answer))


def save_session(
    session: Session, *, client: Client, context: SessionContext, data: SessionInput,
    user_id: int,
) -> CareSession:
    """Write the session and everything in it, and refresh the client's summary, in the
    caller's transaction: either all of it is saved or none."""
    if context.episode_id is None:
        raise ValueError("the client has no open episode of care")
    check_within_episode(data.session_on, context.episode_dates)
    values = {"client_id": client.id, "episode_id": context.episode_id,
              "practitioner_id": user_id, "plan_version_id": context.plan_version_id,
              "session_on": data.session_on, "pain": data.pain, "stress": data.stress,
              "function_score": data.function_score, "notes": data.notes,
              "created_at": utcnow()}
    # Written as plain rows, the session with its adherence, ratings and answers in one
    # statement on PostgreSQL (every save runs this); the object then joins the session as
    # stored, every column set, and the day is noted for the clinic figures as a bulk
    # statement must (clinic_figures.note_days).
    session_id = insert_with_children(session, CareSession, values,
                                      _children(None, data), foreign_key="session_id")
    care = CareSession(id=session_id, **values, updated_at=None, deleted_at=None,
                       deleted_by_id=None)
    make_transient_to_detached(care)
    session.add(care)
    note_days(session, [data.session_on])
    _raise_alert(session, care, data, [])
    # A new session without questionnaires leaves the episode's first and latest totals
    # as they were: their reliable change is not read again (most saves).
    refresh_client_summary(session, client, questionnaires=bool(data.questionnaires))
    return care


def session_values(session: Session, care: CareSession) -> dict[str, Any]:
    """Every value of a session, for the audit log's before-and-after and for the form."""
    answers: dict[str, list[int]] = {}
    for row in session.scalars(select(QuestionnaireAnswer).where(
            QuestionnaireAnswer.session_id == care.id).order_by(QuestionnaireAnswer.item)):
        answers.setdefault(row.instrument, []).append(row.value)
    return {
        "date": care.session_on.isoformat(), "pain": care.pain, "stress": care.stress,
        "function": care.function_score, "notes": care.notes,
        "ratings": {r.activity_id: r.score for r in session.scalars(
            select(FunctionalRating).where(FunctionalRating.session_id == care.id))},
        "adherence": {a.plan_item_id: a.days_done for a in session.scalars(
            select(Adherence).where(Adherence.session_id == care.id))},
        "questionnaires": answers,
    }


def update_session(
    session: Session, *, client: Client, care: CareSession, data: SessionInput,
    keep_adherence: bool,
) -> None:
    """Replace the session's values. Adherence recorded under an earlier plan version is
    kept as it was (``keep_adherence``), since its parts may no longer be in the plan; so
    are the PSFS ratings of activities the form no longer shows (retired since): an edit
    never deletes the ratings a session was saved with, only re-rates those it shows."""
    check_within_episode(data.session_on, session_episode_dates(session, care))
    kept = {r.activity_id: r.score for r in session.scalars(select(FunctionalRating).where(
        FunctionalRating.session_id == care.id,
        FunctionalRating.activity_id.not_in(list(data.ratings))))}
    care.session_on, care.pain, care.stress = data.session_on, data.pain, data.stress
    care.function_score = psfs_score({**kept, **data.ratings})
    care.notes, care.updated_at = data.notes, utcnow()
    session.execute(delete(FunctionalRating).where(
        FunctionalRating.session_id == care.id,
        FunctionalRating.activity_id.in_(list(data.ratings))))
    session.execute(delete(QuestionnaireAnswer).where(QuestionnaireAnswer.session_id == care.id))
    if not keep_adherence:
        session.execute(delete(Adherence).where(Adherence.session_id == care.id))
    else:
        data = replace(data, adherence={})
    session.flush()
    insert_rows(session, _children(care.id, data))
    _raise_alert(session, care, data, [a for a in session.scalars(select(
        SafetyAlert.answer).where(SafetyAlert.session_id == care.id)) if a is not None])
    session.flush()  # an alert raised
    refresh_client_summary(session, client)


def set_deleted(session: Session, *, client: Client, care: CareSession,
                user_id: int | None) -> None:
    care.deleted_at = utcnow() if user_id is not None else None
    care.deleted_by_id = user_id
    session.flush()
    refresh_client_summary(session, client)


@dataclass(frozen=True)
class SessionRow:
    id: int
    session_on: dt.date
    pain: int
    stress: int
    function_score: float | None
    notes: str
    practitioner: str
    adherence: str
    scores: tuple[Score, ...]
    deleted: bool
    plan_version_id: int | None


HISTORY_LIMIT = 20


@dataclass(frozen=True)
class HistoryPlace:
    """Where a session stands in its client's history table."""

    position: int  # 0 = top; past HISTORY_LIMIT when below the rows shown
    shown: int  # rows the table shows, up to one past its limit
    # The client's other live sessions on its day (two in a day is usually one visit typed
    # twice); None when the session is below the rows shown, where it was not counted.
    others_on_day: int | None


def history_position(session: Session, care: CareSession, *, include_deleted: bool
                     ) -> HistoryPlace:
    """Where ``care`` stands in the client's history table (0 = top), and how many rows
    the table shows (up to one past its limit): a new session can then be drawn as one row
    instead of the table. Read from the table's own top rows in one query: a session
    below them stands at the limit or further, where it is not drawn at all."""
    top = column_rows(session, _history_top_query(include_deleted),
                      {"client_id": care.client_id})
    for position, (session_id, live_that_day) in enumerate(top):
        if session_id == care.id:
            return HistoryPlace(position, len(top),
                                live_that_day - (1 if care.deleted_at is None else 0))
    return HistoryPlace(HISTORY_LIMIT + 1, len(top), None)


@functools.cache
def _history_top_query(include_deleted: bool) -> Select:
    """The history table's top rows (one past its limit), each with the count of live
    sessions on its day; built once per process (every session save reads it)."""
    live = CareSession.deleted_at.is_(None)
    query = select(CareSession.id, func.count(case((live, 1))).over(
        partition_by=CareSession.session_on)).where(
        CareSession.client_id == bindparam("client_id", type_=Integer))
    if not include_deleted:
        query = query.where(live)
    return query.order_by(CareSession.session_on.desc(), CareSession.id.desc()).limit(
        HISTORY_LIMIT + 1)


def session_history(session: Session, client_id: int, *, include_deleted: bool,
                    limit: int | None = HISTORY_LIMIT, only: int | None = None
                    ) -> list[SessionRow]:
    """The client's sessions, newest first, with adherence and questionnaire totals
    (``only``: just that session's row)."""
    # The columns a row shows, not the sessions as objects: a record's page reads up to 50.
    query = (select(CareSession.id, CareSession.session_on, CareSession.pain,
                    CareSession.stress, CareSession.function_score, CareSession.notes,
                    CareSession.deleted_at, CareSession.plan_version_id, User.name)
             .join(User, User.id == CareSession.practitioner_id)
             .where(CareSession.client_id == client_id)
             .order_by(CareSession.session_on.desc(), CareSession.id.desc()).limit(limit))
    if only is not None:
        query = query.where(CareSession.id == only)
    if not include_deleted:
        query = query.where(CareSession.deleted_at.is_(None))
    rows = column_rows(session, query, {})
    ids = [care.id for care in rows]
    # Every part of the plan version each session was recorded under, answered or blank.
    adherence: dict[int, list[PartAnswer]] = {}
    for sid, done, kind, per_week in column_rows(session, (
            select(CareSession.id, Adherence.days_done, PlanItem.dose_kind,
                   PlanItem.days_per_week)
            .join(PlanItem, PlanItem.plan_version_id == CareSession.plan_version_id)
            .outerjoin(Adherence, (Adherence.session_id == CareSession.id)
                       & (Adherence.plan_item_id == PlanItem.id))
            .where(CareSession.id.in_(ids))), {}):
        adherence.setdefault(sid, []).append(PartAnswer(done, prescribed_days(kind, per_week)))
    answers: dict[int, dict[str, list[int]]] = {}
    for sid, instrument, value in column_rows(session, (
            select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                   QuestionnaireAnswer.value).where(QuestionnaireAnswer.session_id.in_(ids))
            .order_by(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                      QuestionnaireAnswer.item)), {}):
        answers.setdefault(sid, {}).setdefault(instrument, []).append(value)
    return [_history_row(care.id, care.session_on, care.pain, care.stress,
                         care.function_score, care.notes, care.name,
                         adherence.get(care.id, []), answers.get(care.id, {}),
                         deleted=care.deleted_at is not None,
                         plan_version_id=care.plan_version_id) for care in rows]


def saved_session_row(care: CareSession, context: SessionContext, data: SessionInput,
                      practitioner: str) -> SessionRow:
    """The history row of a session just saved by ``save_session``, drawn from what was
    written rather than read back: every part it could answer is in ``context.adherence``
    (an advice part without days counts nowhere), its answers are ``data``'s."""
    parts = [PartAnswer(data.adherence.get(slot.plan_item_id), slot.days_prescribed)
             for slot in context.adherence]
    return _history_row(care.id, care.session_on, care.pain, care.stress,
                        care.function_score, care.notes, practitioner, parts,
                        data.questionnaires, deleted=False,
                        plan_version_id=care.plan_version_id)


def _history_row(session_id: int, session_on: dt.date, pain: int, stress: int,
                 function_score: float | None, notes: str, practitioner: str,
                 parts: list[PartAnswer], answers: dict[str, list[int]], *, deleted: bool,
                 plan_version_id: int | None) -> SessionRow:
    """One row of the history, however its parts were found (the one rule of both)."""
    return SessionRow(session_id, session_on, pain, stress, function_score, notes,
                      practitioner, read_adherence(parts).describe(),
                      tuple(score(k, v) for k, v in sorted(answers.items())), deleted,
                      plan_version_id)


def get_session(session: Session, session_id: object) -> CareSession | None:
    session_id = parse_id(session_id)
    return None if session_id is None else session.get(CareSession, session_id)


def other_sessions_on(session: Session, care: CareSession) -> int:
    """How many of the client's other (not deleted) sessions share ``care``'s date: a second
    one is allowed (two visits in a day happen) but is usually the same visit typed twice."""
    return session.scalar(select(func.count()).where(
        CareSession.client_id == care.client_id, CareSession.session_on == care.session_on,
        CareSession.id != care.id, CareSession.deleted_at.is_(None))) or 0


def is_current_plan(session: Session, care: CareSession) -> bool:
    latest = session.scalar(select(PlanVersion.id).where(PlanVersion.episode_id == care.episode_id)
                            .order_by(PlanVersion.version.desc()).limit(1))
    return latest == care.plan_version_id


@dataclass(frozen=True)
class AlertRow:
    id: int
    client_id: int
    client_name: str
    session_on: dt.date
    raised_at: dt.datetime
    answer: int | None  # PHQ-9 item 9, 1-3; None: not kept (an alert from before 0010)
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    action: str
    note: str
    source: str = "session"  # or "client_home": answered on the client's own page

    @property
    def at_home(self) -> str:
        """Words to add after the date when the client answered on their own page."""
        return " at home, on their own page" if self.source == "client_home" else ""


def alerts_for(session: Session, user: CurrentUser, *, client_id: int | None = None,
               open_only: bool = True) -> list[AlertRow]:
    """Safety alerts on clients this user may see, newest first.

    With ``client_id``, the caller has already authorized that one client (authorize_client,
    which also admits a colleague covering by break glass): its alerts are shown whatever
    the lists would include, so a covering practitioner sees a risk signal too.
    """
    acknowledger = select(User.name).where(User.id == SafetyAlert.acknowledged_by_id) \
        .scalar_subquery()
    # An alert raised at home (the client's own page) has no session: its day is on the
    # alert itself.
    query = (select(SafetyAlert, Client.given_name, Client.family_name,
                    func.coalesce(CareSession.session_on, SafetyAlert.raised_on),
                    acknowledger, SafetyAlert.answer)
             .join(Client, Client.id == SafetyAlert.client_id)
             .outerjoin(CareSession, CareSession.id == SafetyAlert.session_id)
             # Deleting the session does not hide an alert no one has acknowledged yet.
             .where(SafetyAlert.session_id.is_(None) | CareSession.deleted_at.is_(None)
                    | SafetyAlert.acknowledged_at.is_(None))
             .order_by(SafetyAlert.raised_at.desc()))
    if client_id is not None:
        query = query.where(SafetyAlert.client_id == client_id)
    else:
        query = query.where(visible_clients(user))
    if open_only:
        query = query.where(SafetyAlert.acknowledged_at.is_(None))
    return [AlertRow(a.id, a.client_id, f"{given} {family}", on, a.raised_at, value,
                     a.acknowledged_at, by or "", a.action, a.note, a.source)
            for a, given, family, on, by, value in session.execute(query.limit(100))]


def open_alert_for_session(session: Session, session_id: int) -> int | None:
    """The newest alert on this session no one has acknowledged yet, if any."""
    return session.scalar(select(SafetyAlert.id).where(
        SafetyAlert.session_id == session_id, SafetyAlert.acknowledged_at.is_(None))
        .order_by(SafetyAlert.id.desc()).limit(1))


def acknowledge_alert(session: Session, alert: SafetyAlert, *, user_id: int, action: str,
                      note: str) -> None:
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = user_id
    alert.action = action
    alert.note = note
    session.flush()


def set_activities(session: Session, client_id: int, names: list[str]) -> None:
    """The client's PSFS activities: kept ones stay (their ratings with them), others retire."""
    existing = list(session.scalars(select(FunctionalActivity).where(
        FunctionalActivity.client_id == client_id)))
    by_name = {a.name.lower(): a for a in existing}
    for activity in existing:
        activity.active = activity.name.lower() in {n.lower() for n in names}
    for position, name in enumerate(names, start=1):
        kept = by_name.get(name.lower())
        if kept is None:
            session.add(FunctionalActivity(client_id=client_id, name=name, position=position,
                                           active=True))
        else:
            kept.position = position
    session.flush()


def get_alert(session: Session, alert_id: object) -> SafetyAlert | None:
    """The safety alert with this id (from the browser); None for anything else."""
    alert_id = parse_id(alert_id)
    return None if alert_id is None else session.get(SafetyAlert, alert_id)
