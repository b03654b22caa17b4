"""The app factory: ``create_app(settings) -> Dash``; gunicorn serves ``dashboard.wsgi:server``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import dash
from dash import Dash, hooks, html
from flask import Flask, has_request_context, request
from flask_compress import Compress

from dashboard.auth.access import AccessDenied, current_user_or_none, is_admin_only
from dashboard.auth.headers import CSP_KEY, content_security_policy
from dashboard.auth.proxies import TrustedProxies
from dashboard.auth.setup import init_auth
from dashboard.client_page import init_client_page
from dashboard.components.navbar import navbar
from dashboard.config import Settings
from dashboard.context import (
    DB_KEY,
    SETTINGS_KEY,
    IdConverter,
    client_ip,
    current_settings,
    public_base_url,
)
from dashboard.db.engine import Database
from dashboard.domain.dates import template_filters
from dashboard.fhir import routes as fhir_routes
from dashboard.handout import outcomes_routes, summary_routes
from dashboard.handout import pictures as picture_routes
from dashboard.handout import routes as handout_routes
from dashboard.jobs import JOBS_KEY, make_jobs

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
{%app_entry%}
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>"""


def shell_layout() -> html.Div:
    """Navbar by role around the page container; built per request for the caller.

    Dash also calls this once outside any login to validate the layout, so it must not
    fail without a user; the data itself is only ever in the pages, which require one.
    """
    user = current_user_or_none() if has_request_context() else None
    return html.Div([
        navbar(user),
        html.Main(dash.page_container, id="main", className="container-fluid py-3",
                  tabIndex="-1"),
    ])


def _requested_callback() -> object:
    """The function of the callback this request asks for (Dash's registry), if any."""
    body = request.get_json(silent=True) if request.path == "/_dash-update-component" else None
    output = body.get("output") if isinstance(body, dict) else None
    entry = dash.get_app().callback_map.get(output) if isinstance(output, str) else None
    return entry.get("callback") if isinstance(entry, dict) else None


@hooks.custom_data("base_url")
def _base_url_for_background_jobs(_context: object) -> str | None:
    """The address the app was asked at, for links a background job prints (a batch of
    handouts with each client's own link); a job has no request to read it from."""
    return public_base_url(current_settings()) if has_request_context() else None


@hooks.custom_data("ip")
def _address_for_background_jobs(_context: object) -> str | None:
    """The caller's address (behind a trusted proxy, the client's), for the audit entry a
    background job writes; a job has no request to read it from."""
    return client_ip() if has_request_context() else None


@hooks.custom_data("auth")
def _caller_for_background_jobs(_context: object) -> dict | None:
    """Who made the request, checked here on the server while it has the login session, and
    handed to background callbacks, which run in another process with no request.

    Runs in the request before any callback: an ``admin_only`` callback asked for by anyone
    else is refused here with 403 and audited, before a background job could start."""
    user = current_user_or_none() if has_request_context() else None
    if has_request_context() and is_admin_only(_requested_callback()) and not (
            user and user.is_admin):
        raise AccessDenied("admins only")
    return asdict(user) if user else None


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    server = Flask("dashboard")
    server.jinja_env.filters.update(template_filters())
    server.extensions[SETTINGS_KEY] = settings
    server.extensions[DB_KEY] = Database(settings.database_url)
    jobs = server.extensions[JOBS_KEY] = make_jobs(settings, server)
    if settings.trusted_proxies:
        # The client's address (throttles, audit log) from the load balancer's header.
        server.wsgi_app = TrustedProxies(  # type: ignore[method-assign]  # Flask's documented way
            server.wsgi_app, settings.trusted_proxies)
    # Every id in a route goes through the one parser: <id:client_id>, never <int:...>.
    server.url_map.converters["id"] = IdConverter
    init_auth(server)
    # Compressed responses: page layouts and callback answers are JSON, 10x smaller.
    # Files (Dash's bundles, assets) are streamed: Flask-Compress 1.25 leaves their file
    # handles open when it compresses a stream, so those are left to the browser's cache
    # (Dash fingerprints them) and, in production, the HTTPS proxy in front.
    server.config.update(COMPRESS_LEVEL=5, COMPRESS_MIN_SIZE=1024,
                         COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_STREAMS=False)
    Compress(server)
    server.register_blueprint(handout_routes.blueprint)
    server.register_blueprint(fhir_routes.blueprint)
    server.register_blueprint(summary_routes.blueprint)
    server.register_blueprint(picture_routes.blueprint)
    server.register_blueprint(outcomes_routes.blueprint)
    init_client_page(server)
    app = Dash(
        "dashboard",
        # A batch of handouts, a CSV import: in a process here, or on Celery (jobs.py).
        background_callback_manager=jobs.callback_manager,
        server=server,  # type: ignore[arg-type]  # Dash's hint omits a Flask app; it takes one
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        title="Back Pain Care Dashboard",
        update_title=None,  # type: ignore[arg-type]  # None: no "Updating..." title; allowed
        suppress_callback_exceptions=True,
        index_string=INDEX_STRING,
        external_stylesheets=[],
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    # Bootstrap's CSS is served from assets/ (no CDN): the app works offline.
    app.layout = shell_layout
    # Dash registers its last inline script (the pages router's document-title callback)
    # while serving its first request: one request to the health check makes that happen
    # now, so the hashes below cover every inline script Dash will write into a page.
    server.test_client().get("/healthz")
    server.config[CSP_KEY] = content_security_policy(app.csp_hashes())
    return app
