"""Sign-in wired into the Flask server: the session cookie's settings, Flask-Login's
loader, the sign-in, password, health and account routes, the request guards, the security
headers and the audit of refusals."""

from __future__ import annotations

import datetime as dt

from flask import Flask, jsonify
from flask_login import LoginManager

from dashboard.auth.access import AccessDenied, NotAuthenticated
from dashboard.auth.account import blueprint as account_blueprint
from dashboard.auth.guards import refuse_anonymous, refuse_cross_site
from dashboard.auth.headers import init_headers
from dashboard.auth.health import blueprint as health_blueprint
from dashboard.auth.login import blueprint as login_blueprint
from dashboard.auth.login_sessions import load_user
from dashboard.auth.password_page import blueprint as password_blueprint
from dashboard.auth.refusals import init_refusal_audit


def init_auth(server: Flask) -> None:
    settings = server.extensions["dashboard.settings"]
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="dashboard_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.absolute_timeout_hours),
    )
    manager = LoginManager()
    manager.user_loader(load_user)
    manager.init_app(server)
    server.register_blueprint(login_blueprint)
    server.register_blueprint(password_blueprint)
    server.register_blueprint(health_blueprint)
    server.register_blueprint(account_blueprint)
    server.before_request(refuse_cross_site)
    server.before_request(refuse_anonymous)
    init_headers(server)
    init_refusal_audit(server)
    server.register_error_handler(
        AccessDenied, lambda _e: (jsonify(error="not permitted"), 403))
    server.register_error_handler(
        NotAuthenticated, lambda _e: (jsonify(error="authentication required"), 401))
