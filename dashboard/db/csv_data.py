"""Data out and in as CSV (pandas): clients, sessions and plans out; clients and sessions in."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pandas as pd
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dashboard.db.clients import create_client
from dashboard.db.clinic_figures import note_days
from dashboard.db.models import CareSession, Client, Episode, PlanItem, PlanVersion, User
from dashboard.db.sessions import check_within_episode, dates_of
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.clients import ClientInput
from dashboard.domain.csv_import import (
    check_client_rows,
    check_session_rows,
    client_key,
    person_key,
    session_key,
)
from dashboard.domain.csvsafe import FORMULA_STARTS, spreadsheet_safe
from dashboard.domain.dates import format_day
from dashboard.domain.episodes import EpisodeDates
from dashboard.domain.sessions import SessionInput

EXPORTS = {
    "clients": select(Client.id, Client.given_name, Client.family_name, Client.date_of_birth,
                      Client.email, Client.phone, User.email.label("practitioner_email"),
                      Client.archived, Client.status, Client.baseline_pain, Client.latest_pain,
                      Client.last_session_on).join(User, User.id == Client.practitioner_id)
    .order_by(Client.id),
    "sessions": select(CareSession.id, CareSession.client_id, CareSession.session_on,
                       CareSession.pain, CareSession.stress, CareSession.function_score,
                       CareSession.notes, CareSession.plan_version_id)
    .where(CareSession.deleted_at.is_(None)).order_by(CareSession.id),
    "plans": select(PlanVersion.id.label("plan_version_id"), Episode.client_id,
                    PlanVersion.version, PlanVersion.effective_on,
                    PlanVersion.review_interval_days, PlanItem.strategy_name,
                    PlanItem.part_name, PlanItem.dose_kind, PlanItem.minutes_min,
                    PlanItem.minutes_max, PlanItem.sets, PlanItem.reps, PlanItem.hold_seconds,
                    PlanItem.times_per_day, PlanItem.days_per_week)
    .join(Episode, Episode.id == PlanVersion.episode_id)
    .join(PlanItem, PlanItem.plan_version_id == PlanVersion.id)
    .order_by(PlanVersion.id, PlanItem.position),
}


def export_csv(session: Session, kind: str) -> str:
    result = session.execute(EXPORTS[kind])
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in frame.columns:  # only text changes; numbers and dates pass through
        frame[column] = frame[column].map(spreadsheet_safe)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def read_rows(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of an uploaded CSV, every cell as text."""
    frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    rows = [{k: _unguard(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return list(frame.columns), rows


def _unguard(value: str) -> str:
    """Undo the export's formula guard ("'+44 ..." back to "+44 ...") so files round-trip."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and \
            value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def practitioner_emails(session: Session) -> dict[str, int]:
    return {email: uid for uid, email in session.execute(
        select(User.id, User.email).where(User.role == "practitioner", User.active.is_(True)))}


def current_episode_dates(session: Session) -> dict[int, EpisodeDates]:
    """Each client's current episode (the open one, else the latest), by client id: the
    episode an imported session would be filed into, and so the dates it must fall within."""
    dates: dict[int, EpisodeDates] = {}
    for client_id, started_on, ended_on in session.execute(
            select(Episode.client_id, Episode.started_on, Episode.ended_on)
            # the same order as summary.current_episode: the open one, else the latest
            .order_by(Episode.client_id, Episode.ended_on.is_not(None).desc(),
                      Episode.started_on, Episode.id)):
        dates[client_id] = EpisodeDates(started_on, ended_on)
    return dates


def import_clients(session: Session, rows: list[tuple[ClientInput, int]], today: dt.date,
                   progress: Callable[[int, int], None]) -> int:
    for done, (data, practitioner) in enumerate(rows, start=1):
        if data.date_of_birth is None:
            raise ValueError("import_clients takes checked rows (see domain/csv_import.py)")
        create_client(session, given_name=data.given_name, family_name=data.family_name,
                      date_of_birth=data.date_of_birth, email=data.email, phone=data.phone,
                      practitioner_id=practitioner, today=today)
        if done % 500 == 0:
            progress(done, len(rows))
    return len(rows)


def import_sessions(session: Session, rows: list[tuple[int, SessionInput]],
                    progress: Callable[[int, int], None]) -> int:
    """Bulk insert, then refresh each touched client's summary once."""
    clients = {c.id: c for c in session.scalars(select(Client).where(
        Client.id.in_({cid for cid, _ in rows})))}
    episodes = {cid: current_episode(session, cid) for cid in clients}
    values = []
    for client_id, data in rows:
        episode = episodes[client_id]
        if episode is None or episode.ended_on is not None:
            raise ValueError(f"client {client_id} has no open episode of care")
        check_within_episode(data.session_on, dates_of(episode))
        values.append(dict(client_id=client_id, episode_id=episode.id,
                           practitioner_id=clients[client_id].practitioner_id,
                           session_on=data.session_on, pain=data.pain, stress=data.stress,
                           function_score=None, notes=data.notes))
    # Inserted in bulk (past the ORM): their days' clinic figures are noted by hand.
    note_days(session, {data.session_on for _client_id, data in rows})
    for start in range(0, len(values), 5000):
        session.execute(insert(cast(Table, CareSession.__table__)), values[start:start + 5000])
        progress(start + len(values[start:start + 5000]), len(values))
    for client in clients.values():
        refresh_client_summary(session, client)
    return len(values)


def clients_on_record(session: Session, keys: set[tuple[str, str, dt.date]]
                      ) -> dict[tuple[str, str, dt.date], int | None]:
    """Of these (given, family, date of birth) keys (see domain client_key), those a client
    on record (not erased) already has, with its id: fetched by date of birth in chunks, the
    names compared in Python by the same rule as the keys."""
    births = sorted({k[2] for k in keys})
    found: dict[tuple[str, str, dt.date], int | None] = {}
    for start in range(0, len(births), 500):
        for cid, given, family, born in session.execute(
                select(Client.id, Client.given_name, Client.family_name, Client.date_of_birth)
                .where(Client.erased_at.is_(None),
                       Client.date_of_birth.in_(births[start:start + 500]))):
            key = person_key(given, family, born)
            if key in keys:
                found.setdefault(key, cid)
    return found


def sessions_on_record(session: Session, keys: set[tuple[int, dt.date]]
                       ) -> dict[tuple[int, dt.date], int | None]:
    """Of these (client id, date) keys, those with a session already recorded (not deleted)."""
    client_ids = sorted({k[0] for k in keys})
    found: dict[tuple[int, dt.date], int | None] = {}
    for start in range(0, len(client_ids), 500):
        for cid, day in session.execute(
                select(CareSession.client_id, CareSession.session_on).distinct()
                .where(CareSession.deleted_at.is_(None),
                       CareSession.client_id.in_(client_ids[start:start + 500]))):
            if (cid, day) in keys:
                found[(cid, day)] = cid
    return found


@dataclass(frozen=True)
class CheckedFile:
    """An import file's rows as checked: the good ones, the problems, and what to match
    likely duplicates on."""

    good: list
    problems: list
    keys: list[tuple]
    on_record: dict[tuple, int | None]
    words: list[str]  # each good row in words, for the preview


def check_file(session: Session, *, kind: str, rows: list[dict[str, str]],
               today: dt.date) -> CheckedFile:
    """Check every row of a clients or sessions file and find the records they may repeat."""
    if kind == "clients":
        clients, problems = check_client_rows(rows, today, practitioner_emails(session))
        keys: list[tuple] = [client_key(data) for data, _ in clients]
        return CheckedFile(clients, problems, keys, clients_on_record(session, set(keys)), [
            f"{d.given_name} {d.family_name}, born "
            + (format_day(d.date_of_birth) if d.date_of_birth else "on a day not given")
            for d, _ in clients])
    sessions, problems = check_session_rows(rows, today, current_episode_dates(session))
    keys = [session_key(cid, data) for cid, data in sessions]
    return CheckedFile(sessions, problems, keys, sessions_on_record(session, set(keys)),
                       [f"client #{cid} on {format_day(d.session_on)}" for cid, d in sessions])
