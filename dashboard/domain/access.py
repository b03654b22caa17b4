"""Who is asking, and the rule for which clients they may see: plain data, no Flask, no SQL.

The web layer (dashboard/auth/) finds the caller and refuses requests; the data layer
(dashboard/db/access.py) turns this rule into SQL. Both build on what is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.domain.ids import parse_id


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


def parse_client_id(client_id: object) -> int | None:
    """A client id from the browser as an int, or None if it is not one."""
    # The one id parser (domain/ids.py): a forged true, 1.9, "١" or a number past the
    # database's range is refused rather than read as some other client's id.
    return parse_id(client_id)
