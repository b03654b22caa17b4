"""Issue 24: a practitioner's lists read their own and shared clients by index, never the
whole clinic: the list and home grew with the clinic's size on PostgreSQL (ten times the
clinic: list 3.8x, home 2.7x) because the access rule's OR made every list a full scan."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from dashboard.db.clients import ClientFilters, client_list_query, list_clients
from dashboard.db.models import ClientShare
from dashboard.domain.access import CurrentUser

pytestmark = pytest.mark.postgres


def test_a_practitioners_list_reads_clients_by_index_on_postgresql(any_db, people):
    alice = CurrentUser(id=people.alice_id, email="a", name="A", role="practitioner",
                        login_session_id=0, token="")
    with any_db.begin() as s:
        s.add(ClientShare(client_id=people.bob_client_id, practitioner_id=people.alice_id))
    # A transaction: SET LOCAL below holds only inside one (reads run outside one).
    with any_db.begin() as s:
        rows, total = list_clients(s, alice, ClientFilters(), dt.date(2026, 6, 1))
        assert {r.id for r in rows} == {people.alice_client_id, people.bob_client_id} and total == 2
        if any_db.engine.dialect.name != "postgresql":
            return
        # With sequential scans priced out, a plan that can only scan shows it anyway.
        s.execute(text("SET LOCAL enable_seqscan = off"))
        query = client_list_query(alice, ClientFilters(), dt.date(2026, 6, 1))
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(s.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert _unbounded_client_scans(plan) == [], plan


def _unbounded_client_scans(plan: str) -> list[str]:
    """Scans of the clients table with no index condition: they read every client (a
    sequential scan, or a whole index walked with the access rule as a mere filter)."""
    lines = plan.splitlines()
    found = []
    for i, line in enumerate(lines):
        if " on clients" not in line:
            continue
        details = []  # the node's own lines, up to its first child or subplan
        for later in lines[i + 1:]:
            if later.strip().startswith(("->", "SubPlan", "InitPlan")):
                break
            details.append(later)
        if not any("Index Cond" in d or "Recheck Cond" in d for d in details):
            found.append(line.strip())
    return found
