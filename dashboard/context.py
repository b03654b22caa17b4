"""Per-request context: the app's database and settings, and the caller's address.

They live on the Flask app (``app.extensions``), never in module globals, so several
workers and the test suite's per-test databases stay apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import dash
from dash import callback_context
from flask import Response, current_app, has_request_context, request
from sqlalchemy.orm import Session

from dashboard.auth.access import CurrentUser, NotAuthenticated
from dashboard.config import Settings
from dashboard.db.client_links import live_link
from dashboard.db.engine import Database
from dashboard.db.models import utcnow
from dashboard.domain.home_log import client_link_url

LOCAL_URL = "http://127.0.0.1:8050"
DB_KEY = "dashboard.db"
SETTINGS_KEY = "dashboard.settings"


def current_db() -> Database:
    return current_app.extensions[DB_KEY]


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]


def client_ip() -> str:
    # Behind a proxy, gunicorn's --forwarded-allow-ips makes remote_addr the real address.
    return request.remote_addr or ""


def public_base_url(settings: Settings) -> str:
    """The address clients open the app at: PUBLIC_URL, else this request's, else local."""
    if settings.public_url:
        return settings.public_url
    if has_request_context():
        return request.host_url.rstrip("/")
    return LOCAL_URL


def own_link_url(session: Session, client_id: int) -> str:
    """The client's live link to their own page (to show or print), or "" if none."""
    settings = current_settings()
    link = live_link(session, client_id=client_id, secret_key=settings.secret_key,
                     now=utcnow())
    return client_link_url(public_base_url(settings), link.token) if link and link.token else ""


def clinic_today() -> dt.date:
    """Today in the clinic's time zone: "today" and "in the future" are judged there."""
    return dt.datetime.now(current_settings().tz).date()


def background_caller() -> CurrentUser:
    """In a background callback: the caller as the server identified them when the request
    came in (the custom_data hook in app.py), never anything the browser sent."""
    caller = callback_context.custom_data.get("auth")
    if not caller:
        raise NotAuthenticated()
    return CurrentUser(**caller)


@contextmanager
def job_database() -> Iterator[Database]:
    """In a background process: the app's database through a fresh engine, since pooled
    connections must not be shared with the parent process."""
    server = dash.get_app().server
    with server.app_context():
        database = Database(current_db().url)
        try:
            yield database
        finally:
            database.dispose()


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file for the browser to save (PDF handouts, FHIR bundles)."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
