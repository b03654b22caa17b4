"""Helpers shared by the fault-injection and bad-input tests (no tests here)."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.db.engine import Database
from dashboard.db.models import Base


def table_counts(db: Database, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, int]:
    """Rows per table: a write anywhere shows as a changed count."""
    with db.read() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) or 0
                for name, table in Base.metadata.tables.items() if name not in skip}
