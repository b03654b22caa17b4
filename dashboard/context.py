"""Per-request context: the app's database and settings, and the caller's address.

They live on the Flask app (``app.extensions``), never in module globals, so several
workers and the test suite's per-test databases stay apart.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import quote

import dash
from dash import callback_context
from flask import Response, current_app, has_request_context, request
from sqlalchemy.orm import Session
from werkzeug.routing import BaseConverter, ValidationError

from dashboard.config import Settings
from dashboard.db.client_links import live_link_url
from dashboard.db.engine import Database
from dashboard.db.models import utcnow
from dashboard.domain.access import CurrentUser, NotAuthenticated
from dashboard.domain.ids import parse_id

if TYPE_CHECKING:
    from dashboard.jobs import Jobs

LOCAL_URL = "http://127.0.0.1:8050"
DB_KEY = "dashboard.db"
SETTINGS_KEY = "dashboard.settings"
JOBS_KEY = "dashboard.jobs"


def current_db() -> Database:
    return current_app.extensions[DB_KEY]


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]


def current_jobs() -> Jobs:
    """The app's background work (jobs.py): an executor here, or Celery on Redis."""
    return current_app.extensions[JOBS_KEY]


def client_ip() -> str:
    # Behind a trusted proxy (TRUSTED_PROXIES), auth/proxies.py made this the client's.
    return request.remote_addr or ""


def public_base_url(settings: Settings) -> str:
    """The address clients open the app at: PUBLIC_URL, else this request's, else local."""
    if settings.public_url:
        return settings.public_url
    if has_request_context():
        return request.host_url.rstrip("/")
    return LOCAL_URL


def own_link_url(session: Session, client_id: int, base_url: str | None = None) -> str:
    """The client's live link to their own page (to show or print), or "" if none;
    ``base_url``: the address the app was asked at, for a background job with no request."""
    settings = current_settings()
    return live_link_url(session, client_id=client_id, secret_key=settings.secret_key,
                         base_url=base_url or public_base_url(settings), now=utcnow())


def lay_out_handout_ahead(client_id: int) -> None:
    """The handout usually follows a new plan or a new link: lay it out now, off the
    request (the app's bounded pool, or a Celery worker: jobs.py), with the client's live
    link at the address this request came to, so the download finds the very same
    document ready."""
    settings = current_settings()
    if settings.prerender_handouts:
        current_jobs().lay_out_handout_ahead(current_db(), client_id, public_base_url(settings))


def lay_out_handout_elsewhere(client_id: int, version: int, page_size: str) -> str | None:
    """A download that found no handout laid out: have a worker lay it out (several hosts:
    jobs.py) with the client's live link at this request's address. The SHA-256 of the
    HTML it laid out, or None where no worker does it (one machine, or none answered)."""
    return current_jobs().lay_out_for_download(
        client_id, version=version, page_size=page_size,
        base_url=public_base_url(current_settings()))


def background_base_url() -> str | None:
    """In a background callback: the app's address as the request that started it saw it
    (the custom_data hook in app.py)."""
    return callback_context.custom_data.get("base_url")


def background_ip() -> str:
    """In a background callback: the caller's address as the request that started it saw
    it (the custom_data hook in app.py), for the audit log."""
    return callback_context.custom_data.get("ip") or ""


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


class IdConverter(BaseConverter):
    """``<id:name>`` in a route: a record id by the one parser (domain/ids.py), so a URL
    with a number past the database's range, or non-ASCII digits, is a 404, not a 500."""

    regex = r"[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: object) -> str:
        return str(value)


def content_disposition(filename: str) -> str:
    """``attachment`` with the filename as RFC 6266 asks: an ASCII fallback for old clients
    and the exact name in UTF-8 (RFC 5987), so a Polish, Greek, Arabic, Chinese or emoji
    name downloads instead of failing in the header (which must be Latin-1)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-.") or "download"
    ascii_ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    fallback = f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem
    exact = quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file for the browser to save (PDF handouts, FHIR bundles)."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(filename)})
