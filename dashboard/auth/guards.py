"""The guards every request passes before any route: no data without a live login (and,
while a temporary password or an admin's missing second factor is pending, nothing but the
page that settles it), and no change from another site."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Response, redirect, request
from flask_login import current_user

from dashboard.auth.account import SECURITY_PATH
from dashboard.auth.paths import CODE_PATH, HEALTH_PATH, LOGIN_PATH, LOGOUT_PATH, PASSWORD_PATH

PUBLIC_PATHS = frozenset({LOGIN_PATH, CODE_PATH, LOGOUT_PATH, HEALTH_PATH})
# The client's own page: its token (or the cookie it was traded for) is the key, checked
# by the page itself (dashboard/client_page/client.py).
PUBLIC_PREFIXES = ("/assets/", "/my/")
# Routes anyone may open, by the route matched (not by a path prefix, which
# "/pictures/../clients" would also start with): catalogue pictures (handout/pictures.py).
PUBLIC_ENDPOINTS = frozenset({"pictures.picture"})


def is_public() -> bool:
    """The login pages, the health check, and files the assets route really serves. Judged by
    the route that matched, not the path's prefix: ``/assets//x`` is no asset (Dash's
    catch-all answers it with the app's shell), so it is not public."""
    if request.path in PUBLIC_PATHS:
        return True
    rule = request.url_rule
    return rule is not None and rule.rule.startswith(PUBLIC_PREFIXES)


def refuse_anonymous() -> Response | None:
    if is_public():
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


def refuse_cross_site() -> Response | None:
    """Requests that change data must come from the app's own pages (login CSRF, forged
    callback posts): the one guard for every method but GET, HEAD and OPTIONS, which never
    change anything (writes happen only on a same-origin POST)."""
    if request.method in SAFE_METHODS or same_origin_request():
        return None
    if request.endpoint in TOKEN_ONLY_POST_ENDPOINTS:
        return None
    return Response(CROSS_SITE_REFUSED, status=403, mimetype="application/json")
