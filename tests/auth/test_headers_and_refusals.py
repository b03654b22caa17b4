"""Security headers, error pages without detail, and refused access in the audit log."""

import json

from sqlalchemy import func, select

from dashboard.db.engine import Database
from dashboard.db.models import AuditEntry, CareSession
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_audit as audit_ids
from tests.conftest import login
from tests.dash_client import invoke, open_page
from tests.factories import ALICE


def _policy(response) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:]
            for part in response.headers["Content-Security-Policy"].split("; ")}


def test_every_response_carries_a_strict_content_security_policy(app, http, sqlite_people):
    for path in ("/login", "/healthz", "/assets/app.css"):
        response = http.get(path)
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()  # a static file is streamed: close its handle
    login(http, ALICE)
    page = http.get("/")
    script_src = _policy(page)["script-src"]
    # No inline script runs unless Dash wrote it: 'self' and the hashes of its own scripts.
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert set(script_src) == {"'self'", *app.csp_hashes()}
    assert len(script_src) >= 3  # the renderer's line and the clientside callback


def _empty_database(tmp_path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")


def test_an_unexpected_error_shows_no_stack_trace(app, http, db, sqlite_people, tmp_path):
    assert not app.server.debug
    login(http, ALICE)
    # A database without tables: every query fails with an SQL error inside the request.
    broken = _empty_database(tmp_path)
    app.server.extensions["dashboard.db"] = broken
    try:
        for response in (http.get("/"), http.post("/_dash-update-component", json={}),
                         http.get("/login")):
            body = response.get_data(as_text=True)
            assert response.status_code == 500
            for leak in ("Traceback", "sqlite", "OperationalError", "no such table", ".py"):
                assert leak not in body, (leak, body[:300])
            assert "Content-Security-Policy" in response.headers
    finally:
        app.server.extensions["dashboard.db"] = db
        broken.dispose()


def _refusals(db) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")))


def test_a_forged_callback_is_refused_changes_nothing_and_is_audited(http, db, sqlite_people):
    login(http, ALICE)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(CareSession))
    response = invoke(http, ids.SESSION_ERRORS["date"], {
        f"{ids.CLIENT_ID}.data": sqlite_people.bob_client_id, f"{ids.SESSION_SAVE}.n_clicks": 1,
        f"{ids.SESSION_PAIN}.value": 5, f"{ids.SESSION_STRESS}.value": 5,
        f"{ids.SESSION_DATE}.value": "2026-03-01"})
    assert response.status_code == 403
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareSession)) == before
    (entry,) = _refusals(db)
    detail = json.loads(entry.detail)
    assert entry.user_id == sqlite_people.alice_id and entry.ip == "127.0.0.1"
    assert entry.at is not None and detail["status"] == 403
    assert ids.SESSION_ERRORS["date"] in detail["callback"]
    assert f"'{ids.CLIENT_ID}': '{sqlite_people.bob_client_id}'" in detail["ids"]


def test_opening_another_practitioner_s_client_is_audited(http, db, sqlite_people):
    login(http, ALICE)
    body = open_page(http, f"/clients/{sqlite_people.bob_client_id}").get_data(as_text=True)
    assert "not in your care" in body  # the break-glass form, with no client data
    (entry,) = _refusals(db)
    assert entry.user_id == sqlite_people.alice_id
    assert f"/clients/{sqlite_people.bob_client_id}" in entry.detail


def test_an_admin_only_callback_refused_to_a_practitioner_is_audited(http, db, sqlite_people):
    login(http, ALICE)
    response = invoke(http, audit_ids.TABLE, {})
    assert response.status_code == 403
    (entry,) = _refusals(db)
    assert "admins only" in entry.detail


def test_anonymous_requests_write_nothing(http, db, sqlite_people):
    for _ in range(3):
        assert http.post("/_dash-update-component", json={}).status_code == 401
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_refusal_records_the_client_actually_asked_for(http, db, sqlite_people):
    """Issue 18, item 15: Dash passes the query string to the page, so this address asks
    for Bob's client although its path names Alice's."""
    login(http, ALICE)
    alice, bob = sqlite_people.alice_client_id, sqlite_people.bob_client_id
    from tests.dash_client import call_callback

    body = call_callback(http, ".._pages_content.children..._pages_store.data..", [
        {"id": "_pages_location", "property": "pathname", "value": f"/clients/{alice}"},
        {"id": "_pages_location", "property": "search", "value": f"?client_id={bob}"},
    ]).get_data(as_text=True)
    assert "not in your care" in body
    (entry,) = _refusals(db)
    assert entry.client_id == bob
    assert json.loads(entry.detail)["clients"] == [bob]


def test_anonymous_asset_lookalike_paths_redirect_to_login(http, sqlite_people):
    for path in ("/assets//anything", "/assets//", "/assets/../clients"):
        response = http.get(path)
        assert response.status_code in (302, 404), (path, response.status_code)
        body = response.get_data(as_text=True)
        assert "dash" not in body.lower() and "plotly" not in body.lower(), path
    # Real assets stay public (the login page needs its CSS).
    response = http.get("/assets/app.css")
    assert response.status_code == 200
    response.close()
