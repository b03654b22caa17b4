"""The audit writer as requests use it: an entry about a client this request reached
through break glass is flagged, whichever of the request's database sessions reached it
(a page may authorize in a read session and write its entry in another)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dashboard.auth.access import break_glass_marks
from dashboard.db import audit
from dashboard.db.models import AuditEntry


def record_audit(session: Session, *, client_id: int | None = None,
                 flagged: bool | None = None, **entry: Any) -> AuditEntry:
    """``dashboard.db.audit.record_audit`` with ``flagged`` worked out from the request."""
    if flagged is None:
        flagged = client_id is not None and client_id in break_glass_marks(session)
    return audit.record_audit(session, client_id=client_id, flagged=flagged, **entry)
