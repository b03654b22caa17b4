"""The audit log: every write and every view of a client's record lands here."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from dashboard.db.models import AuditEntry


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
) -> AuditEntry:
    """Add an entry in the caller's transaction, so the entry and the change commit together."""
    entry = AuditEntry(user_id=user_id, action=action, entity=entity, entity_id=entity_id,
                       client_id=client_id, ip=ip[:64],
                       detail=json.dumps(detail, default=str, sort_keys=True) if detail else "")
    session.add(entry)
    return entry
