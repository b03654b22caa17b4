"""SQLite's write gate (db/engine.py ``SqliteWriteGate``): every write transaction of every
process takes an exclusive flock on a file beside the database, so a waiting writer is woken
when the holder ends instead of sleeping in SQLite's busy handler (1, 2, 5 ... 100 ms at a
time: 111 ms at the 99th percentile of BEGIN IMMEDIATE under the client page's load)."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from dashboard.db.engine import Database, write_gate


def _gate_is_free(lock_file: Path) -> bool:
    """Whether another open file (as another process would) gets the gate now."""
    descriptor = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def test_a_write_transaction_holds_the_gate_and_a_read_does_not(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    try:
        assert database.gate is not None
        lock_file = tmp_path / "clinic.sqlite3.write-lock"
        with database.begin() as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
            assert not _gate_is_free(lock_file)
            with database.read() as r:  # readers never queue behind writers (WAL)
                r.execute(text("SELECT 1")).all()
        assert _gate_is_free(lock_file)
        with database.read() as r:
            r.execute(text("SELECT count(*) FROM t")).all()
            assert _gate_is_free(lock_file)
        # A failed transaction lets go of the gate too.
        with pytest.raises(RuntimeError), database.begin() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("the write fails")
        assert _gate_is_free(lock_file)
    finally:
        database.dispose()


def test_the_gate_is_reentrant_in_a_thread_and_exclusive_between_threads(tmp_path):
    gate = write_gate(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    assert gate is not None
    order: list[str] = []
    inside = threading.Event()

    def second_writer() -> None:
        inside.wait(5)
        with gate.held():
            order.append("second")

    thread = threading.Thread(target=second_writer)
    thread.start()
    with gate.held(), gate.held():  # the same thread again: no wait on itself
        inside.set()
        thread.join(0.3)
        assert thread.is_alive()  # the other thread waits at the gate
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]


def _write_rows(url: str, tag: str, count: int) -> None:
    database = Database(url)
    try:
        for n in range(count):
            with database.begin() as s:
                s.execute(text("INSERT INTO t VALUES (:v)"), {"v": f"{tag}-{n}"})
    finally:
        database.dispose()


def test_writers_in_several_processes_all_land(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    database = Database(url)
    with database.begin() as s:
        s.execute(text("CREATE TABLE t (v TEXT)"))
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_rows, args=(url, f"p{i}", 40)) for i in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    with database.read() as s:
        assert s.execute(text("SELECT count(DISTINCT v) FROM t")).scalar_one() == 120
    database.dispose()


def test_no_gate_without_a_file():
    assert write_gate("sqlite://") is None
    assert write_gate("sqlite:///:memory:") is None
    assert write_gate("postgresql+psycopg://u@127.0.0.1/x") is None
