"""Column reads through the session's connection (dashboard/db/rows.py) see what the same
transaction has not flushed yet, as the ORM's own reads do."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import DBAPIError

from dashboard.db.models import (
    AuditEntry,
    CareSession,
    Client,
    FunctionalRating,
    QuestionnaireAnswer,
)
from dashboard.db.rows import column_rows_together, insert_rows, insert_with_children
from dashboard.db.sessions import session_history
from dashboard.db.summary import current_episode


def test_a_session_added_and_not_yet_flushed_is_in_the_history_read_in_the_same_transaction(
        any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = current_episode(s, client.id)
        s.add(CareSession(client_id=client.id, episode_id=episode.id,
                          practitioner_id=client.practitioner_id,
                          session_on=dt.date(2026, 3, 2), pain=6, stress=4))
        assert s.new  # not flushed: the read must flush it first
        rows = session_history(s, client.id, include_deleted=False)
        assert [(r.session_on, r.pain) for r in rows] == [(dt.date(2026, 3, 2), 6)]


AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_rows_inserted_into_several_tables_at_once_are_all_there_and_nothing_else(
        any_db, people):
    """``insert_rows``: one statement on PostgreSQL, one per table elsewhere; the same rows."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = current_episode(s, client.id)
        care = CareSession(client_id=client.id, episode_id=episode.id,
                           practitioner_id=client.practitioner_id,
                           session_on=dt.date(2026, 3, 2), pain=6, stress=4)
        s.add(care)
        s.flush()
        insert_rows(s, {
            QuestionnaireAnswer: [{"session_id": care.id, "instrument": "PSS10", "item": n,
                                   "value": n % 5} for n in range(1, 11)],
            FunctionalRating: [],  # a table without rows is left alone
            AuditEntry: [{"at": AT, "user_id": people.alice_id, "action": "probe",
                          "entity": "session", "entity_id": care.id,
                          "client_id": client.id, "ip": "", "detail": "{}",
                          "flagged": False}]})
    with any_db.read() as s:
        assert [(a.item, a.value) for a in s.scalars(select(QuestionnaireAnswer)
                                                      .order_by(QuestionnaireAnswer.item))] \
            == [(n, n % 5) for n in range(1, 11)]
        assert s.scalar(select(func.count()).select_from(FunctionalRating)) == 0
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "probe"))
        assert (entry.at, entry.entity_id, entry.flagged) == (AT, care.id, False)


def test_statements_run_together_run_in_order_each_seeing_the_ones_before(any_db, people):
    """``column_rows_together``: sent at once on PostgreSQL (pipeline mode), one after the
    other elsewhere; the same rows either way, a write seen by the read after it."""
    probes = select(AuditEntry.entity_id).where(AuditEntry.action == "probe").order_by(
        AuditEntry.entity_id)
    with any_db.begin() as s:
        s.add_all(AuditEntry(at=AT, user_id=people.alice_id, action="probe", entity_id=n)
                  for n in range(3))  # flushed first
        results = column_rows_together(s, [
            (probes, {}),  # every row, though the next statement deletes them
            (delete(AuditEntry).where(AuditEntry.action == "probe"), {}),
            (probes, {}),
            (select(Client.id).where(Client.id.in_(bindparam("ids", expanding=True)))
             .order_by(Client.id), {"ids": [people.bob_client_id, people.alice_client_id]})])
        assert [list(map(tuple, rows)) for rows in results] == [
            [(0,), (1,), (2,)], [], [],
            sorted([(people.alice_client_id,), (people.bob_client_id,)])]


def test_a_string_too_long_for_its_column_is_never_cut_short(any_db, people):
    """PostgreSQL cuts a string cast to VARCHAR(n) without a word: the arrays of
    ``insert_rows`` are cast to unbounded text, so the column itself refuses it."""
    action = "a" * 60  # audit_log.action is VARCHAR(50)
    try:
        with any_db.begin() as s:
            insert_rows(s, {AuditEntry: [{"at": AT, "user_id": people.alice_id,
                                          "action": action, "entity": "", "ip": "",
                                          "detail": "", "flagged": False}]})
    except DBAPIError:
        assert any_db.engine.dialect.name == "postgresql"  # refused, nothing written
        stored = []
    else:
        assert any_db.engine.dialect.name == "sqlite"  # SQLite keeps no length
        with any_db.read() as s:
            stored = list(s.scalars(select(AuditEntry.action)))
    assert stored in ([], [action])


def test_a_row_and_the_rows_pointing_at_it_are_inserted_together(any_db, people):
    """``insert_with_children``: one statement on PostgreSQL, two elsewhere; the same rows."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        episode = current_episode(s, client.id)
        new_id = insert_with_children(
            s, CareSession, {"client_id": client.id, "episode_id": episode.id,
                             "practitioner_id": client.practitioner_id,
                             "session_on": dt.date(2026, 3, 2), "pain": 6, "stress": 4,
                             "notes": "", "created_at": AT},
            {QuestionnaireAnswer: [{"instrument": "PSS10", "item": n, "value": n % 5}
                                   for n in range(1, 11)],
             FunctionalRating: []}, foreign_key="session_id")
    with any_db.read() as s:
        care = s.get(CareSession, new_id)
        assert (care.session_on, care.pain, care.created_at) == (dt.date(2026, 3, 2), 6, AT)
        assert [(a.session_id, a.item) for a in s.scalars(
            select(QuestionnaireAnswer).order_by(QuestionnaireAnswer.item))] == [
            (new_id, n) for n in range(1, 11)]
