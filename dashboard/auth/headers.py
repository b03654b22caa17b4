"""Security headers on every response, and error pages that tell an attacker nothing.

The Content-Security-Policy is built once per app from Dash's own hashes of its inline
scripts (the renderer's start-up line and the clientside callbacks), so no inline script
other than those can run: an injected ``<script>`` or ``onerror=`` does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

CSP_KEY = "DASHBOARD_CSP"
log = logging.getLogger(__name__)


def content_security_policy(script_hashes: Sequence[str] = ()) -> str:
    directives = {
        "default-src": ["'self'"],
        # Dash's bundles are served by the app itself; its inline scripts by hash only.
        "script-src": ["'self'", *script_hashes],
        # Plotly and dash-bootstrap-components set style attributes on elements as they
        # draw (sizes, positions, colours of every SVG part and tooltip), and Plotly adds
        # <style> rules at run time: without 'unsafe-inline' graphs draw blank. Styles
        # cannot run code, so scripts stay locked down.
        "style-src": ["'self'", "'unsafe-inline'"],
        # Plotly's heatmaps are drawn as data: images; downloads are blob: links.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(response: Response) -> Response:
    policy = current_app.config.get(CSP_KEY) or content_security_policy()
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/assets/"):
        # Health data: never kept in shared or browser caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


GENERIC_ERROR = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Something "
                 "went wrong · Back Pain Care Dashboard</title></head><body><main><h1>Something "
                 "went wrong</h1><p>The error has been logged. Please try again, or tell your "
                 "clinic admin what you were doing.</p><p><a href=\"/\">Back to the dashboard"
                 "</a></p></main></body></html>")


def unexpected_error(error: Exception) -> Response | HTTPException:
    """Any error the app did not expect: logged on the server with its traceback, answered
    with a plain message (no traceback, no SQL, no file paths) in the browser."""
    if isinstance(error, HTTPException):
        return error  # 404, 405...: Flask's own short pages, no detail
    log.exception("unexpected error on %s %s", request.method, request.path)
    if request.path.startswith("/_"):
        return Response('{"error": "server error"}', status=500, mimetype="application/json")
    return Response(GENERIC_ERROR, status=500, mimetype="text/html")


def init_headers(server: Flask) -> None:
    server.after_request(security_headers)
    server.register_error_handler(Exception, unexpected_error)
