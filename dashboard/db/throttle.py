"""The login throttle's counters in the database: counted and checked in one step.

``take_attempt`` runs in the caller's write transaction: it creates the three counters if
they are missing (INSERT ... ON CONFLICT DO NOTHING), locks them (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's write transactions already hold the database's write lock from their
start), decides, and counts the attempt as a failure before the password or code is
checked. Forty attempts sent at once are therefore counted in turn: five get checked, the
rest wait, on one app host or several.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dashboard.db.models import LoginThrottle
from dashboard.db.users import normalise_email
from dashboard.domain import throttle


def _counters(session: Session, email: str, ip: str) -> dict[str, LoginThrottle]:
    keys = throttle.keys(normalise_email(email)[:254], ip[:64])
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Sorted, so two transactions take the same rows' locks in the same order (no deadlock).
    ordered = sorted(keys.values())
    session.execute(insert(LoginThrottle).values(
        [{"key": key, "failures": 0} for key in ordered]).on_conflict_do_nothing())
    rows = {row.key: row for row in session.scalars(
        select(LoginThrottle).where(LoginThrottle.key.in_(ordered))
        .order_by(LoginThrottle.key).with_for_update().execution_options(
            populate_existing=True))}
    return {kind: rows[key] for kind, key in keys.items()}


def _count(row: LoginThrottle) -> throttle.Count:
    last = row.last_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return throttle.Count(row.failures, last)


def take_attempt(session: Session, *, email: str, ip: str, now: dt.datetime) -> int:
    """Seconds to wait (nothing counted), or 0: the attempt is counted as a failure now and
    may be checked; ``attempt_succeeded`` takes the count back if it was right."""
    rows = _counters(session, email, ip)
    counts = {kind: _count(row) for kind, row in rows.items()}
    wait = throttle.wait_seconds(**counts, now=now)
    if wait:
        return wait
    for kind, row in rows.items():
        row.failures = counts[kind].recent(now) + 1
        row.last_at = now
    return 0


def attempt_succeeded(session: Session, *, email: str, ip: str) -> None:
    """The password or code was right: this address starts afresh on this account, and the
    attempt no longer counts against the account or the address."""
    rows = _counters(session, email, ip)
    rows["pair"].failures = 0
    for kind in ("account", "address"):
        rows[kind].failures = max(0, rows[kind].failures - 1)
