"""Who may see which client, asked by every page, route and callback: the one gate.

The rule is ``can_see_client`` (dashboard/domain/access.py); ``visible_clients``
(dashboard/db/access.py) is the same rule as a SQL filter for lists, and the tests check
that the two agree. This module adds what needs the request: the caller, refusals.

"Break glass": a practitioner covering a colleague may open a client who is not theirs
after giving a reason (a ``BreakGlassAccess`` row, valid for the clinic's day). That is an
exception reached one client at a time, so it widens ``authorize_client`` only: lists
(``visible_clients``) never show such clients. Every audit entry written while using it is
flagged (``break_glass_marks``, read by ``record_audit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from dashboard.context import clinic_today
from dashboard.db.access import (
    access_kind,
    break_glass_on,
    existing_client,
    has_break_glass,
    mark_break_glass,
    visible_clients,
)
from dashboard.db.models import Client
from dashboard.domain.access import (
    CurrentUser,
    NotAuthenticated,
    can_see_client,
    parse_client_id,
)

__all__ = [  # the rule and the caller's type live below this layer; used from here too
    "AccessDenied", "CurrentUser", "NotAuthenticated", "access_kind", "authorize_client",
    "break_glass_marks", "can_see_client", "existing_client", "has_break_glass",
    "parse_client_id", "require_admin", "require_user", "visible_clients",
]

# Where authorize_client notes the clients reached by break glass: on the database session
# (same transaction) and on Flask's ``g`` (the same request, when a page reads in one session
# and writes its audit entry in another). Both live only as long as the request.
BREAK_GLASS_KEY = "break_glass_clients"

F = TypeVar("F", bound=Callable[..., Any])
REFUSALS_KEY = "access_refusals"
REFUSED_CLIENTS_KEY = "access_refused_clients"
# Clients this request opened through authorize_client, and clients it wrote an audit entry
# for: auth/refusals.py adds one "record_read" entry per client read and not audited
# otherwise, so every read of a record is in the log at the cost of one insert at most.
READ_CLIENTS_KEY = "record_reads"
AUDITED_CLIENTS_KEY = "audited_clients"


class AccessDenied(Exception):
    """The caller may not see or change this; answered with 403 and no data."""

    def __init__(self, *args: object, client_id: int | None = None) -> None:
        super().__init__(*args)
        # Noted on the request (flask.g, per request), so auth/refusals.py audits it after
        # the request's own transaction has rolled back, and also when a page catches the
        # refusal to show "not found". ``client_id``: the client actually asked for (an
        # existing one), which may differ from the page's address (a query string).
        if has_request_context():
            g.setdefault(REFUSALS_KEY, []).append(str(self)[:100])
            if client_id is not None:
                g.setdefault(REFUSED_CLIENTS_KEY, []).append(client_id)


def authorize_client(session: Session, user: CurrentUser, client_id: object, *,
                     today: dt.date | None = None) -> Client:
    """The client, if this user may see them; AccessDenied otherwise (unknown ids too).

    ``client_id`` usually comes from the browser: it is parsed here, never trusted. An erased
    client is a tombstone nobody works on. A practitioner with break-glass access for
    ``today`` (the clinic's day unless given) is let in, and the access is marked so the
    audit entries that follow are flagged.
    """
    client = existing_client(session, client_id)
    if client is None:
        raise AccessDenied("no such client")
    access = access_kind(session, user, client, today or clinic_today())
    if access == "break_glass":
        _mark_break_glass(session, client.id)
    if access is None:
        raise AccessDenied("no such client", client_id=client.id)
    if has_request_context():
        g.setdefault(READ_CLIENTS_KEY, set()).add(client.id)
    return client


def _mark_break_glass(session: Session, client_id: int) -> None:
    mark_break_glass(session, {client_id})
    if has_app_context():
        marks = g.get(BREAK_GLASS_KEY)
        if marks is None:
            marks = set()
            setattr(g, BREAK_GLASS_KEY, marks)
        marks.add(client_id)


def break_glass_marks(session: Session) -> frozenset[int]:
    """The clients this request (or this database session) reached through break glass."""
    marks = set(break_glass_on(session))
    if has_app_context():
        marks |= g.get(BREAK_GLASS_KEY) or set()
    return frozenset(marks)


def admin_only(func: F) -> F:
    """Marks a callback as admin-only, under ``@callback``: the request is refused with 403
    (and the refusal audited) before the callback runs or its background job starts, since
    a background job runs in another process where a refusal can only fail (app.py's
    ``custom_data`` hook does the check). Callbacks still call ``require_admin`` themselves.
    """
    func.admin_only = True  # type: ignore[attr-defined]  # copied by Dash's functools.wraps
    return func


def is_admin_only(callback: object) -> bool:
    return bool(getattr(callback, "admin_only", False))


def current_user_or_none() -> CurrentUser | None:
    user = current_user._get_current_object()
    return user if isinstance(user, CurrentUser) else None


def require_user() -> CurrentUser:
    """The caller, or NotAuthenticated. Every callback starts here (the browser is not trusted)."""
    user = current_user_or_none()
    if user is None:
        raise NotAuthenticated()
    return user


def require_admin() -> CurrentUser:
    user = require_user()
    if not user.is_admin:
        raise AccessDenied("admins only")
    return user
