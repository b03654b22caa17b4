"""The account security page: set up, or turn off, the second sign-in step (TOTP).

A plain Flask page like the password form, so an admin who must enrol before anything
else opens can do it without the Dash app. The secret being set up is kept in the
database (``totp_secret`` with ``totp_enabled_at`` empty), never trusted from the browser.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from dashboard.auth import totp
from dashboard.auth.access import CurrentUser
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db
from dashboard.db import throttle as throttle_queries
from dashboard.db import users as user_queries
from dashboard.db.models import utcnow

blueprint = Blueprint("account", __name__, template_folder="templates")

SECURITY_PATH = "/account/security"
WRONG_CODE = ("That code is not right, or was already used. Enter the current code from "
              "your authenticator app.")


def _caller() -> CurrentUser:
    # The guard in login.py lets only a live login session reach this page.
    return current_user._get_current_object()


def _page(*, error: str = "", message: str = "", status: int = 200) -> Response:
    """The page as it stands for the caller; a new secret is made when setting up starts."""
    me = _caller()
    with current_db().read() as db:
        user = user_queries.get_user(db, me.id)
        assert user is not None  # a live login session implies the user row
        enabled_at, secret = user.totp_enabled_at, user.totp_secret
    setup: dict[str, str] | None = None
    if enabled_at is None:
        if secret is None:
            # Shown only to this user, on this page, until a code from it is confirmed.
            secret = totp.new_secret()
            with current_db().begin() as db:
                user_queries.start_totp_enrolment(db, me.id, secret)
                record_audit(db, user_id=me.id, action="totp_setup_started", entity="user",
                             entity_id=me.id, ip=client_ip())
        uri = totp.provisioning_uri(secret, me.email)
        setup = {"svg": totp.qr_svg(uri), "secret": totp.grouped(secret)}
    html = render_template("security.html", error=error, message=message, setup=setup,
                           enabled_at=enabled_at, required=me.is_admin,
                           must_enrol=me.is_admin and enabled_at is None)
    return Response(html, status=status, mimetype="text/html")


@blueprint.get(SECURITY_PATH)
def security_page() -> Response:
    return _page()


@blueprint.post(SECURITY_PATH)
def security_submit() -> Response:
    """``action=enable`` confirms a code from the new secret; ``action=disable`` needs a
    current code too, so a session left open on a shared computer cannot turn it off."""
    me = _caller()
    action = request.form.get("action")
    if action not in ("enable", "disable"):
        return _page(error="Unknown request.", status=400)
    if action == "disable" and me.is_admin:
        return _page(error="Two-step sign-in is required for admins. Another admin can "
                     "reset it if you change phone.", status=400)
    ip = client_ip()
    now = utcnow()
    with current_db().read() as db:
        user = user_queries.get_user(db, me.id)
        assert user is not None
    if (action == "enable") != (user.totp_enabled_at is None):
        return _page()  # already in the state asked for (a second tab, a reload)
    # Guessing codes here is slowed down like guessing them at sign-in (the same counters).
    with current_db().begin() as db:
        wait = throttle_queries.take_attempt(db, email=me.email, ip=ip, now=now)
    if wait:
        return _page(error=f"Too many wrong codes. Please wait {wait} seconds and try "
                     "again.", status=429)
    step = totp.accepted_step(user.totp_secret or "", request.form.get("code"),
                              user.totp_last_step, now)
    with current_db().begin() as db:
        if step is None or not user_queries.use_totp_step(db, me.id, step,
                                                          enable=action == "enable"):
            # Guessing codes here is slowed down like guessing them at sign-in.
            user_queries.record_failed_login(db, email=me.email, ip=ip)
            record_audit(db, user_id=me.id, action="totp_code_refused", entity="user",
                         entity_id=me.id, ip=ip, detail={"action": action})
            failed = True
        else:
            throttle_queries.attempt_succeeded(db, email=me.email, ip=ip)
            if action == "disable":
                user_queries.clear_totp(db, me.id)
            record_audit(db, user_id=me.id, action=f"totp_{action}d", entity="user",
                         entity_id=me.id, ip=ip)
            failed = False
    if failed:
        return _page(error=WRONG_CODE, status=400)
    return _page(message="Two-step sign-in is on. From now on you will be asked for a code "
                 "after your password." if action == "enable" else
                 "Two-step sign-in is off.")
