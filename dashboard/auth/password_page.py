"""Every user changes their own password here (a temporary one set by an admin must be
changed before anything else opens: auth/guards.py). Guessing the current password is
slowed and audited with the sign-in's counters."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from dashboard.auth.audit import record_audit
from dashboard.auth.login import take_attempt, too_many
from dashboard.auth.passwords import hash_password, verify_password
from dashboard.auth.paths import PASSWORD_PATH
from dashboard.context import client_ip, current_db
from dashboard.db import throttle as throttle_queries
from dashboard.db import users as user_queries
from dashboard.domain.passwords import password_problem

blueprint = Blueprint("password", __name__, template_folder="templates")


def _password_form(error: str = "", done: bool = False, status: int = 200) -> Response:
    user = current_user._get_current_object()
    html = render_template("password.html", error=error, done=done,
                           required=not done and getattr(user, "must_change_password", False))
    return Response(html, status=status, mimetype="text/html")


@blueprint.get(PASSWORD_PATH)
def password_form() -> Response:
    return _password_form()


@blueprint.post(PASSWORD_PATH)
def password_submit() -> Response:
    """Every user changes their own password here; a temporary one must be changed first."""
    user = current_user._get_current_object()
    current_pw = request.form.get("current") or ""
    new = request.form.get("new") or ""
    if new != (request.form.get("repeat") or ""):
        return _password_form("The two new passwords differ.", status=400)
    problem = password_problem(new)
    if problem:
        return _password_form(problem, status=400)
    ip = client_ip()
    # Guessing the current password here (a session left open) is slowed and audited like
    # guessing it at sign-in: the same counters.
    wait = take_attempt(user.email, ip)
    if wait:
        return _password_form(too_many(wait), status=429)
    with current_db().read() as db:
        stored = user_queries.get_user_by_email(db, user.email)
    if stored is None or not verify_password(stored.password_hash, current_pw):
        with current_db().begin() as db:
            user_queries.record_failed_login(db, email=user.email, ip=ip)
            record_audit(db, user_id=user.id, action="password_change_refused",
                         entity="user", entity_id=user.id, ip=ip,
                         detail={"step": "current password"})
        return _password_form("The current password is not right.", status=400)
    with current_db().begin() as db:
        throttle_queries.attempt_succeeded(db, email=user.email, ip=ip)
    if new == current_pw:
        return _password_form("Choose a password different from the current one.", status=400)
    with current_db().begin() as db:
        user_queries.set_password_hash(db, user.id, hash_password(new), must_change=False)
        # A stolen cookie stops working: every other login of this user ends now.
        ended = user_queries.end_all_login_sessions(db, user.id, keep=user.login_session_id)
        record_audit(db, user_id=user.id, action="password_changed", entity="user",
                     entity_id=user.id, ip=ip, detail={"other_sessions_ended": ended})
    return _password_form(done=True)
