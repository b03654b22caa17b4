"""Admins only: who cares for a client. Reassign to another practitioner, or share with a
second one, who then sees the client too. Every change is audited."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_admin
from dashboard.context import client_ip, current_db
from dashboard.db.audit import record_audit
from dashboard.db.clients import share_client, shared_with, unshare_client
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


@callback(
    Output(ids.TEAM, "children"),
    Output(ids.TEAM_RESULT, "children"),
    Input(ids.TEAM_REASSIGN, "n_clicks"),
    Input(ids.TEAM_SHARE, "n_clicks"),
    Input({"type": ids.TEAM_UNSHARE, "user": ALL}, "n_clicks"),
    State(ids.TEAM_PRACTITIONER, "value"),
    State(ids.TEAM_SHARE_WITH, "value"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def change_team(_reassign, _share, unshares, practitioner, share_with, client_id):
    admin = require_admin()
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(unshares or []):
        return no_update, no_update  # the list was redrawn; nothing was clicked
    with current_db().begin() as db:
        client = authorize_client(db, admin, client_id)
        if trigger == ids.TEAM_REASSIGN:
            target = active_practitioner_id(db, parse_id(practitioner))
            if target is None:
                return no_update, "Choose an active practitioner."
            if target == client.practitioner_id:
                return no_update, "That practitioner is already responsible."
            old = client.practitioner_id
            client.practitioner_id = target
            unshare_client(db, client.id, target)  # now theirs, no longer shared with them
            record_audit(db, user_id=admin.id, action="client_reassigned", entity="client",
                         entity_id=client.id, client_id=client.id, ip=client_ip(),
                         detail={"from": old, "to": target})
            message = "Reassigned."
        elif trigger == ids.TEAM_SHARE:
            target = active_practitioner_id(db, parse_id(share_with))
            if target is None or target == client.practitioner_id:
                return no_update, "Choose another active practitioner to share with."
            if not share_client(db, client.id, target):
                return no_update, "Already shared with them."
            record_audit(db, user_id=admin.id, action="client_shared", entity="client",
                         entity_id=client.id, client_id=client.id, ip=client_ip(),
                         detail={"with": target})
            message = "Shared."
        elif isinstance(trigger, dict) and parse_id(trigger.get("user")) is not None:
            unshare_client(db, client.id, trigger["user"])
            record_audit(db, user_id=admin.id, action="client_unshared", entity="client",
                         entity_id=client.id, client_id=client.id, ip=client_ip(),
                         detail={"with": trigger["user"]})
            message = "No longer shared."
        else:
            raise AccessDenied("unknown change")
        shares = shared_with(db, client.id)
    return _shares(shares), message


def practitioners_for_card(db) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in list_practitioners(db)]
