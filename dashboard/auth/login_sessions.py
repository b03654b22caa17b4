"""The server-side login session behind the cookie: Flask-Login's loader reads it on every
request (a live, unexpired session of an active user), and a login's token is kept only as
its hash."""

from __future__ import annotations

import datetime as dt
import hashlib

from dashboard.auth.access import CurrentUser
from dashboard.context import current_db, current_settings
from dashboard.db import users as user_queries
from dashboard.db.models import utcnow
from dashboard.db.users import LiveLogin

# Refreshing last-seen on every request would make every read a write.
TOUCH_EVERY = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_user_of(login: LiveLogin, token: str) -> CurrentUser:
    return CurrentUser(id=login.user_id, email=login.email, name=login.name, role=login.role,
                       login_session_id=login.login_id, token=token,
                       must_change_password=login.must_change_password,
                       needs_totp=login.role == "admin" and not login.totp_enabled)


def load_user(token: str) -> CurrentUser | None:
    """Flask-Login's user loader: a live, unexpired login session of an active user.

    Runs on every request, so it only reads; it takes the write lock (briefly) just to end
    an expired session or to refresh last-seen once a minute.
    """
    settings = current_settings()
    now = utcnow()
    with current_db().read() as db:
        login = user_queries.find_live_login(db, token_hash(token))
        if login is None:
            return None
        idle = now - login.last_seen_at > dt.timedelta(minutes=settings.idle_timeout_minutes)
        too_old = now - login.created_at > dt.timedelta(hours=settings.absolute_timeout_hours)
        expired = idle or too_old or not login.active
        stale = now - login.last_seen_at > TOUCH_EVERY
        current = current_user_of(login, token)
    if expired or stale:
        with current_db().begin() as db:
            if expired:
                user_queries.end_login_session(db, current.login_session_id)
            else:
                user_queries.touch_login_session(db, current.login_session_id, now)
    return None if expired else current
