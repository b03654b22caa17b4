"""Column reads through the session's connection (dashboard/db/rows.py) see what the same
transaction has not flushed yet, as the ORM's own reads do."""

from __future__ import annotations

import datetime as dt

from dashboard.db.models import CareSession, Client
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
