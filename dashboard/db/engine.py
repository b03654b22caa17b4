"""Engine and session factory. Sessions are opened at the edge of a request, never inside
a query function; ``Database.begin()`` commits on success and rolls back on error."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dashboard.db.clinic_figures import keep_clinic_figures
from dashboard.db.rows import READ_ONLY, ReadOnlySession


def _sqlite_setup(foreign_keys: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off: it would not BEGIN before DDL, so a
        # failed migration would leave half a schema. SQLAlchemy emits BEGIN (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer commits; the busy timeout makes a second
        # writer wait instead of failing; SQLite enforces foreign keys only when asked.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten content is zeroed in the file, not just marked free: an
        # erased client's name must not be readable from the database file afterwards.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return on_connect


def _sqlite_begin(connection: Any) -> None:
    # Write transactions take the write lock at their start (BEGIN IMMEDIATE): a deferred
    # one that read first cannot upgrade once another writer has committed, and fails at
    # once with "database is locked" whatever the busy timeout.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(database_url: str, *, migrating: bool = False) -> Engine:
    """An engine; ``migrating`` turns SQLite's foreign keys off while tables are rebuilt
    (the migration environment checks every reference afterwards)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_setup(foreign_keys=not migrating))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class SqliteWriteGate:
    """One write transaction at a time on a SQLite file, queued in the kernel.

    SQLite lets one writer in and makes the others wait in its busy handler, which sleeps
    and retries on a growing schedule (1, 2, 5, 10 ... 100 ms) instead of waking when the
    lock is free. Under the client page's load (80 short writes a second from four
    processes) writers held the lock about a millisecond each, yet BEGIN IMMEDIATE waited
    21 ms at the 95th percentile and 111 ms at the 99th: sleeping, not queueing. Here each
    write transaction first takes an exclusive ``flock`` on a file beside the database; a
    waiter is woken the moment the holder ends. Every process on the machine that opens the
    database through ``Database`` takes the gate; anything else (a migration, a backup)
    still meets SQLite's own lock and busy timeout. Re-entrant within a thread, so a write
    transaction opened inside another fails on SQLite's lock as before instead of waiting
    on itself.
    """

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".write-lock")
        self._depth = threading.local()

    @contextmanager
    def held(self) -> Iterator[None]:
        depth = getattr(self._depth, "value", 0)
        if depth:
            self._depth.value = depth + 1
            try:
                yield
            finally:
                self._depth.value = depth
            return
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # released by the close below
            self._depth.value = 1
            try:
                yield
            finally:
                self._depth.value = 0
        finally:
            os.close(descriptor)


def write_gate(database_url: str) -> SqliteWriteGate | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return SqliteWriteGate(Path(url.database).resolve())


def _refuse_writes(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySession("a read session may not write: use Database.begin()")


class Database:
    """One engine and its session factory; the app keeps one per process."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self.gate = write_gate(database_url)
        # On PostgreSQL reads run outside a transaction (autocommit): at READ COMMITTED each
        # statement sees its own snapshot in a transaction or out of one, so the BEGIN and
        # the ROLLBACK around a read bought nothing but two round trips (of a progress
        # view's 25). A read session may not write: a flush with changes is refused.
        reads = self.engine.execution_options(isolation_level="AUTOCOMMIT") \
            if self.engine.dialect.name == "postgresql" else self.engine
        # Marked read-only for the plain inserts of db/rows.py too, which no flush sees.
        self.sessions = sessionmaker(reads, expire_on_commit=False, info={READ_ONLY: True})
        event.listen(self.sessions, "before_flush", _refuse_writes)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)
        # Only writes change what the figures count (a read session refuses to write).
        keep_clinic_figures(self.write_sessions)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a write transaction: committed on success, rolled back on any error.
        On SQLite, writers take turns at the write gate first (``SqliteWriteGate``)."""
        with self.gate.held() if self.gate else nullcontext(), \
                self.write_sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; anything left unflushed is discarded."""
        with self.sessions() as session:
            yield session

    def refresh_statistics(self) -> None:
        """After a bulk load on PostgreSQL: the planner's statistics, which autovacuum would
        gather only later (until then a client's progress joined whole tables: 52 -> 29 ms
        on the large clinic). SQLite's plans come from its indexes; nothing to do there."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))

    def dispose(self) -> None:
        self.engine.dispose()
