"""Issue 18, items 1 and 2: one guard for every request that changes data, and no write on
a GET (a link, an image or a redirect from another site can make the browser send one)."""

from sqlalchemy import func, select

from dashboard.db.models import AuditEntry, Client, HandoutRecord, LoginSession
from dashboard.pages.client import ids
from tests.conftest import PASSWORD, login
from tests.factories import ALICE

NO_BROWSER_HEADERS = {"Sec-Fetch-Site": ""}  # overrides the test client's same-origin


def _archive(http, client_id, headers):
    values = {f"{ids.CLIENT_ID}.data": client_id, f"{ids.ARCHIVE}.n_clicks": 1}
    from tests.dash_client import build_payload, dependencies

    payload = build_payload(dependencies(http), ids.ARCHIVE_RESULT, values)
    return http.post("/_dash-update-component", json=payload, headers=headers)


def _archived(db, client_id) -> bool:
    with db.read() as s:
        return s.get(Client, client_id).archived


def test_origin_null_is_not_the_app_s_origin(http, db, sqlite_people):
    """Sandboxed frames and some redirects send ``Origin: null``: refused, like any site."""
    response = http.post("/login", data={"email": ALICE, "password": PASSWORD},
                         headers={"Origin": "null", "Sec-Fetch-Site": ""})
    assert response.status_code == 403  # no login CSRF
    login(http, ALICE)
    cid = sqlite_people.alice_client_id
    response = _archive(http, cid, {"Origin": "null", **NO_BROWSER_HEADERS})
    assert response.status_code == 403 and not _archived(db, cid)
    # A sandboxed frame of another site: the browser says cross-site.
    response = _archive(http, cid, {"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and not _archived(db, cid)
    # Our own page with Referrer-Policy: no-referrer (the client's page) posts Origin: null
    # with Sec-Fetch-Site: same-origin, which no other site can make a browser send.
    response = _archive(http, cid, {"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200 and _archived(db, cid)


def test_a_write_without_origin_or_sec_fetch_site_is_refused(http, db, sqlite_people):
    login(http, ALICE)
    cid = sqlite_people.alice_client_id
    for headers in ({"Sec-Fetch-Site": ""}, {"Sec-Fetch-Site": "same-site"},
                    {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "http://localhost.evil.example", "Sec-Fetch-Site": ""}):
        # An empty header value is what werkzeug sends for "absent" here.
        response = _archive(http, cid, headers)
        assert response.status_code == 403, headers
        assert not _archived(db, cid)
    # The app's own page: Origin alone (an older browser) or Sec-Fetch-Site alone.
    assert _archive(http, cid, {"Origin": "http://localhost", "Sec-Fetch-Site": ""}
                    ).status_code == 200
    assert _archived(db, cid)


def test_a_handout_is_given_only_by_a_same_origin_post(http, db, planned):
    login(http, ALICE)
    # A link or <img> on another site makes the browser GET the URL with the cookie.
    # No GET route gives it (the app's page shell answers the unknown address).
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {}):
        response = http.get(f"/clients/{planned}/handout.pdf", headers=headers)
        assert response.mimetype != "application/pdf"
    # A cross-site form POST is refused too.
    assert http.post(f"/clients/{planned}/handout.pdf",
                     headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
                     ).status_code == 403
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord)) == 0
    response = http.post(f"/clients/{planned}/handout.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord).where(
            HandoutRecord.given.is_(True))) == 1


def test_a_get_to_logout_does_not_sign_out(http, db, sqlite_people):
    login(http, ALICE)
    page = http.get("/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert page.status_code == 200 and b'method="post" action="/logout"' in page.data
    assert http.get("/_dash-layout").status_code == 200  # still signed in
    with db.read() as s:
        assert s.scalar(select(LoginSession.ended_at)) is None
        assert "logout" not in set(s.scalars(select(AuditEntry.action)))
    assert http.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert http.get("/_dash-layout").status_code == 200
    assert http.post("/logout").status_code == 302
    assert http.get("/_dash-layout").status_code == 401


def test_no_route_writes_on_get(app, http, db, planned, sqlite_people):
    """Every GET route the app registers, called with real ids: the database's row counts
    (audit entries of reads and the throttle's counts of unknown client links aside) do
    not move."""
    import re

    from tests.snapshots import table_counts

    login(http, ALICE)
    skip = {"audit_log", "login_sessions", "client_link_failures"}
    before = table_counts(db, skip=skip)
    for rule in app.server.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:int|id):client_id>", str(planned), rule.rule)
        path = re.sub(r"<[^>]+>", "1", path)
        http.get(path).close()
    assert table_counts(db, skip=skip) == before
