"""Who may see which client: the one place that decides, used by every page and callback.

``can_see_client`` is the rule; ``visible_clients`` is the same rule as a SQL filter for
lists, and the tests check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from dashboard.db.models import Client, ClientShare

REFUSALS_KEY = "access_refusals"


class AccessDenied(Exception):
    """The caller may not see or change this; answered with 403 and no data."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        # Noted on the request (flask.g, per request), so auth/refusals.py audits it after
        # the request's own transaction has rolled back, and also when a page catches the
        # refusal to show "not found".
        if has_request_context():
            g.setdefault(REFUSALS_KEY, []).append(str(self)[:100])


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


def authorize_client(session: Session, user: CurrentUser, client_id: object) -> Client:
    """The client, if this user may see them; AccessDenied otherwise (unknown ids too).

    ``client_id`` usually comes from the browser: it is parsed here, never trusted.
    """
    try:
        cid = int(client_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise AccessDenied("no such client") from None
    client = session.get(Client, cid)
    if client is None:
        raise AccessDenied("no such client")
    shared_with = frozenset(session.scalars(
        select(ClientShare.practitioner_id).where(ClientShare.client_id == cid)))
    if not can_see_client(user, practitioner_id=client.practitioner_id, shared_with=shared_with):
        raise AccessDenied("no such client")
    return client


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
