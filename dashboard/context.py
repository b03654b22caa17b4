"""Per-request context: the app's database and settings, and the caller's address.

They live on the Flask app (``app.extensions``), never in module globals, so several
workers and the test suite's per-test databases stay apart.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, request

from dashboard.config import Settings
from dashboard.db.engine import Database

DB_KEY = "dashboard.db"
SETTINGS_KEY = "dashboard.settings"


def current_db() -> Database:
    return current_app.extensions[DB_KEY]


def current_settings() -> Settings:
    return current_app.extensions[SETTINGS_KEY]


def client_ip() -> str:
    # Behind a proxy, gunicorn's --forwarded-allow-ips makes remote_addr the real address.
    return request.remote_addr or ""


def clinic_today() -> dt.date:
    """Today in the clinic's time zone: "today" and "in the future" are judged there."""
    return dt.datetime.now(current_settings().tz).date()
