"""Login and logout as plain Flask routes, the server-side session record, and the guard
that refuses every other route without a live session."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import quote, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.orm import Session

from dashboard.auth import totp
from dashboard.auth.access import AccessDenied, CurrentUser, NotAuthenticated
from dashboard.auth.account import SECURITY_PATH
from dashboard.auth.account import blueprint as account_blueprint
from dashboard.auth.audit import record_audit
from dashboard.auth.headers import init_headers
from dashboard.auth.passwords import hash_password, needs_rehash, verify_password
from dashboard.auth.refusals import init_refusal_audit
from dashboard.context import client_ip, current_db, current_settings
from dashboard.db import throttle as throttle_queries
from dashboard.db import users as user_queries
from dashboard.db.clinic import get_clinic
from dashboard.db.models import LoginSession, User, utcnow
from dashboard.domain.passwords import password_problem

blueprint = Blueprint("auth", __name__, template_folder="templates")

CODE_PATH = "/login/code"
PUBLIC_PATHS = frozenset({"/login", CODE_PATH, "/logout", "/healthz"})
# Between the password and the code: a random token in the signed session cookie whose hash
# names a server-side PendingLogin row (who, since when); no login session exists yet.
PENDING_KEY = "login_pending"
PASSWORD_PATH = "/account/password"  # noqa: S105 - a route, not a secret
# The client's own page: its token (or the cookie it was traded for) is the key, checked
# by the page itself (dashboard/client_page/client.py).
PUBLIC_PREFIXES = ("/assets/", "/my/")
# Routes anyone may open, by the route matched (not by a path prefix, which
# "/pictures/../clients" would also start with): catalogue pictures (handout/pictures.py).
PUBLIC_ENDPOINTS = frozenset({"pictures.picture"})
# Refreshing last-seen on every request would make every read a write.
TOUCH_EVERY = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current(user: User, login: LoginSession, token: str) -> CurrentUser:
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=user.role,
                       login_session_id=login.id, token=token,
                       must_change_password=user.must_change_password,
                       needs_totp=user.role == "admin" and user.totp_enabled_at is None)


def load_user(token: str) -> CurrentUser | None:
    """Flask-Login's user loader: a live, unexpired login session of an active user.

    Runs on every request, so it only reads; it takes the write lock (briefly) just to end
    an expired session or to refresh last-seen once a minute.
    """
    settings = current_settings()
    now = utcnow()
    with current_db().read() as db:
        found = user_queries.find_live_login(db, token_hash(token))
        if found is None:
            return None
        login, user = found
        idle = now - login.last_seen_at > dt.timedelta(minutes=settings.idle_timeout_minutes)
        too_old = now - login.created_at > dt.timedelta(hours=settings.absolute_timeout_hours)
        expired = idle or too_old or not user.active
        stale = now - login.last_seen_at > TOUCH_EVERY
        current = _current(user, login, token)
    if expired or stale:
        with current_db().begin() as db:
            if expired:
                user_queries.end_login_session(db, current.login_session_id)
            else:
                user_queries.touch_login_session(db, current.login_session_id, now)
    return None if expired else current


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


@blueprint.get("/login")
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


def _too_many(wait: int) -> str:
    return f"Too many failed attempts. Please wait {wait} seconds and try again."


@blueprint.post("/login")
def login_submit() -> Response:
    email = (request.form.get("email") or "").strip()[:254]
    password = request.form.get("password") or ""
    ip = client_ip()
    wait = take_attempt(email, ip)
    if wait:
        return _login_form(_too_many(wait), email, status=429)
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
    return _current(user, login, token)


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
        return _code_form(_too_many(wait), status=429)
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


@blueprint.get("/logout")
def logout_form() -> Response:
    """A GET never signs anyone out (a link or image on another site could): it shows the
    button that posts the sign-out from this page."""
    if not current_user.is_authenticated:
        return redirect("/login")  # type: ignore[return-value]
    return Response(render_template("logout.html"), mimetype="text/html")


@blueprint.post("/logout")
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
        return _password_form(_too_many(wait), status=429)
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


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


def _is_public() -> bool:
    """The login pages, the health check, and files the assets route really serves. Judged by
    the route that matched, not the path's prefix: ``/assets//x`` is no asset (Dash's
    catch-all answers it with the app's shell), so it is not public."""
    if request.path in PUBLIC_PATHS:
        return True
    rule = request.url_rule
    return rule is not None and rule.rule.startswith(PUBLIC_PREFIXES)


def _refuse_anonymous() -> Response | None:
    if _is_public():
        return None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        if current_user.must_change_password and request.path != PASSWORD_PATH:
            # A temporary password set by an admin opens nothing but the change form.
            if request.path.startswith("/_") or request.method != "GET":
                return Response('{"error": "password change required"}', status=403,
                                mimetype="application/json")
            return redirect(PASSWORD_PATH)  # type: ignore[return-value]
        if current_user.needs_totp and request.path not in (SECURITY_PATH, PASSWORD_PATH):
            # Admins must have a second factor: until they enrol, only that page opens.
            if request.path.startswith("/_") or request.method != "GET":
                return Response('{"error": "two-step sign-in required"}', status=403,
                                mimetype="application/json")
            return redirect(SECURITY_PATH)  # type: ignore[return-value]
        return None
    if request.path.startswith("/_") or request.method != "GET":
        # Dash's own routes (layout, callbacks, dependencies) answer 401 with no data.
        return Response('{"error": "authentication required"}', status=401,
                        mimetype="application/json")
    # Quoted: a path with a line break or "&" stays one harmless query value.
    target = quote(request.full_path.rstrip("?"), safe="/", errors="surrogatepass")
    return redirect(f"/login?next={target}")  # type: ignore[return-value]


CROSS_SITE_REFUSED = '{"error": "cross-site request refused"}'
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Posts authorised by a token in their own address and nothing else (no cookie is read, so
# a forged post gains nothing a stranger could not do with the token): a mail program's
# one-click unsubscribe (RFC 8058) is posted by the mail provider's server, with no
# Origin or Sec-Fetch-Site.
TOKEN_ONLY_POST_ENDPOINTS = frozenset({"client_page.unsubscribe_post"})


def same_origin_request() -> bool:
    """Whether the browser says this request comes from the app's own pages.

    Browsers send ``Sec-Fetch-Site`` (since 2020) and ``Origin`` with every POST, and a page
    cannot set either. ``Sec-Fetch-Site``, when sent, decides: only ``same-origin`` passes
    (``same-site`` is a sibling subdomain, ``none`` a typed address, ``cross-site`` anyone
    else, a sandboxed frame included). Without it (an older browser) ``Origin`` must name
    this host: ``Origin: null`` (a sandboxed frame, a redirect from elsewhere) is refused.
    ``null`` passes only beside ``Sec-Fetch-Site: same-origin``: that is what a browser sends
    for a form posted from one of our own pages with ``Referrer-Policy: no-referrer`` (the
    client's page). A request with neither header is refused.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site") or None  # empty counts as absent
    origin = request.headers.get("Origin") or None
    if fetch_site is not None:
        return fetch_site == "same-origin" and (
            origin in (None, "null") or urlsplit(origin).netloc == request.host)
    return origin is not None and origin != "null" and urlsplit(origin).netloc == request.host


def _refuse_cross_site() -> Response | None:
    """Requests that change data must come from the app's own pages (login CSRF, forged
    callback posts): the one guard for every method but GET, HEAD and OPTIONS, which never
    change anything (writes happen only on a same-origin POST)."""
    if request.method in SAFE_METHODS or same_origin_request():
        return None
    if request.endpoint in TOKEN_ONLY_POST_ENDPOINTS:
        return None
    return Response(CROSS_SITE_REFUSED, status=403, mimetype="application/json")


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
    server.register_blueprint(blueprint)
    server.register_blueprint(account_blueprint)
    server.before_request(_refuse_cross_site)
    server.before_request(_refuse_anonymous)
    init_headers(server)
    init_refusal_audit(server)
    server.register_error_handler(
        AccessDenied, lambda _e: (jsonify(error="not permitted"), 403))
    server.register_error_handler(
        NotAuthenticated, lambda _e: (jsonify(error="authentication required"), 401))
