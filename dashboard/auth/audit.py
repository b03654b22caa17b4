"""The audit writer as requests use it: an entry about a client this request reached
through break glass is flagged, whichever of the request's database sessions reached it
(a page may authorize in a read session and write its entry in another)."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy.orm import Session

from dashboard.auth.access import AUDITED_CLIENTS_KEY, break_glass_marks
from dashboard.db import audit
from dashboard.db.models import AuditEntry


def record_audit(session: Session, *, client_id: int | None = None,
                 flagged: bool | None = None, **entry: Any) -> AuditEntry:
    """``dashboard.db.audit.record_audit`` with ``flagged`` worked out from the request."""
    if flagged is None:
        flagged = client_id is not None and client_id in break_glass_marks(session)
    written = audit.record_audit(session, client_id=client_id, flagged=flagged, **entry)
    if client_id is not None and has_request_context():
        # This request's read of the client is on record: no separate "record_read" entry.
        g.setdefault(AUDITED_CLIENTS_KEY, set()).add(client_id)
    return written
