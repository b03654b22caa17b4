"""Admins only: who cares for a client. Reassign to another practitioner, or share with a
second one, who then sees the client too. Every change is audited."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_admin
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db
from dashboard.db.clients import reassign_client, share_client, shared_with, unshare_client
from dashboard.db.users import active_practitioner_id, list_practitioners
from dashboard.domain.ids import parse_id
from dashboard.pages.client import ids


def team_card(client_id: int, practitioner_id: int, practitioners: list[tuple[int, str]],
              shares: list[tuple[int, str]]) -> dbc.Card:
    options = [{"label": name, "value": str(uid)} for uid, name in practitioners]
    return dbc.Card(dbc.CardBody([
        html.H2("Care team (admin)", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Responsible practitioner", html_for=ids.TEAM_PRACTITIONER,
                               className="small"),
                     dbc.Select(id=ids.TEAM_PRACTITIONER, value=str(practitioner_id),
                                options=options, size="sm")], md=5),
            dbc.Col(dbc.Button("Reassign", id=ids.TEAM_REASSIGN, size="sm", color="secondary",
                               outline=True), md=2, className="d-flex align-items-end"),
            dbc.Col([dbc.Label("Share with", html_for=ids.TEAM_SHARE_WITH, className="small"),
                     dbc.Select(id=ids.TEAM_SHARE_WITH, options=options, size="sm",
                                placeholder="Choose…")], md=3),
            dbc.Col(dbc.Button("Share", id=ids.TEAM_SHARE, size="sm", color="secondary",
                               outline=True), md=2, className="d-flex align-items-end"),
        ]),
        html.Div(_shares(shares), id=ids.TEAM, className="small mt-2"),
        html.Div(id=ids.TEAM_RESULT, role="status", className="small"),
    ]), className="mb-3 no-print")


def _shares(shares: list[tuple[int, str]]) -> html.Div:
    if not shares:
        return html.Div("Not shared with anyone.")
    return html.Div(["Shared with: ", *[html.Span([
        name, dbc.Button("Stop sharing", id={"type": ids.TEAM_UNSHARE, "user": uid},
                         size="sm", color="link", className="p-0 ms-1 me-3 align-baseline")])
        for uid, name in shares]])


def _practitioner(db, raw: object) -> int | None:
    """An active practitioner's id, from a picker's value (from the browser)."""
    return active_practitioner_id(db, parse_id(raw))


def _reassign(db, admin, client, practitioner: object) -> str:
    target = _practitioner(db, practitioner)
    if target is None:
        raise TeamRefusal("Choose an active practitioner.")
    if target == client.practitioner_id:
        raise TeamRefusal("That practitioner is already responsible.")
    old = reassign_client(db, client=client, practitioner_id=target)
    record_audit(db, user_id=admin.id, action="client_reassigned", entity="client",
                 entity_id=client.id, client_id=client.id, ip=client_ip(),
                 detail={"from": old, "to": target})
    return "Reassigned."


def _share(db, admin, client, share_with: object) -> str:
    target = _practitioner(db, share_with)
    if target is None or target == client.practitioner_id:
        raise TeamRefusal("Choose another active practitioner to share with.")
    if not share_client(db, client.id, target):
        raise TeamRefusal("Already shared with them.")
    record_audit(db, user_id=admin.id, action="client_shared", entity="client",
                 entity_id=client.id, client_id=client.id, ip=client_ip(),
                 detail={"with": target})
    return "Shared."


def _unshare(db, admin, client, user_id: int) -> str:
    unshare_client(db, client.id, user_id)
    record_audit(db, user_id=admin.id, action="client_unshared", entity="client",
                 entity_id=client.id, client_id=client.id, ip=client_ip(),
                 detail={"with": user_id})
    return "No longer shared."


class TeamRefusal(Exception):
    """The change was not made; the message says why."""


@callback(
    output={"shares": Output(ids.TEAM, "children"), "result": Output(ids.TEAM_RESULT, "children")},
    inputs={"_reassign_clicks": Input(ids.TEAM_REASSIGN, "n_clicks"),
            "_share_clicks": Input(ids.TEAM_SHARE, "n_clicks"),
            "unshares": Input({"type": ids.TEAM_UNSHARE, "user": ALL}, "n_clicks")},
    state={"practitioner": State(ids.TEAM_PRACTITIONER, "value"),
           "share_with": State(ids.TEAM_SHARE_WITH, "value"),
           "client_id": State(ids.CLIENT_ID, "data")},
    prevent_initial_call=True,
)
def change_team(_reassign_clicks, _share_clicks, unshares, practitioner, share_with, client_id):
    admin = require_admin()
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(unshares or []):
        return {"shares": no_update, "result": no_update}  # redrawn; nothing was clicked
    with current_db().begin() as db:
        client = authorize_client(db, admin, client_id)
        try:
            if trigger == ids.TEAM_REASSIGN:
                message = _reassign(db, admin, client, practitioner)
            elif trigger == ids.TEAM_SHARE:
                message = _share(db, admin, client, share_with)
            elif isinstance(trigger, dict) and parse_id(trigger.get("user")) is not None:
                message = _unshare(db, admin, client, trigger["user"])
            else:
                raise AccessDenied("unknown change")
        except TeamRefusal as refused:
            return {"shares": no_update, "result": str(refused)}
        shares = shared_with(db, client.id)
    return {"shares": _shares(shares), "result": message}


def practitioners_for_card(db) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in list_practitioners(db)]
