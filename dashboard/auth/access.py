"""Who may see which client: the one place that decides, used by every page and callback.

``can_see_client`` is the rule; ``visible_clients`` is the same rule as a SQL filter for
lists, and the tests check that the two agree.

"Break glass": a practitioner covering a colleague may open a client who is not theirs
after giving a reason (a ``BreakGlassAccess`` row, valid for the clinic's day). That is an
exception reached one client at a time, so it widens ``authorize_client`` only: lists
(``visible_clients``) never show such clients. Every audit entry written while using it is
flagged (``break_glass_marks``, read by ``record_audit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from dashboard.db.models import BreakGlassAccess, Client, ClientShare
from dashboard.domain.ids import parse_id

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


class NotAuthenticated(Exception):
    """No live login session; answered with 401 and no data."""


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as the request sees them, detached from any database session.

    Flask-Login stores ``get_id()`` in the signed cookie: here it is the login-session
    token, so ending that server-side record ends the login at once.
    """

    id: int
    email: str
    name: str
    role: str
    login_session_id: int
    token: str
    must_change_password: bool = False
    # An admin who has not set up the second factor yet: nothing opens until they do.
    needs_totp: bool = False

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.token

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def can_see_client(
    user: CurrentUser, *, practitioner_id: int, shared_with: frozenset[int] = frozenset()
) -> bool:
    """Admins see every client; a practitioner sees their own and those shared with them."""
    if user.is_admin:
        return True
    return user.role == "practitioner" and (
        practitioner_id == user.id or user.id in shared_with)


def visible_clients(user: CurrentUser) -> ColumnElement[bool]:
    """``can_see_client`` as a WHERE clause on ``Client``."""
    if user.is_admin:
        return true()
    # IN rather than a correlated EXISTS: both sides of the OR can then use an index
    # (SQLite and PostgreSQL), instead of testing every client in the clinic.
    shared = select(ClientShare.client_id).where(ClientShare.practitioner_id == user.id)
    return (Client.practitioner_id == user.id) | Client.id.in_(shared)


def parse_client_id(client_id: object) -> int | None:
    """A client id from the browser as an int, or None if it is not one."""
    # The one id parser (domain/ids.py): a forged true, 1.9, "١" or a number past the
    # database's range is refused rather than read as some other client's id.
    return parse_id(client_id)


def has_break_glass(session: Session, user_id: int, client_id: int, today: dt.date) -> bool:
    """Whether this user gave a reason to open this client on this clinic day."""
    return session.scalar(select(BreakGlassAccess.id).where(
        BreakGlassAccess.user_id == user_id, BreakGlassAccess.client_id == client_id,
        BreakGlassAccess.valid_on == today).limit(1)) is not None


def _clinic_today() -> dt.date:
    # Imported here: dashboard.context imports this module.
    from dashboard.context import clinic_today

    return clinic_today()


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
    access = access_kind(session, user, client, today or _clinic_today())
    if access == "break_glass":
        _mark_break_glass(session, client.id)
    if access is None:
        raise AccessDenied("no such client", client_id=client.id)
    if has_request_context():
        g.setdefault(READ_CLIENTS_KEY, set()).add(client.id)
    return client


def existing_client(session: Session, client_id: object) -> Client | None:
    """The client with this id from the browser, unless unknown or erased (a tombstone)."""
    cid = parse_client_id(client_id)
    client = session.get(Client, cid) if cid is not None else None
    return None if client is None or client.erased_at is not None else client


def access_kind(session: Session, user: CurrentUser, client: Client, today: dt.date
                ) -> str | None:
    """How this user reaches this client: "care" (an admin, their own, shared with them),
    "break_glass" (opened with a reason for ``today``), or None."""
    shared_with = frozenset(session.scalars(
        select(ClientShare.practitioner_id).where(ClientShare.client_id == client.id)))
    if can_see_client(user, practitioner_id=client.practitioner_id, shared_with=shared_with):
        return "care"
    if user.role == "practitioner" and has_break_glass(session, user.id, client.id, today):
        return "break_glass"
    return None


def _mark_break_glass(session: Session, client_id: int) -> None:
    session.info.setdefault(BREAK_GLASS_KEY, set()).add(client_id)
    if has_app_context():
        marks = g.get(BREAK_GLASS_KEY)
        if marks is None:
            marks = set()
            setattr(g, BREAK_GLASS_KEY, marks)
        marks.add(client_id)


def break_glass_marks(session: Session) -> frozenset[int]:
    """The clients this request (or this database session) reached through break glass."""
    marks = set(session.info.get(BREAK_GLASS_KEY, ()))
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
    user = current_user._get_current_object()  # type: ignore[attr-defined]
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
