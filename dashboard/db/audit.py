"""The audit log: every write and every view of a client's record lands here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from dashboard.db.access import break_glass_on
from dashboard.db.clients import name_matches
from dashboard.db.models import AuditEntry, Client, User


def record_audit(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    client_id: int | None = None,
    ip: str = "",
    detail: dict[str, Any] | None = None,
    flagged: bool | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction, so the entry and the change commit together.

    ``flagged`` marks an entry made under break-glass access; left as None, it is set when
    this database session reached ``client_id`` through break glass (``mark_break_glass``).
    Requests write through dashboard/auth/audit.py, which also counts the request's other
    sessions, so no page has to remember to pass it.
    """
    if flagged is None:
        flagged = client_id is not None and client_id in break_glass_on(session)
    entry = AuditEntry(user_id=user_id, action=action, entity=entity, entity_id=entity_id,
                       client_id=client_id, ip=ip[:64], flagged=flagged,
                       detail=json.dumps(detail, default=str, sort_keys=True) if detail else "")
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None
    client_id: int | None = None
    client_name: str | None = None  # any part of the client's given or family name
    action: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    user: str
    action: str
    entity: str
    entity_id: int | None
    client_id: int | None
    ip: str
    detail: str
    flagged: bool = False  # made under break-glass access
    client_name: str = ""


def _audit_query(filters: AuditFilters) -> Select:
    query = (select(AuditEntry.id, AuditEntry.at, User.email, AuditEntry.action,
                    AuditEntry.entity, AuditEntry.entity_id, AuditEntry.client_id,
                    AuditEntry.ip, AuditEntry.detail, AuditEntry.flagged,
                    func.coalesce(Client.given_name + " " + Client.family_name, ""))
             .outerjoin(User, User.id == AuditEntry.user_id)
             .outerjoin(Client, Client.id == AuditEntry.client_id))
    if filters.user_id is not None:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.client_id is not None:
        query = query.where(AuditEntry.client_id == filters.client_id)
    named = name_matches(filters.client_name or "")
    if named:
        query = query.where(AuditEntry.client_id.in_(select(Client.id).where(*named)))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.start:
        query = query.where(AuditEntry.at >= dt.datetime.combine(
            filters.start, dt.time(), tzinfo=dt.UTC))
    if filters.end:
        query = query.where(AuditEntry.at < dt.datetime.combine(
            filters.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
    return query


def list_audit(session: Session, filters: AuditFilters, *, page: int = 1,
               page_size: int = 50) -> tuple[list[AuditRow], int]:
    query = _audit_query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditEntry.id.desc())
                           .limit(page_size).offset((max(1, page) - 1) * page_size)).all()
    return [_audit_row(row) for row in rows], total


def audit_rows_for_export(session: Session, filters: AuditFilters,
                          limit: int = 100_000) -> list[AuditRow]:
    rows = session.execute(_audit_query(filters).order_by(AuditEntry.id).limit(limit)).all()
    return [_audit_row(row) for row in rows]


def _audit_row(row: Any) -> AuditRow:
    (entry_id, at, email, action, entity, entity_id, client_id, ip, detail, flagged,
     client_name) = row
    return AuditRow(entry_id, at, email or "(system)", action, entity, entity_id, client_id,
                    ip, detail, flagged, client_name)


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
