"""Many writers at once, on SQLite and on PostgreSQL: threads sharing the app's engine and
separate processes (spawned, each opening its own Database from the URL, as gunicorn
workers do) record sessions and save plans for the same few clients, a fixed number of
writes each (a count, not a time: a loaded machine is slower, never less concurrent).

Every write a writer saw committed is there afterwards, exactly once; plan version numbers
stay 1..n per episode; no error ("database is locked" or any other) reaches a writer.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import select

from dashboard.db.engine import Database
from dashboard.db.models import CareSession, Client, PlanVersion, StrategyPart
from dashboard.db.plans import save_plan_version
from dashboard.db.sessions import save_session, session_context
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.domain.sessions import SessionInput

THREADS = 6
PROCESSES = 3
WRITES_EACH = 12  # 9 writers x 12 = 108 writes colliding on 3 clients
SECONDS = 90.0  # an upper bound only, so a stuck writer cannot hang the suite
CLIENTS = 3  # few clients, so writers collide on the same rows


def _write_once(database: Database, tag: str, n: int, client_id: int, user_id: int) -> str:
    """One write as the pages make it: a session (4 in 5) or a new plan version (1 in 5)."""
    note = f"{tag}-{n}"
    with database.begin() as s:
        client = s.get(Client, client_id)
        if n % 5 == 4:
            part = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
            draft = PlanDraft((PlanItemDraft(part.id, part.name, "Heat or cold",
                                             Dose.from_columns(part)),), 14, note, ())
            save_plan_version(s, episode_id=current_episode(s, client_id).id, draft=draft,
                              user_id=user_id, today=dt.date(2026, 2, 1))
            refresh_client_summary(s, client)
        else:
            data = SessionInput(dt.date(2026, 1, 6) + dt.timedelta(days=n % 50), n % 11,
                                (n * 7) % 11, {}, {}, note)
            save_session(s, client=client, context=session_context(s, client), data=data,
                         user_id=user_id)
    return note


def _writer(database: Database, tag: str, clients: list[int], user_id: int,
            start: Any, seconds: float) -> tuple[list[str], list[str]]:
    acknowledged: list[str] = []
    errors: list[str] = []
    start.wait()
    deadline = time.monotonic() + seconds
    n = 0
    while n < WRITES_EACH and time.monotonic() < deadline:
        try:
            acknowledged.append(_write_once(database, tag, n, clients[n % len(clients)],
                                            user_id))
        except Exception as exc:
            errors.append(f"{tag}: {type(exc).__name__}: {str(exc)[:200]}")
        n += 1
    return acknowledged, errors


def _process_writer(url: str, tag: str, clients: list[int], user_id: int, start: Any,
                    ready: Any, results: Any, seconds: float) -> None:
    database = Database(url)  # a process opens its own engine, never the parent's
    try:
        with database.read() as s:  # connect before the start, as a running worker has
            s.scalar(select(Client.id).limit(1))
        ready.put(tag)
        results.put(_writer(database, tag, clients, user_id, start, seconds))
    finally:
        database.dispose()


def test_concurrent_writers_lose_nothing(any_db, people) -> None:
    from tests.factories import make_client

    with any_db.begin() as s:
        clients = [people.alice_client_id] + [
            make_client(s, practitioner_id=people.alice_id, given=f"Con{i}", family="Current").id
            for i in range(CLIENTS - 1)]
    ctx = multiprocessing.get_context("spawn")
    start, ready, results = ctx.Event(), ctx.Queue(), ctx.Queue()
    processes = [ctx.Process(target=_process_writer, args=(
        any_db.url, f"p{i}", clients, people.alice_id, start, ready, results, SECONDS))
        for i in range(PROCESSES)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=60)
    outcomes: list[tuple[list[str], list[str]]] = []
    threads = [threading.Thread(target=lambda i=i: outcomes.append(_writer(
        any_db, f"t{i}", clients, people.alice_id, start, SECONDS))) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    start.set()  # all writers begin together
    for thread in threads:
        thread.join(timeout=SECONDS + 30)
    outcomes += [results.get(timeout=SECONDS + 30) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    acknowledged = [note for acks, _ in outcomes for note in acks]
    errors = [error for _, errs in outcomes for error in errs]
    assert not errors, errors[:5]
    assert len(outcomes) == THREADS + PROCESSES
    with any_db.read() as s:
        stored = Counter([*s.scalars(select(CareSession.notes)),
                          *s.scalars(select(PlanVersion.notes))])
        versions = s.execute(select(PlanVersion.episode_id, PlanVersion.version)).all()
        latest = {c.id: c.last_session_on for c in s.scalars(
            select(Client).where(Client.id.in_(clients)))}
        newest = {cid: max((c.session_on for c in s.scalars(
            select(CareSession).where(CareSession.client_id == cid))), default=None)
            for cid in clients}
    stored.pop("", None)
    missing = [note for note in acknowledged if stored[note] == 0]
    duplicated = [note for note, count in stored.items() if count > 1]
    assert not missing and not duplicated, (missing[:5], duplicated[:5])
    assert sorted(stored) == sorted(acknowledged)  # nothing unacknowledged either
    by_episode: dict[int, list[int]] = {}
    for episode_id, number in versions:
        by_episode.setdefault(episode_id, []).append(number)
    for numbers in by_episode.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert latest == newest  # each client's summary reflects every session
    assert len(acknowledged) == (THREADS + PROCESSES) * WRITES_EACH, len(acknowledged)
    print(f"\n{any_db.engine.dialect.name}: {len(acknowledged)} concurrent writes by "
          f"{THREADS} threads and {PROCESSES} processes, {len(errors)} errors")
