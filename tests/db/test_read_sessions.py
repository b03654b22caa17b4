"""``Database.read()``: a read may not write, and on PostgreSQL it runs outside a
transaction (at READ COMMITTED each statement has its own snapshot either way, so the BEGIN
and ROLLBACK around a read were two round trips for nothing)."""

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, text

from dashboard.db.engine import ReadOnlySession
from dashboard.db.models import CareSession, Client
from dashboard.db.sessions import save_session, session_context
from dashboard.domain.sessions import SessionInput


def test_a_read_session_refuses_to_write_and_nothing_is_written(any_db, people):
    with any_db.read() as s:
        client = s.get(Client, people.alice_client_id)
        before = client.given_name
        client.given_name = "Changed in a read"
        with pytest.raises(ReadOnlySession):
            s.flush()
    with any_db.read() as s:
        assert s.scalar(select(Client.given_name).where(
            Client.id == people.alice_client_id)) == before


def test_a_session_saved_through_a_read_session_is_refused_before_anything_is_written(
        any_db, people):
    """The session and its parts are written as plain rows (no flush): on PostgreSQL a read
    session runs in autocommit, so they would be stored at once if not refused first."""
    with any_db.read() as s:
        client = s.get(Client, people.alice_client_id)
        with pytest.raises(ReadOnlySession):
            save_session(s, client=client, context=session_context(s, client),
                         data=SessionInput(dt.date(2026, 2, 2), 5, 4, {}, {}),
                         user_id=people.alice_id)
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareSession)) == 0


def test_a_read_on_postgresql_sends_no_begin(any_db, people):
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads keep their transaction (one writer at a time)")
    with any_db.read() as s:
        s.execute(text("SELECT 1"))
        time.sleep(0.05)
        # Outside a transaction each statement is its own: its transaction began with it.
        assert s.scalar(text("SELECT now() = statement_timestamp()")) is True
    with any_db.begin() as s:  # a write still runs in one transaction
        s.execute(text("SELECT 1"))
        time.sleep(0.05)
        assert s.scalar(text("SELECT now() = statement_timestamp()")) is False
