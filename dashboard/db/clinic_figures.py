"""The clinic overview's figures kept up to date on write (issues 23 and 24).

The whole clinic's overview used to count every session and read every client and
discharged episode of the range on each request: 40 ms of SQL on the large clinic, ten
times that at ten times the clinic. It now reads one row per day (and per strategy or
practitioner) from four small tables (models ``ClinicDay``, ``ClinicDayStrategy``,
``ClinicDayPractitioner``, ``PractitionerCaseload``).

One mechanism keeps them true: a write transaction notes the keys (days, practitioners)
whose source rows it changes, and just before it commits, the rows of those keys are
recomputed from the sources by the same queries that fill the tables from scratch
(``compute_figures``), never incremented. The keys are found without the writer's help:
on every flush, the clients, sessions and episodes changed through the ORM give their keys
as stored before the change (read under the row lock the change takes) and, at commit, as
stored after it (from the objects the flush wrote, else read). A client's practitioner is
a key only when its caseload may change, and its discharged episodes' days only when its
practitioner does (``_client_changes``): a session save recounts its days alone. Only bulk
SQL statements on those tables have to say what they touch (``note_client_rows``,
``note_days``); the demo, the ten-times clinic and the migration that added the tables
rebuild everything. ``tests/db/test_clinic_figures_random.py`` checks the figures against a
recount after each of hundreds of random transactions.

On PostgreSQL the keys are locked (transaction-scoped advisory locks, in order) before
being recomputed, so that two transactions changing the same day count each other's rows:
the later one waits, then reads what the earlier one committed. SQLite runs one writer at
a time. ``dashboard.db.consistency`` compares the tables with a recomputation.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from dashboard.db.models import (
    CareSession,
    Client,
    ClinicDay,
    ClinicDayPractitioner,
    ClinicDayStrategy,
    Episode,
    PlanVersion,
    PractitionerCaseload,
    User,
)
from dashboard.db.rows import column_rows_together, insert_rows
from dashboard.domain.episodes import ACTIVE_CARE_STATES
from dashboard.domain.outcomes import DETERIORATION, IMPROVEMENT
from dashboard.domain.plans import strategy_keys_of
from dashboard.domain.status import IMPROVING, NOT_ENOUGH_DATA, STATUS_LABELS

PENDING_KEY = "clinic_figures_pending"  # in Session.info: what this transaction changed
# Advisory lock namespaces (PostgreSQL's two-int form): a day (its ordinal), a practitioner.
DAY_LOCK, PRACTITIONER_LOCK = 0x62706364, 0x62706370
CHUNK = 500  # ids or days per IN (...)

# The columns of DischargeFigures, in the order of ``discharge_sums()``.
DISCHARGE_SUMS = ("discharged", "pain_improved", "pain_change_sum", "pain_changes",
                  "sessions_sum", "with_sessions", "pain_judged", "questionnaires_judged",
                  "reliable_improvement", "reliable_deterioration", "at_caseness", "recovered",
                  "baseline_pain_sum", "baseline_pains", "baseline_phq9_sum", "baseline_phq9s")
SEEN_COLUMNS = {status: f"seen_{status}" for status in STATUS_LABELS}


def discharge_sums() -> list[Any]:
    """The additive figures of a group of discharged episodes (counts and sums, no means,
    so groups and days add up), in the order of DISCHARGE_SUMS; GroupOutcomes is made
    from them (dashboard/db/outcomes.py)."""
    e = Episode
    change = e.discharge_pain - e.baseline_pain

    def count(condition: ColumnElement[bool] | None = None) -> Any:
        return func.count() if condition is None else func.count(case((condition, 1)))

    return [count(), count(e.outcome == IMPROVING),
            func.coalesce(func.sum(change), 0), func.count(change),
            func.coalesce(func.sum(e.sessions_attended), 0), func.count(e.sessions_attended),
            count(and_(e.outcome.is_not(None), e.outcome != NOT_ENOUGH_DATA)),
            count(e.reliable_change.is_not(None)), count(e.reliable_change == IMPROVEMENT),
            count(e.reliable_change == DETERIORATION), count(e.recovered.is_not(None)),
            count(e.recovered.is_(True)),
            func.coalesce(func.sum(e.baseline_pain), 0), func.count(e.baseline_pain),
            func.coalesce(func.sum(e.baseline_phq9), 0), func.count(e.baseline_phq9)]


def add_sums(totals: list[int] | None, row: Iterable[Any]) -> list[int]:
    values = [int(v) for v in row]
    return values if totals is None else [t + v for t, v in zip(totals, values, strict=True)]


# --- What the figures are: computed from the source rows -----------------------------------

@dataclass
class Figures:
    """The tables' rows as dictionaries: what is stored, or what the sources say."""

    days: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    strategies: dict[tuple[dt.date, str], dict[str, int]] = field(default_factory=dict)
    practitioners: dict[tuple[dt.date, int], dict[str, int]] = field(default_factory=dict)
    caseloads: dict[int, int] = field(default_factory=dict)


def _chunks(values: Iterable[Any] | None) -> Iterator[list[Any] | None]:
    """None (everything) once, else the values in chunks."""
    if values is None:
        yield None
        return
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _day(value: dt.date | None) -> dt.date:
    assert value is not None  # the queries leave out rows without a day
    return value


def _blank_day() -> dict[str, int]:
    return {"sessions": 0, **{column: 0 for column in SEEN_COLUMNS.values()}}


def _blank_strategy() -> dict[str, int]:
    return {"seen_clients": 0, "seen_pain_change_sum": 0, "seen_pain_changes": 0,
            **{column: 0 for column in DISCHARGE_SUMS}}


def compute_figures(session: Session, *, days: Iterable[dt.date] | None = None,
                    practitioners: Iterable[int] | None = None) -> Figures:
    """The figures of these days and practitioners (None: all of them) from the sessions,
    clients and episodes, by the rules the overview used to apply to them on every request
    (dashboard/db/progress.clinic_summary, dashboard/db/outcomes.discharge_outcomes)."""
    statements = _figure_statements(days, practitioners)
    return _folded(statements, column_rows_together(session, [(s, p) for _, s, p in statements]))


# What each statement of ``_figure_statements`` reads: the kinds of ``_folded``.
SESSIONS, SEEN, DISCHARGES, CASELOADS = "sessions", "seen", "discharges", "caseloads"


def _figure_statements(days: Iterable[dt.date] | None, practitioners: Iterable[int] | None
                       ) -> list[tuple[str, Any, dict[str, Any]]]:
    """The statements that read the figures of these days and practitioners (None: all),
    each with what it reads and its parameters, in chunks of keys."""
    statements: list[tuple[str, Any, dict[str, Any]]] = []
    for chunk in _chunks(days):
        queries = _day_queries(chunk is not None)
        params = {} if chunk is None else {"days": chunk}
        statements += [(SESSIONS, queries.sessions, params), (SEEN, queries.seen, params),
                       (DISCHARGES, queries.discharges, params)]
    for chunk in _chunks(practitioners):
        statements.append((CASELOADS, _caseload_query(chunk is not None),
                           {} if chunk is None else {"practitioners": chunk}))
    return statements


@dataclass(frozen=True)
class _DayQueries:
    sessions: Any
    seen: Any
    discharges: Any


@functools.cache
def _day_queries(filtered: bool) -> _DayQueries:
    """The queries of a day's figures, built once per process and reused (immutable SQL
    constructs, no data): built afresh, a save's recomputation of one day spent more time
    making its statements than running them. ``filtered``: they take the days as the
    expanding parameter ``days``; else every day.

    Each reads its groups by strategy combination as well, so that one query gives both the
    figures by status (or practitioner) and those by strategy: the counts and sums add up
    across the groups (a write runs these three instead of five)."""
    c, e = Client, Episode

    def only(column: Any) -> list[ColumnElement[bool]]:
        return [column.in_(bindparam("days", expanding=True))] if filtered else []

    # Clients in active care, by the day of their latest session (the overview's "seen").
    seen = [c.archived.is_(False), c.episode_state.in_(ACTIVE_CARE_STATES),
            c.last_session_on.is_not(None), *only(c.last_session_on)]
    change = c.latest_pain - c.baseline_pain
    # Episodes discharged, by the client's practitioner now and by the final plan's
    # strategies (an episode with three strategies counts under each).
    ended = [e.ended_on.is_not(None), *only(e.ended_on)]
    return _DayQueries(
        sessions=select(CareSession.session_on, func.count())
        .where(CareSession.deleted_at.is_(None), *only(CareSession.session_on))
        .group_by(CareSession.session_on),
        # By strategy, a client counts only with a plan and a baseline pain.
        seen=select(c.last_session_on, c.status, c.current_strategy_keys, func.count(),
                    func.count(c.baseline_pain), func.coalesce(func.sum(change), 0),
                    func.count(change))
        .where(*seen).group_by(c.last_session_on, c.status, c.current_strategy_keys),
        discharges=select(e.ended_on, c.practitioner_id, PlanVersion.strategy_keys,
                          *discharge_sums())
        .join(c, c.id == e.client_id)
        .outerjoin(PlanVersion, PlanVersion.id == e.final_plan_version_id).where(*ended)
        .group_by(e.ended_on, c.practitioner_id, PlanVersion.strategy_keys))


def _folded(statements: list[tuple[str, Any, dict[str, Any]]], results: list[Any]) -> Figures:
    """The figures from the rows of ``_figure_statements`` (``results``, in their order)."""
    figures = Figures()
    for (kind, _, _), rows in zip(statements, results, strict=True):
        if kind == SESSIONS:
            for day, n in rows:
                figures.days.setdefault(day, _blank_day())["sessions"] = n
        elif kind == SEEN:
            _fold_seen(figures, rows)
        elif kind == DISCHARGES:
            _fold_discharges(figures, rows)
        else:
            figures.caseloads.update((p, n) for p, n in rows)
    return figures


def _fold_seen(figures: Figures, rows: Iterable[Any]) -> None:
    for seen_on, status, keys, n, with_baseline, change_sum, changes in rows:
        day_row = figures.days.setdefault(_day(seen_on), _blank_day())
        day_row[SEEN_COLUMNS[status]] += n
        if keys is None or not with_baseline:
            continue
        for key in strategy_keys_of(keys):
            row = figures.strategies.setdefault((_day(seen_on), key), _blank_strategy())
            row["seen_clients"] += with_baseline
            row["seen_pain_change_sum"] += int(change_sum or 0)
            row["seen_pain_changes"] += changes


def _fold_discharges(figures: Figures, rows: Iterable[Any]) -> None:
    for day, practitioner_id, keys, *sums in rows:
        values = add_sums(None, sums)
        targets = [figures.practitioners.setdefault((day, practitioner_id),
                                                    dict.fromkeys(DISCHARGE_SUMS, 0))]
        targets += [figures.strategies.setdefault((day, key), _blank_strategy())
                    for key in (strategy_keys_of(keys) if keys is not None else ())]
        for row in targets:
            for column, value in zip(DISCHARGE_SUMS, values, strict=True):
                row[column] += value


# The client columns a caseload counts by, beside the practitioner: a client's change of
# any of them (or of practitioner) is a change of its practitioner's caseload.
CASELOAD_COLUMNS = ("archived", "episode_state")


@functools.cache
def _caseload_query(filtered: bool) -> Any:
    """Active clients per practitioner; ``filtered``: of the practitioners given as the
    expanding parameter ``practitioners``."""
    where = [Client.archived.is_(False), Client.episode_state.in_(ACTIVE_CARE_STATES)]
    if filtered:
        where.append(Client.practitioner_id.in_(bindparam("practitioners", expanding=True)))
    return select(Client.practitioner_id, func.count()).where(*where).group_by(
        Client.practitioner_id)


def stored_figures(session: Session) -> Figures:
    """Every row of the four tables."""
    figures = Figures()
    day_columns = ["sessions", *SEEN_COLUMNS.values()]
    for row in session.execute(select(ClinicDay.day, *(getattr(ClinicDay, c)
                                                        for c in day_columns))):
        figures.days[row[0]] = dict(zip(day_columns, row[1:], strict=True))
    strategy_columns = list(_blank_strategy())
    for row in session.execute(select(ClinicDayStrategy.day, ClinicDayStrategy.strategy_key,
                                      *(getattr(ClinicDayStrategy, c)
                                        for c in strategy_columns))):
        figures.strategies[(row[0], row[1])] = dict(zip(strategy_columns, row[2:],
                                                        strict=True))
    for row in session.execute(select(ClinicDayPractitioner.day,
                                      ClinicDayPractitioner.practitioner_id,
                                      *(getattr(ClinicDayPractitioner, c)
                                        for c in DISCHARGE_SUMS))):
        figures.practitioners[(row[0], row[1])] = dict(zip(DISCHARGE_SUMS, row[2:],
                                                           strict=True))
    figures.caseloads.update((p, n) for p, n in session.execute(select(
        PractitionerCaseload.practitioner_id, PractitionerCaseload.active_clients)))
    return figures


_LOCKS = text("SELECT pg_advisory_xact_lock(ns, key) FROM unnest(CAST(:namespaces AS "
             "INTEGER[]), CAST(:keys AS INTEGER[])) AS keys(ns, key)")
TABLES = (ClinicDay, ClinicDayStrategy, ClinicDayPractitioner, PractitionerCaseload)


def _rows(figures: Figures) -> dict[Any, list[dict[str, Any]]]:
    """The rows to insert into each of TABLES."""
    return {
        ClinicDay: [{"day": d, **v} for d, v in figures.days.items()],
        ClinicDayStrategy: [{"day": d, "strategy_key": k, **v}
                            for (d, k), v in figures.strategies.items()],
        ClinicDayPractitioner: [{"day": d, "practitioner_id": p, **v}
                                for (d, p), v in figures.practitioners.items()],
        PractitionerCaseload: [{"practitioner_id": p, "active_clients": n}
                               for p, n in figures.caseloads.items()]}


def _store(session: Session, figures: Figures, *, days: list[dt.date] | None,
           practitioners: list[int] | None) -> None:
    """Replace the rows of these days and practitioners (None: all) with ``figures``.
    Written through the session's connection: plain SQL on tables the ORM never loads
    objects of, without the ORM's bookkeeping for bulk statements (its search of the
    session for objects to update, its bulk insert)."""
    connection = session.connection()
    for model in (ClinicDay, ClinicDayStrategy, ClinicDayPractitioner):
        for chunk in _chunks(days):
            connection.execute(delete(model).where(*([] if chunk is None else
                                                     [model.day.in_(chunk)])))
    for chunk in _chunks(practitioners):
        connection.execute(delete(PractitionerCaseload).where(*(
            [] if chunk is None else [PractitionerCaseload.practitioner_id.in_(chunk)])))
    for model, values in _rows(figures).items():
        for start in range(0, len(values), 5000):
            connection.execute(insert(model), values[start:start + 5000])


@functools.cache
def _postgresql_deletes() -> Any:
    """The rows of some days and practitioners deleted from the four tables in one
    statement (data-modifying WITH: each part runs to its end, read or not)."""
    days = bindparam("days", type_=ARRAY(Date))
    deletes = [delete(m).where(m.day == any_(days)) for m in TABLES[:3]]
    deletes.append(delete(PractitionerCaseload).where(
        PractitionerCaseload.practitioner_id == any_(bindparam("practitioners",
                                                                 type_=ARRAY(Integer)))))
    *first, last = deletes
    return last.add_cte(*(s.cte(f"t{n}") for n, s in enumerate(first)))


def rebuild_clinic_figures(session: Session) -> None:
    """Every figure from scratch: after a bulk load (the demo, the ten-times clinic) and in
    the migration that added the tables."""
    _store(session, compute_figures(session), days=None, practitioners=None)
    session.info.pop(PENDING_KEY, None)


def refresh_clinic_figures(session: Session, *, days: Iterable[dt.date],
                           practitioners: Iterable[int]) -> None:
    """Recompute the rows of these days and practitioners from their sources, locked
    first on PostgreSQL (see the module's note)."""
    day_list, practitioner_list = sorted(set(days)), sorted(set(practitioners))
    if not day_list and not practitioner_list:
        return
    statements = _figure_statements(day_list, practitioner_list)
    reads = [(statement, params) for _, statement, params in statements]
    if session.get_bind().dialect.name != "postgresql":
        _store(session, _folded(statements, column_rows_together(session, reads)),
               days=day_list, practitioners=practitioner_list)
        return
    # Every key locked in one statement, in order (unnest gives the pairs in array order
    # and each lock is taken as its row is produced); then the reads, then the old rows
    # deleted: sent together, one round trip (db/rows.column_rows_together), run in this
    # order. The new rows are inserted after (``insert_rows``): a statement beside the
    # delete would see the same snapshot and meet the rows it deletes.
    keys = ([(DAY_LOCK, d.toordinal()) for d in day_list]
            + [(PRACTITIONER_LOCK, p) for p in practitioner_list])
    lock = (_LOCKS, {"namespaces": [n for n, _ in keys], "keys": [k for _, k in keys]})
    deletes = (_postgresql_deletes(), {"days": day_list, "practitioners": practitioner_list})
    results = column_rows_together(session, [lock, *reads, deletes])
    insert_rows(session, _rows(_folded(statements, results[1:-1])))


# --- Which keys a transaction changed ---------------------------------------------------------

@dataclass
class Pending:
    """Keys to recompute at commit, and the rows changed through the ORM, whose keys as
    stored at commit are added then."""

    days: set[dt.date] = field(default_factory=set)
    practitioners: set[int] = field(default_factory=set)
    clients: set[int] = field(default_factory=set)
    # Of ``clients``: those whose practitioner's caseload may change (see _client_changes).
    caseload_clients: set[int] = field(default_factory=set)
    sessions: set[int] = field(default_factory=set)
    episodes: set[int] = field(default_factory=set)
    # Clients' keys (practitioner, last session's day) as read under their row lock by
    # this transaction before it changed them (``note_locked_client``): not read again.
    locked_clients: dict[int, tuple[int, dt.date | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.days or self.practitioners or self.clients or self.sessions
                    or self.episodes)


def _pending(session: Session) -> Pending:
    pending = session.info.get(PENDING_KEY)
    if pending is None:
        pending = session.info[PENDING_KEY] = Pending()
    return pending


def note_days(session: Session, days: Iterable[dt.date | None]) -> None:
    """Days whose sessions a bulk statement adds, changes or removes (the CSV import)."""
    _pending(session).days.update(d for d in days if d is not None)


def note_client_rows(session: Session, client_id: int) -> None:
    """Before a bulk statement changes a client's sessions or episodes (erasure): every key
    their rows count under now."""
    pending = _pending(session)
    pending.days.update(session.scalars(select(CareSession.session_on).distinct().where(
        CareSession.client_id == client_id)))
    _add_keys(session, pending, clients=[client_id], sessions=[], episodes=[],
              caseloads=[client_id], with_episodes=[client_id], lock=True)


def note_locked_client(session: Session, client_id: int, practitioner_id: int,
                       last_session_on: dt.date | None) -> None:
    """A client's keys as stored, read under the row lock its UPDATE takes (the summary
    locks the client before every session or plan save): its keys before the change, which
    the flush then need not read again (a statement on every save). Only the first read
    counts: a later one may see this transaction's own change."""
    _pending(session).locked_clients.setdefault(client_id, (practitioner_id, last_session_on))


def _add_keys(session: Session, pending: Pending, *, clients: Iterable[int],
              sessions: Iterable[int], episodes: Iterable[int], caseloads: Iterable[int] = (),
              with_episodes: Iterable[int] = (), lock: bool = False) -> None:
    """The keys these rows count under, as stored now. Of the clients, ``caseloads``: those
    whose practitioner counts as a key (their caseload may change); ``with_episodes``:
    those whose discharged episodes' days count too (their practitioner changes). ``lock``:
    before
    the rows are changed, read them under the row lock their UPDATE is about to take
    (PostgreSQL; in the order the flush takes them: clients, episodes, sessions), so that a
    change another transaction committed meanwhile is the one replaced: read without it, a
    client moved from day A to B by another writer would be recounted on A and never on B."""

    def locked(query: Any) -> Any:
        # FOR NO KEY UPDATE: the lock an UPDATE takes, no stronger (FOR UPDATE would wait
        # for every transaction holding a key-share lock on the row: one adding a session).
        return query.with_for_update(key_share=True) if lock else query

    # Through the connection (db/rows.py): this runs in every write of a session, a client
    # or an episode, on rows the ORM need not load.
    connection = session.connection()
    caseloads, clients = set(caseloads), set(clients)
    known = {c: pending.locked_clients[c] for c in clients
             if c in pending.locked_clients} if lock else {}
    for chunk in _chunks(clients - set(known)):
        known.update((client_id, (practitioner_id, last_on))
                     for client_id, practitioner_id, last_on in connection.execute(
                         locked(select(Client.id, Client.practitioner_id,
                                       Client.last_session_on)
                                .where(Client.id.in_(chunk or [])).order_by(Client.id))))
    for client_id, (practitioner_id, last_on) in known.items():
        if client_id in caseloads:
            pending.practitioners.add(practitioner_id)
        if last_on is not None:
            pending.days.add(last_on)
    # A discharged episode counts under its client's practitioner (read after the
    # client's lock: a discharge of the same client committed meanwhile is seen). Its day
    # is a key of a client's change only when the practitioner changes: no other column
    # of the client is in the discharge figures.
    for chunk in _chunks(set(with_episodes)):
        pending.days.update(day for day in connection.execute(select(Episode.ended_on).where(
            Episode.client_id.in_(chunk or []), Episode.ended_on.is_not(None))).scalars()
            if day is not None)
    for chunk in _chunks(set(episodes)):
        pending.days.update(day for day in connection.execute(locked(select(
                            Episode.ended_on).where(Episode.id.in_(chunk or []))
                            .order_by(Episode.id))).scalars() if day is not None)
    for chunk in _chunks(set(sessions)):
        pending.days.update(connection.execute(locked(select(CareSession.session_on).where(
            CareSession.id.in_(chunk or [])).order_by(CareSession.id))).scalars())


# The columns each kind of row counts under: its keys.
KEY_COLUMNS: dict[type, tuple[str, ...]] = {Client: ("practitioner_id", "last_session_on"),
                                            CareSession: ("session_on",),
                                            Episode: ("ended_on",)}


def _keys_written(session: Session, model: type, ids: set[int]
                  ) -> tuple[dict[int, tuple[Any, ...]], set[int]]:
    """The key columns of these rows as this transaction wrote them, read from the objects
    in the session after its flush (loaded, not expired: exactly what the flush stored);
    and the ids of the rows not found so (deleted, expired): read from the database."""
    found: dict[int, tuple[Any, ...]] = {}
    missing: set[int] = set()
    columns = KEY_COLUMNS[model]
    for row_id in ids:
        obj = session.identity_map.get(identity_key(model, row_id))
        state = None if obj is None else inspect(obj)
        if state is None or state.deleted or state.detached or state.modified \
                or any(c not in state.dict for c in columns):
            missing.add(row_id)
        else:
            found[row_id] = tuple(state.dict[c] for c in columns)
    return found, missing


def _changed_ids(objects: Iterable[object]) -> tuple[set[int], set[int], set[int]]:
    clients: set[int] = set()
    sessions: set[int] = set()
    episodes: set[int] = set()
    for obj in objects:
        if isinstance(obj, Client | CareSession | Episode) and obj.id is not None:
            (clients if isinstance(obj, Client) else sessions
             if isinstance(obj, CareSession) else episodes).add(obj.id)
    return clients, sessions, episodes


def _client_changes(session: Session) -> tuple[set[int], set[int]]:
    """Of the clients this flush writes: those whose practitioner's caseload may change
    (added, deleted, or a column of CASELOAD_COLUMNS changed), and those whose discharged
    episodes move to another practitioner (deleted, or the practitioner changed). A session
    save changes neither: its client's caseload and discharges are not recounted."""
    caseloads: set[int] = set()
    practitioner: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, Client) or obj.id is None:
            continue
        attrs = inspect(obj).attrs
        # The column, or the relationship (whose column the flush sets only later: before
        # it, a client given another practitioner object shows no change of the column).
        if obj in session.deleted or attrs.practitioner_id.history.has_changes() \
                or attrs.practitioner.history.has_changes():
            practitioner.add(obj.id)
        if obj in session.new or obj.id in practitioner or any(
                getattr(attrs, c).history.has_changes() for c in CASELOAD_COLUMNS):
            caseloads.add(obj.id)
    return caseloads, practitioner


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    # The rows about to change, as the database holds them still: their keys before.
    clients, sessions, episodes = _changed_ids(
        [*session.dirty, *session.deleted])
    if clients or sessions or episodes:
        caseloads, practitioner = _client_changes(session)
        with session.no_autoflush:
            _add_keys(session, _pending(session), clients=clients, sessions=sessions,
                      episodes=episodes, caseloads=caseloads, with_episodes=practitioner,
                      lock=True)


def _after_flush(session: Session, _context: object) -> None:
    # The session's lists and the attributes' history still show what was flushed.
    clients, sessions, episodes = _changed_ids(
        [*session.new, *session.dirty, *session.deleted])
    if clients or sessions or episodes:
        pending = _pending(session)
        pending.clients |= clients
        pending.caseload_clients |= _client_changes(session)[0]
        pending.sessions |= sessions
        pending.episodes |= episodes


def _before_commit(session: Session) -> None:
    # Called before the commit's own flush: what is still unflushed is flushed here, so
    # that its keys are noted too.
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    # The same rows as stored now: their keys after, from the objects the flush wrote
    # where it can (no statement), else read.
    unread: dict[type, set[int]] = {}
    for model, ids in ((Client, pending.clients), (CareSession, pending.sessions),
                       (Episode, pending.episodes)):
        written, unread[model] = _keys_written(session, model, ids)
        for row_id, values in written.items():
            if model is Client and row_id in pending.caseload_clients:
                pending.practitioners.add(values[0])
            pending.days.update(v for v in values if isinstance(v, dt.date))
    _add_keys(session, pending, clients=unread[Client], sessions=unread[CareSession],
              episodes=unread[Episode], caseloads=pending.caseload_clients)
    refresh_clinic_figures(session, days=pending.days, practitioners=pending.practitioners)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(PENDING_KEY, None)


def keep_clinic_figures(sessions: sessionmaker[Session]) -> None:
    """Keep the figures up to date in every transaction of these sessions (engine.py)."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_rollback", _forget)


# --- What the overview reads ------------------------------------------------------------------

def caseloads(session: Session) -> list[tuple[str, int]]:
    """Active clients per practitioner, most first."""
    return [(name, n) for name, n in session.execute(
        select(User.name, PractitionerCaseload.active_clients)
        .join(User, User.id == PractitionerCaseload.practitioner_id)
        .where(PractitionerCaseload.active_clients > 0)
        .order_by(PractitionerCaseload.active_clients.desc(), User.name))]


def seen_statuses(session: Session, start: dt.date, end: dt.date) -> dict[str, int]:
    """Active clients whose latest session falls in the range, by status (those present)."""
    row = session.execute(select(*(func.coalesce(func.sum(getattr(ClinicDay, c)), 0)
                                   for c in SEEN_COLUMNS.values()))
                          .where(ClinicDay.day.between(start, end))).one()
    return {status: int(n) for status, n in zip(SEEN_COLUMNS, row, strict=True) if n}


def sessions_per_day(session: Session, start: dt.date, end: dt.date
                     ) -> list[tuple[dt.date, int]]:
    return [(day, n) for day, n in session.execute(
        select(ClinicDay.day, ClinicDay.sessions)
        .where(ClinicDay.day.between(start, end), ClinicDay.sessions > 0))]


def seen_by_strategy(session: Session, start: dt.date, end: dt.date
                     ) -> dict[str, tuple[int, int, int]]:
    """Strategy key -> (clients seen in the range whose current plan uses it, their summed
    pain change, how many changes)."""
    s = ClinicDayStrategy
    return {key: (int(n), int(total), int(changes)) for key, n, total, changes in
            session.execute(select(s.strategy_key, func.sum(s.seen_clients),
                                   func.sum(s.seen_pain_change_sum),
                                   func.sum(s.seen_pain_changes))
                            .where(s.day.between(start, end))
                            .group_by(s.strategy_key).having(func.sum(s.seen_clients) > 0))}


def discharged_by_practitioner(session: Session, start: dt.date, end: dt.date
                               ) -> list[tuple[str, list[int]]]:
    """(practitioner, DISCHARGE_SUMS) of the episodes discharged in the range."""
    p = ClinicDayPractitioner
    return [(row[0], add_sums(None, row[1:])) for row in session.execute(
        select(User.name, *(func.sum(getattr(p, c)) for c in DISCHARGE_SUMS))
        .join(User, User.id == p.practitioner_id).where(p.day.between(start, end))
        .group_by(User.id, User.name))]


def discharged_by_strategy(session: Session, start: dt.date, end: dt.date
                           ) -> dict[str, list[int]]:
    s = ClinicDayStrategy
    return {row[0]: add_sums(None, row[1:]) for row in session.execute(
        select(s.strategy_key, *(func.sum(getattr(s, c)) for c in DISCHARGE_SUMS))
        .where(s.day.between(start, end)).group_by(s.strategy_key)
        .having(func.sum(s.discharged) > 0))}
