"""Refused access lands in the audit log: who, what they asked for, when, from where.

Written after the request, in a transaction of its own: the request's transaction has
rolled back (nothing it did is kept), but the refusal must be. Anonymous requests are
refused before any of this (401, no write), so nobody can fill the log without a login;
failed logins are audited where they happen (auth/login.py).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.auth.access import (
    AUDITED_CLIENTS_KEY,
    READ_CLIENTS_KEY,
    REFUSALS_KEY,
    REFUSED_CLIENTS_KEY,
    current_user_or_none,
)
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db

log = logging.getLogger(__name__)
MAX_DETAIL = 300


def _ids_sent(items: list[Any]) -> list[Any]:
    """The record ids in a callback's inputs (a ``*-id`` store's value, a pattern id such as
    {"type": "alert-ack", "alert": 5}, a page's address); never other values, which may be
    clinical text."""
    ids: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        component, value = item.get("id"), item.get("value")
        if isinstance(component, dict):
            ids.append(component)
        elif component == "_pages_location" and item.get("property") == "pathname":
            ids.append({"page": str(value)[:200]})  # a page opened by its address
        elif (isinstance(component, str) and component.endswith("-id")
              and isinstance(value, int | str)):
            ids.append({component: str(value)[:20]})
    return ids


def _what_was_asked() -> dict[str, Any]:
    """The route, and for a Dash callback its output and the record ids the browser sent."""
    asked: dict[str, Any] = {"method": request.method, "path": request.path[:200]}
    if request.path == "/_dash-update-component":
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            asked["callback"] = str(body.get("output", ""))[:MAX_DETAIL]
            sent = [*(body.get("inputs") or []), *(body.get("state") or [])]
            flat = [i for entry in sent for i in (entry if isinstance(entry, list) else [entry])]
            asked["ids"] = str(_ids_sent(flat))[:MAX_DETAIL]
    return asked


def audit_refusals(response: Response) -> Response:
    reasons = g.pop(REFUSALS_KEY, None)
    clients = g.pop(REFUSED_CLIENTS_KEY, None) or []
    if not reasons:
        return response
    user = current_user_or_none()
    # The client the refused request actually asked for (the one the access rule looked
    # up), not an id read back from the address: /clients/17?client_id=1 asks for 1.
    asked = {"clients": sorted(set(clients))[:5]} if clients else {}
    try:
        with current_db().begin() as db:
            record_audit(db, user_id=user.id if user else None, action="access_denied",
                         entity="request", ip=client_ip(),
                         client_id=clients[0] if clients else None,
                         detail={**_what_was_asked(), **asked, "reasons": reasons[:5],
                                 "status": response.status_code})
    except SQLAlchemyError:
        # The refusal itself stands; a failed audit write is logged, not shown.
        log.exception("could not audit a refused request to %s", request.path)
    return response


def audit_reads(response: Response) -> Response:
    """One "record_read" entry per client this request opened (authorize_client) and did not
    already audit itself: loading a session to edit, the progress view, a plan version, the
    plan builder, the edit and intake pages, an export. Who, which client, what (the
    callback's output or the route), flagged under break glass by record_audit. Nothing
    for a refused or failed request (refusals are audited above)."""
    read = g.pop(READ_CLIENTS_KEY, None)
    audited = g.pop(AUDITED_CLIENTS_KEY, None) or set()
    if not read or response.status_code >= 400:
        return response  # before asking who the user is: that may need the database
    user = current_user_or_none()
    if user is None:
        return response
    unrecorded = sorted(read - audited)
    if not unrecorded:
        return response
    what = _what_was_asked()
    detail = {"read": what.get("callback") or what["path"]}
    try:
        with current_db().begin() as db:
            for client_id in unrecorded:
                record_audit(db, user_id=user.id, action="record_read", entity="client",
                             entity_id=client_id, client_id=client_id, ip=client_ip(),
                             detail=detail)
    except SQLAlchemyError:
        log.exception("could not audit a read of %s", request.path)
    return response


def init_refusal_audit(server: Flask) -> None:
    # Flask runs after_request functions in reverse order: reads, then refusals.
    server.after_request(audit_refusals)
    server.after_request(audit_reads)
