"""Access control, proven for every entry point the app registers.

The routes come from Flask's URL map and the callbacks from Dash's own dependency list, so
a new route or callback is covered without anyone remembering to add it here. A callback
that takes a client id is called with another practitioner's client forged in; one that
does not must be named below with the reason it needs no id, or this suite fails by name.
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.pages.client import ids
from dashboard.pages.ids import admin_audit as audit_ids
from dashboard.pages.ids import admin_break_glass as bg_ids
from dashboard.pages.ids import admin_catalogue as cat_ids
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.pages.ids import admin_data as data_ids
from dashboard.pages.ids import admin_templates as tpl_ids
from dashboard.pages.ids import admin_users as users_ids
from dashboard.pages.ids import client_edit as edit_client_ids
from dashboard.pages.ids import client_erase as erase_ids
from dashboard.pages.ids import client_new as new_client_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import cover as cover_ids
from dashboard.pages.ids import overview as overview_ids
from dashboard.pages.ids import profile as profile_ids
from tests.conftest import login
from tests.dash_client import build_payload, dependencies
from tests.factories import ALICE

PUBLIC_ROUTES = {"/login", "/logout", "/healthz", "/assets/<path:filename>",
                 # The client's own page: the link's token is the key (tests/test_client_page.py
                 # proves an unknown, ended or other token gets nothing).
                 "/my/", "/my/<token>",
                 # Questionnaires completed at home: the same cookie is the key
                 # (tests/test_home_measures.py proves no cookie or another's gets nothing).
                 "/my/measures/<key>", "/my/measures/<key>/done",
                 # PSFS ratings at home: the same cookie (tests/test_home_function.py).
                 "/my/measures/PSFS", "/my/measures/PSFS/done",
                 # Stopping email reminders: the token in the reminder is the key, and it
                 # names no one (tests/test_reminders.py proves forged tokens do nothing).
                 "/my/unsubscribe/<token>",
                 # Catalogue pictures by content hash, shown on that page too: no client data
                 # (tests/test_handout_pictures.py: only a stored hash answers).
                 "/pictures/<sha256>"}
CLIENT_ID_STATES = {f"{ids.CLIENT_ID}.data", f"{edit_client_ids.CLIENT_ID}.data",
                    f"{erase_ids.CLIENT_ID}.data"}
# Callbacks without a client id, and why they cannot leak another practitioner's client.
NOT_CLIENT_SCOPED = {
    clients_ids.TABLE: "lists through visible_clients(user): only the caller's clients",
    clients_ids.BATCH_FILE: "prints the caller's own clients; an admin's choice is re-checked",
    ids.SESSION_Q_COLLAPSE: "shows or hides questionnaire items; reads and returns no data",
    new_client_ids.GIVEN_NAME_ERROR: "creates a client for the caller; no existing record",
    overview_ids.BODY: "aggregates over visible_clients(user); a practitioner's own caseload",
    overview_ids.REPORT_FILE: "admin only (checked from the server-side caller in the "
    "background job); aggregates, no client",
    overview_ids.DISCHARGE_PRACTITIONER_ROWS: "the practitioners' outcome table a page at a "
    "time: aggregates over visible_clients(user), as BODY",
    "_pages_content": "Dash's page router: each page's layout checks the caller itself",
    ids.ALERT_RESULT: "takes an alert id, checked below on its own",
    users_ids.EMAIL_ERROR: "admin only (require_admin); no client data",
    users_ids.RESULT: "admin only (require_admin); no client data",
    users_ids.TOTP_RESULT: "admin only (require_admin); no client data",
    clinic_ids.NAME_ERROR: "admin only (require_admin); the clinic's own details",
    audit_ids.TABLE: "admin only (require_admin)",
    audit_ids.FILE: "admin only (require_admin)",
    f"{cat_ids.NAME}.value": "admin only (require_admin); the catalogue holds no client data",
    cat_ids.NAME_ERROR: "admin only (require_admin); the catalogue holds no client data",
    cat_ids.PICTURE_CURRENT: "admin only (require_admin); the catalogue holds no client data",
    cat_ids.PICTURE_FILE: "admin only (require_admin); echoes the chosen file's name",
    cat_ids.PICTURE_UPLOAD_ERROR: "admin only (require_admin); the catalogue holds no client "
                                "data",
    f"{tpl_ids.NAME}.value": "admin only (require_admin); templates hold no client data",
    tpl_ids.NAME_ERROR: "admin only (require_admin); templates hold no client data",
    data_ids.FILE: "admin only (require_admin); the export of the whole clinic",
    data_ids.REPORT: "admin only (checked from the server-side caller in the background job)",
    ids.BG_REASON_ERROR: "break glass: opens nothing and shows no client data until a reason "
                       "is given; then it records the opening (tested in test_privacy.py)",
    cover_ids.RESULTS: "practitioners only; name, date of birth and practitioner, at most 20, "
                     "audited (tested in test_privacy.py)",
    bg_ids.TABLE: "admin only (require_admin): the list of break-glass openings",
    clinic_ids.RETENTION_YEARS_ERROR: "admin only (require_admin); the clinic's setting",
    clinic_ids.REMINDERS_RESULT: "admin only (require_admin); the clinic's email switch",
    clinic_ids.LINK_DAYS_ERROR: "admin only (require_admin); the clinic's setting",
    profile_ids.HANDOUT_NAME_ERROR: "a user's own profile, or an admin's (checked on the "
                                  "server for the user id; tests/pages/test_profile.py)",
}
SECRET_NAMES = ("Dave", "Bobson")  # Bob's client in the test clinic


def _callback_key(output: str) -> str:
    return next(k for k in [*NOT_CLIENT_SCOPED, ids.ARCHIVE, ids.HANDOUT_FILE,
                            ids.SESSION_ERRORS["date"], f"{ids.SESSION_DATE}.value",
                            ids.SESSION_HISTORY,
                            ids.SESSION_AREA, ids.INCLUDE, ids.PART_ERROR,
                            ids.VERSION_MODAL, ids.PROGRESS, edit_client_ids.GO]
                if k in output)


def _first_input_key(dep: dict) -> str:
    first = dep["inputs"][0]
    return f"{first['id']}.{first['property']}"


def _forged_values(dep: dict, bob_client: int) -> dict:
    """Every input a truthy value, every client id Bob's, every pattern one plausible id."""
    values: dict = {}
    for spec in dep["inputs"] + dep["state"]:
        component, prop = spec["id"], spec["property"]
        if component.startswith("{"):
            pattern = json.loads(component)
            concrete = {k: (1 if v in (["ALL"], ["MATCH"]) else v) for k, v in pattern.items()}
            values[pattern["type"]] = [(concrete, 1)]
        elif f"{component}.{prop}" in CLIENT_ID_STATES:
            values[f"{component}.{prop}"] = bob_client
        else:
            values[f"{component}.{prop}"] = 1
    for output in re.findall(r'(\{[^}]*\})\.', dep["output"]):
        pattern = json.loads(output)
        concrete = {k: (1 if v in (["ALL"], ["MATCH"]) else v) for k, v in pattern.items()}
        values.setdefault(pattern["type"], [(concrete, None)])
    return values


def _server_callbacks(deps: list[dict]) -> list[dict]:
    return [d for d in deps if not d.get("clientside_function")]


def test_every_route_refuses_a_request_without_a_session(app, http, sqlite_people):
    checked = 0
    for rule in app.server.url_map.iter_rules():
        if rule.rule in PUBLIC_ROUTES or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:int|id):[^>]+>", str(sqlite_people.bob_client_id), rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = http.open(path, method=method)
            assert response.status_code in (302, 401), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login")
            body = response.get_data(as_text=True)
            assert not any(name in body for name in SECRET_NAMES), (method, path)
            checked += 1
    assert checked >= 12  # a sanity check that the map was read


def test_every_callback_refuses_a_request_without_a_session(http, sqlite_people):
    login(http, ALICE)
    deps = _server_callbacks(dependencies(http))
    http.post("/logout")
    for dep in deps:
        payload = build_payload(deps, dep["output"], _forged_values(
            dep, sqlite_people.bob_client_id))
        response = http.post("/_dash-update-component", json=payload)
        assert response.status_code == 401, dep["output"][:80]
        assert not any(n in response.get_data(as_text=True) for n in SECRET_NAMES)


def test_every_callback_is_either_client_checked_or_named_with_a_reason(http, sqlite_people):
    login(http, ALICE)
    deps = _server_callbacks(dependencies(http))
    unaccounted = []
    forged = 0
    for dep in deps:
        takes_client = any(f"{s['id']}.{s['property']}" in CLIENT_ID_STATES
                           for s in dep["inputs"] + dep["state"])
        if not takes_client:
            if not any(key in dep["output"] for key in NOT_CLIENT_SCOPED):
                unaccounted.append(dep["output"][:100])
            continue
        payload = build_payload(deps, dep["output"],
                                _forged_values(dep, sqlite_people.bob_client_id),
                                triggered=None)
        response = http.post("/_dash-update-component", json=payload)
        body = response.get_data(as_text=True)
        assert response.status_code in (204, 403), (dep["output"][:80], response.status_code,
                                                     body[:200])
        assert not any(name in body for name in SECRET_NAMES), dep["output"][:80]
        forged += 1
    assert not unaccounted, f"callbacks with no client check and no stated reason: {unaccounted}"
    assert forged >= 10


def test_forged_alert_id_gets_nothing(http, db, sqlite_people):
    from dashboard.db.models import CareSession, Episode, SafetyAlert

    with db.begin() as s:
        episode = s.query(Episode).filter_by(client_id=sqlite_people.bob_client_id).one()
        care = CareSession(client_id=sqlite_people.bob_client_id, episode_id=episode.id,
                           practitioner_id=sqlite_people.bob_id, session_on=episode.started_on,
                           pain=5, stress=5)
        s.add(care)
        s.flush()
        alert = SafetyAlert(client_id=sqlite_people.bob_client_id, session_id=care.id)
        s.add(alert)
        s.flush()
        alert_id = alert.id
    login(http, ALICE)
    deps = dependencies(http)
    values = {t: [({"type": t, "alert": alert_id}, v)] for t, v in (
        (ids.ALERT_ACK, 1), (ids.ALERT_ACTION, "Crisis line details given"), (ids.ALERT_NOTE, "x"),
        (ids.ALERT_RESULT, None), (ids.ALERT_BOX, None))}
    payload = build_payload(deps, ids.ALERT_RESULT, values, triggered=json.dumps(
        {"alert": alert_id, "type": ids.ALERT_ACK}, separators=(",", ":")) + ".n_clicks")
    response = http.post("/_dash-update-component", json=payload)
    assert response.status_code == 403
    with db.read() as s:
        assert s.get(SafetyAlert, alert_id).acknowledged_at is None


@pytest.mark.parametrize(("path", "answer"), [
    ("/clients/{bob}", "This client is not in your care"),  # asks for a reason (break glass)
    ("/clients/{bob}/edit", "Client not found"),
    ("/clients/{bob}/erase", "Admins only"),
])
def test_pages_of_another_practitioner_s_client_show_nothing_of_them(http, sqlite_people, path,
                                                                     answer):
    from tests.dash_client import open_page

    login(http, ALICE)
    body = open_page(http, path.format(bob=sqlite_people.bob_client_id)).get_data(as_text=True)
    assert answer in body and not any(n in body for n in SECRET_NAMES)


def test_each_callback_is_registered_once(http, sqlite_people):
    login(http, ALICE)
    outputs = [d["output"] for d in dependencies(http)]
    assert len(outputs) == len(set(outputs))
