"""Signing in and out as plain Flask routes: the password step, the authenticator code for
whoever has one, the login session started once every factor is checked, and sign-out.
The login session itself is auth/login_sessions.py; the guards every other route passes
are auth/guards.py; the password page is auth/password_page.py."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import Session

from dashboard.auth import totp
from dashboard.auth.access import CurrentUser
from dashboard.auth.audit import record_audit
from dashboard.auth.login_sessions import current_user_of, token_hash
from dashboard.auth.passwords import hash_password, needs_rehash, verify_password
from dashboard.auth.paths import CODE_PATH, LOGIN_PATH, LOGOUT_PATH
from dashboard.context import client_ip, current_db
from dashboard.db import throttle as throttle_queries
from dashboard.db import users as user_queries
from dashboard.db.clinic import get_clinic
from dashboard.db.models import User, utcnow
from dashboard.db.users import LiveLogin

blueprint = Blueprint("auth", __name__, template_folder="templates")

# Between the password and the code: a random token in the signed session cookie whose hash
# names a server-side PendingLogin row (who, since when); no login session exists yet.
PENDING_KEY = "login_pending"


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the login form cannot be used to redirect elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _clinic_name() -> str:
    with current_db().read() as db:
        clinic = get_clinic(db)
        return clinic.name if clinic else ""


def _login_form(error: str = "", email: str = "", status: int = 200, message: str = "") -> Response:
    html = render_template("login.html", error=error, email=email, message=message,
                           next_url=safe_next(request.values.get("next")),
                           clinic_name=_clinic_name())
    return Response(html, status=status, mimetype="text/html")


@blueprint.get(LOGIN_PATH)
def login_form() -> Response:
    message = ("Your session has ended. Please sign in again."
               if request.args.get("expired") else "")
    return _login_form(message=message)


def take_attempt(email: str, ip: str) -> int:
    """Counts a password or code attempt before it is checked (domain/throttle.py): seconds
    to wait if this one may not be checked now, else 0. Its own short transaction, so the
    counting is in the database before argon2's 100 ms start."""
    with current_db().begin() as db:
        return throttle_queries.take_attempt(db, email=email, ip=ip, now=utcnow())


def too_many(wait: int) -> str:
    return f"Too many failed attempts. Please wait {wait} seconds and try again."


@blueprint.post(LOGIN_PATH)
def login_submit() -> Response:
    email = (request.form.get("email") or "").strip()[:254]
    password = request.form.get("password") or ""
    ip = client_ip()
    wait = take_attempt(email, ip)
    if wait:
        return _login_form(too_many(wait), email, status=429)
    with current_db().read() as db:
        user = user_queries.get_user_by_email(db, email) if email else None
    # argon2 takes ~100 ms by design: checked outside any transaction, so no lock is held.
    ok = verify_password(user.password_hash if user else None, password)
    with current_db().begin() as db:
        if not ok or user is None or not user.active:
            user_queries.record_failed_login(db, email=email, ip=ip)
            record_audit(db, user_id=user.id if user else None, action="login_failed",
                         entity="user", ip=ip, detail={"email": email, "step": "password"})
            return _login_form("Email or password is incorrect.", email, status=401)
        throttle_queries.attempt_succeeded(db, email=email, ip=ip)
        if _temporary_password_expired(user):
            record_audit(db, user_id=user.id, action="login_refused", entity="user",
                         entity_id=user.id, ip=ip, detail={"reason": "one-time password expired"})
            return _login_form("This one-time password has expired. Ask an admin to reset "
                               "your password.", email, status=401)
        if needs_rehash(user.password_hash):
            user_queries.set_password_hash(db, user.id, hash_password(password))
        next_url = safe_next(request.form.get("next"))
        if user.totp_enabled_at is None:
            return _signed_in(_start_login(db, user, ip), next_url)
        pending_token = secrets.token_urlsafe(32)
        user_queries.start_pending_login(db, user_id=user.id,
                                         token_hash=token_hash(pending_token))
        record_audit(db, user_id=user.id, action="login_code_asked", entity="user",
                     entity_id=user.id, ip=ip)
    # A fresh cookie after the password: nothing from before carries over (no fixation);
    # no login session until the code is right.
    session.clear()
    session[PENDING_KEY] = {"token": pending_token, "next": next_url}
    return _code_form()


def _temporary_password_expired(user: User) -> bool:
    expires = user.temporary_password_expires_at
    if not user.must_change_password or expires is None:
        return False
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    return utcnow() > expires


def _start_login(db: Session, user: User, ip: str, **detail: object) -> CurrentUser:
    """The server-side login session, audited; only once every factor has been checked."""
    token = secrets.token_urlsafe(32)
    login = user_queries.start_login_session(
        db, user_id=user.id, token_hash=token_hash(token), ip=ip,
        user_agent=request.headers.get("User-Agent", ""))
    record_audit(db, user_id=user.id, action="login", entity="user",
                 entity_id=user.id, ip=ip, detail=detail or None)
    return current_user_of(LiveLogin(
        login.id, login.created_at, login.last_seen_at, user.id, user.email, user.name,
        user.role, user.active, user.must_change_password, user.totp_enabled_at is not None),
        token)


def _signed_in(current: CurrentUser, next_url: str) -> Response:
    # A fresh cookie at login: nothing from before the login carries over (no fixation).
    session.clear()
    session.permanent = True
    login_user(current)
    return redirect(next_url)  # type: ignore[return-value]


def _code_form(error: str = "", status: int = 200) -> Response:
    html = render_template("login_code.html", error=error, clinic_name=_clinic_name())
    return Response(html, status=status, mimetype="text/html")


def _pending() -> tuple[str, int, str] | None:
    """The password step passed in this browser less than five minutes ago and not used
    yet: its token's hash, the user's id and where to go next. Checked against the server's
    record, so a cookie minted with the SECRET_KEY alone names nothing."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("token"), str):
        return None
    hashed = token_hash(pending["token"])
    since = utcnow() - dt.timedelta(seconds=totp.PENDING_SECONDS)
    with current_db().read() as db:
        user_id = user_queries.pending_login_user(db, hashed, since=since)
    if user_id is None:
        return None
    return hashed, user_id, safe_next(pending.get("next"))


@blueprint.get(CODE_PATH)
def code_form() -> Response:
    if _pending() is None:
        return redirect("/login")  # type: ignore[return-value]
    return _code_form()


@blueprint.post(CODE_PATH)
def code_submit() -> Response:
    """The second step: a code from the user's authenticator app, each time step once."""
    pending = _pending()
    if pending is None:
        session.pop(PENDING_KEY, None)
        return _login_form(message="Sign-in took too long. Please sign in again.",
                           status=401)
    pending_hash, user_id, next_url = pending
    ip = client_ip()
    with current_db().read() as db:
        user = user_queries.get_user(db, user_id)
    if user is None or not user.active or user.totp_enabled_at is None:
        session.pop(PENDING_KEY, None)
        return _login_form("Please sign in again.", status=401)
    wait = take_attempt(user.email, ip)
    if wait:
        return _code_form(too_many(wait), status=429)
    with current_db().begin() as db:
        step = totp.accepted_step(user.totp_secret or "", request.form.get("code"),
                                  user.totp_last_step)
        # The step is taken in the same transaction as the login: a racing request with
        # the same code finds it used.
        if step is None or not user_queries.use_totp_step(db, user.id, step):
            # Wrong codes count towards the same slow-down as wrong passwords.
            user_queries.record_failed_login(db, email=user.email, ip=ip)
            record_audit(db, user_id=user.id, action="login_failed", entity="user",
                         entity_id=user.id, ip=ip, detail={"email": user.email, "step": "code"})
            return _code_form("That code is not right, or was already used. Enter the "
                              "current code from your authenticator app.", status=401)
        if not user_queries.end_pending_login(db, pending_hash):
            db.rollback()  # a second tab used this password step already
            return _login_form("Please sign in again.", status=401)
        throttle_queries.attempt_succeeded(db, email=user.email, ip=ip)
        current = _start_login(db, user, ip, second_factor="totp")
    return _signed_in(current, next_url)


@blueprint.get(LOGOUT_PATH)
def logout_form() -> Response:
    """A GET never signs anyone out (a link or image on another site could): it shows the
    button that posts the sign-out from this page."""
    if not current_user.is_authenticated:
        return redirect("/login")  # type: ignore[return-value]
    return Response(render_template("logout.html"), mimetype="text/html")


@blueprint.post(LOGOUT_PATH)
def logout() -> Response:
    user = current_user._get_current_object()
    if isinstance(user, CurrentUser):
        with current_db().begin() as db:
            user_queries.end_login_session(db, user.login_session_id)
            record_audit(db, user_id=user.id, action="logout", entity="user", entity_id=user.id,
                         ip=client_ip())
    logout_user()
    session.clear()
    return redirect("/login")  # type: ignore[return-value]


