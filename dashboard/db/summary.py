"""The per-client summary (baseline, latest pain, status, next due), kept up to date in the
same transaction as every session or plan save."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from dashboard.db.clinic_figures import note_locked_client
from dashboard.db.models import CareSession, Client, Episode, PlanVersion
from dashboard.db.outcomes import client_columns, episode_questionnaires
from dashboard.db.rows import column_rows_together
from dashboard.domain.episodes import episode_state, parse_override, urgent_flag_open
from dashboard.domain.outcomes import episode_outcome
from dashboard.domain.status import status_from

# Which of a client's episodes is current: the open one, else the most recent.
CURRENT_FIRST = (Episode.ended_on.is_not(None), Episode.started_on.desc(), Episode.id.desc())


def current_episode(session: Session, client_id: int) -> Episode | None:
    """The open episode, else the most recent one."""
    return session.scalar(select(Episode).where(Episode.client_id == client_id)
                          .order_by(*CURRENT_FIRST).limit(1))


class RedFlagOpen(ValueError):
    """An urgent red flag is open and no reason was given to act anyway (the message says
    so, for the user)."""


def red_flag_override(session: Session, episode: Episode | None, raw_reason: object,
                      action: str) -> str:
    """The reason to keep with a plan saved or a handout given in ``episode``: '' when no
    urgent red flag is open; with one open, the practitioner's reason, or RedFlagOpen when
    none is given (domain/episodes.parse_override)."""
    flag_open = episode is not None and urgent_flag_open(
        ended_on=episode.ended_on, urgent_flag=episode.urgent_flag,
        flag_cleared=episode.flag_cleared_at is not None)
    reason, problem = parse_override(flag_open, raw_reason, action)
    if problem:
        raise RedFlagOpen(problem)
    return reason


# Every session and plan save reads these: built once per process with the client or the
# episode as a parameter (dashboard/db/rows.py).
@functools.cache
def _lock_client_query() -> Select:
    # FOR NO KEY UPDATE: the lock the client's UPDATE takes anyway. With the client's keys
    # in the clinic figures, read under it (``note_locked_client``).
    return (select(Client.id, Client.practitioner_id, Client.last_session_on)
            .where(Client.id == bindparam("client_id", type_=Integer))
            .with_for_update(key_share=True))


@functools.cache
def _current_episode_query() -> Select:
    """``current_episode``'s rule, for the columns the summary reads."""
    e = Episode
    return (select(e.id, e.started_on, e.ended_on, e.urgent_flag, e.flag_cleared_at)
            .where(e.client_id == bindparam("client_id", type_=Integer))
            .order_by(*CURRENT_FIRST).limit(1))


@functools.cache
def _summary_sources_query() -> Select:
    """What the summary is made from, in one statement (three before, each a round trip on
    every save): the current episode, its latest plan version (id, review interval,
    strategies), and its live sessions' pains in date order, one row per session (one row
    with no pain when it has none)."""
    episode = _current_episode_query().subquery("episode")
    version = aliased(PlanVersion)  # the outer query joins plan_versions too
    latest = (select(version.id).where(version.episode_id == episode.c.id)
              .order_by(version.version.desc()).limit(1).correlate(episode)
              .scalar_subquery())
    return (select(episode, PlanVersion.id.label("plan_id"),
                   PlanVersion.review_interval_days.label("review_days"),
                   PlanVersion.strategy_keys, CareSession.session_on, CareSession.pain)
            .select_from(episode)
            .outerjoin(PlanVersion, PlanVersion.id == latest)
            .outerjoin(CareSession, (CareSession.episode_id == episode.c.id)
                       & CareSession.deleted_at.is_(None))
            .order_by(CareSession.session_on, CareSession.id))


def refresh_client_summary(session: Session, client: Client, *,
                           questionnaires: bool = True) -> None:
    """``questionnaires=False`` when the change cannot have moved the current episode's
    questionnaire totals (a new session without any): their outcome is kept.

    The client's row is locked first (PostgreSQL; the lock its UPDATE takes anyway), so
    that two transactions saving sessions for one client at once read each other's: the
    later one waits, then reads the sessions the earlier one committed. Read before the
    lock, it would write a summary without them (a backup taken under four writers found
    one). SQLite runs one writer at a time."""
    # Sent together (one round trip on PostgreSQL), run in this order: the sources are
    # read after the lock is granted.
    locked, rows = column_rows_together(session, [
        (_lock_client_query(), {"client_id": client.id}),
        (_summary_sources_query(), {"client_id": client.id})])
    for client_id, practitioner_id, last_session_on in locked:
        note_locked_client(session, client_id, practitioner_id, last_session_on)
    episode = rows[0] if rows else None
    pains = [(row.session_on, row.pain) for row in rows if row.session_on is not None]
    latest_plan, review_days, strategy_keys = (
        (episode.plan_id, episode.review_days, episode.strategy_keys)
        if episode is not None and episode.plan_id is not None else (None, 14, None))
    open_episode = episode is not None and episode.ended_on is None
    client.episode_state = "open" if episode is None else episode_state(
        ended_on=episode.ended_on, urgent_flag=episode.urgent_flag,
        flag_cleared=episode.flag_cleared_at is not None)
    client.current_plan_version_id = latest_plan if open_episode else None
    client.current_strategy_keys = strategy_keys if open_episode else None
    if questionnaires:
        outcome = episode_questionnaires(session, episode.id) if episode is not None \
            else episode_outcome({})
        for column, value in client_columns(outcome).items():
            setattr(client, column, value)
    if not pains:
        client.baseline_pain = client.latest_pain = None
        client.baseline_on = client.last_session_on = None
        client.next_due_on = episode.started_on if episode and not episode.ended_on else None
        client.status = "not_enough_data"
        return
    client.baseline_on, client.baseline_pain = pains[0]
    client.last_session_on, client.latest_pain = pains[-1]
    client.status = status_from(pains[0][1], pains[-1][1], len(pains)).status
    client.next_due_on = (pains[-1][0] + dt.timedelta(days=review_days)) if open_episode else None
