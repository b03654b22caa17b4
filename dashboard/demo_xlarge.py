"""The ten-times clinic (``dashboard demo --size xlarge``): 500 practitioners, 50,000 clients,
about 1,000,000 sessions, for measuring how the app grows with the clinic.

Generating a million sessions row by row in Python takes too long and too much memory, so
the large clinic (demo.py) is made once and then copied nine more times inside PostgreSQL,
table by table with ``INSERT ... SELECT``: each copy's ids are the original's shifted past
the table's largest id, every reference to a copied table shifted the same way, so copy k
is a clinic of its own (its practitioners see only their own clients). References to what
is not copied (the admin, the catalogue, the clinic) are kept. Nothing leaves the server,
so the copy runs at the database's own speed.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, text
from sqlalchemy.orm import Session

from dashboard.db.clinic_figures import rebuild_clinic_figures
from dashboard.db.models import Base

# The clinic's people and their records; everything else is shared by the copies (the
# catalogue, templates, the clinic's details, pictures) or belongs to a moment rather than
# a clinic (logins, throttles, audit entries, client links, handouts given: a copy of a
# link's token or a PDF would not be a believable demo).
COPIED = ("users", "clients", "episodes", "red_flag_answers", "functional_activities",
          "plan_versions", "plan_items", "goals", "care_sessions", "adherence",
          "functional_ratings", "questionnaire_answers", "safety_alerts", "client_shares",
          "measure_assignments")
# Circular references (a client's current plan, an episode's final plan) are filled in
# after the rows they point at exist.
DEFERRED = {("clients", "current_plan_version_id"), ("episodes", "final_plan_version_id")}


class NotPostgres(RuntimeError):
    """The ten-times clinic is made on PostgreSQL only (SQLite would take hours)."""


def _shifted(table: Table, column: Column, copy: int, offsets: dict[str, int]) -> str:
    """The SQL for one column of copy ``copy``: ids and references to copied tables moved."""
    name = f'"{column.name}"'
    if column.primary_key:
        return f"{name} + {copy * offsets[table.name]}"
    if table.name == "users" and column.name == "email":
        return f"'copy{copy}.' || {name}"
    targets = {fk.column.table.name for fk in column.foreign_keys}
    if not targets & set(COPIED) or (table.name, column.name) in DEFERRED:
        return "NULL" if (table.name, column.name) in DEFERRED else name
    target = next(iter(targets))
    if target == "users":
        # Only practitioners are copied; a reference to the admin stays the admin.
        return (f"CASE WHEN {name} IN (SELECT id FROM users WHERE role = 'practitioner' "
                f"AND id <= {offsets['users']}) THEN {name} + {copy * offsets['users']} "
                f"ELSE {name} END")
    return f"{name} + {copy * offsets[target]}"


def grow_clinic(session: Session, *, times: int = 10) -> dict[str, int]:
    """Copy the clinic's people and records until there are ``times`` of them; returns the
    row counts of the copied tables."""
    if session.get_bind().dialect.name != "postgresql":
        raise NotPostgres("the ten-times clinic needs PostgreSQL (DATABASE_URL)")
    tables = {t.name: t for t in Base.metadata.sorted_tables if t.name in COPIED}
    offsets = {name: session.scalar(text(f'SELECT coalesce(max(id), 0) FROM "{name}"')) or 0
               for name in tables}
    for copy in range(1, times):
        for name, table in tables.items():
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            values = ", ".join(_shifted(table, c, copy, offsets) for c in table.columns)
            where = " WHERE role = 'practitioner'" if name == "users" else ""
            # Every row of the original, none of an earlier copy.
            where += (" AND" if where else " WHERE") + f" id <= {offsets[name]}"
            session.execute(text(f'INSERT INTO "{name}" ({columns}) '
                                 f'SELECT {values} FROM "{name}"{where}'))
        for name, column in sorted(DEFERRED):
            target = next(iter(tables[name].c[column].foreign_keys)).column.table.name
            session.execute(text(
                f'UPDATE "{name}" AS copy SET "{column}" = original."{column}" + '
                f'{copy * offsets[target]} FROM "{name}" AS original '
                f'WHERE copy.id = original.id + {copy * offsets[name]} '
                f'AND original.id <= {offsets[name]} AND original."{column}" IS NOT NULL'))
    for name in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f'(SELECT max(id) FROM "{name}"))'))
    # The clinic figures are not copied: made again from the copies' rows.
    rebuild_clinic_figures(session)
    return {name: session.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0
            for name in tables}
