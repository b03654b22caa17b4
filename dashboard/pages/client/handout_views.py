"""The handout card on the client's page, and its download callback."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.development.base_component import Component

from dashboard.auth.access import authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db, own_link_url
from dashboard.db.handouts import (
    HandoutRow,
    NoPlan,
    handout_filename,
    handout_history,
    prepare_handout,
    record_given,
    render_prepared,
)
from dashboard.handout.render import PAGE_SIZES
from dashboard.pages.client import ids


def history_list(client_id: int, rows: list[HandoutRow]) -> Component:
    if not rows:
        return html.P("No handout given yet.", className="small text-body-secondary")
    return html.Ul([html.Li([
        html.A(f"{r.created_at:%d %b %Y %H:%M}", href=f"/clients/{client_id}/handouts/{r.id}.pdf"),
        f" · version {r.version} · {r.by} · {r.size_bytes // 1024} KB · SHA-256 {r.sha256[:12]}…",
    ], className="small") for r in rows], className="list-unstyled")


def handout_card(client_id: int, rows: list[HandoutRow]) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H2("Handout for the client", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Paper", html_for=ids.HANDOUT_SIZE, className="small"),
                     dbc.Select(id=ids.HANDOUT_SIZE, value="a4", size="sm", options=[
                         {"label": "A4", "value": "a4"},
                         {"label": "US Letter", "value": "letter"}])], width=5),
            dbc.Col(dbc.Button("Download PDF", id=ids.HANDOUT_DOWNLOAD, color="primary",
                               size="sm"), width=7,
                    className="d-flex align-items-end"),
        ], className="mb-2"),
        html.A("Preview and print from the browser", id=ids.HANDOUT_PREVIEW,
               href=f"/clients/{client_id}/handout.html", target="_blank",
               className="small d-block mb-2"),
        html.A("The client's own page: link and QR code", id=ids.CLIENT_LINK,
               href=f"/clients/{client_id}/link", className="small d-block mb-2"),
        html.A("Measures the client completes at home", id="client-measures-link",
               href=f"/clients/{client_id}/measures", className="small d-block mb-2"),
        html.A("Email reminders: consent and messages sent", id="client-reminders-link",
               href=f"/clients/{client_id}/reminders", className="small d-block mb-2"),
        dcc.Loading(html.Div(id=ids.HANDOUT_STATUS, role="status", className="small"),
                    type="dot", delay_show=100),
        dcc.Download(id=ids.HANDOUT_FILE),
        html.H3("Given so far", className="h6 mt-2 small fw-semibold"),
        html.Div(history_list(client_id, rows), id=ids.HANDOUT_HISTORY),
    ]), className="mt-3")


@callback(
    Output(ids.HANDOUT_FILE, "data"),
    Output(ids.HANDOUT_STATUS, "children"),
    Output(ids.HANDOUT_HISTORY, "children"),
    Input(ids.HANDOUT_DOWNLOAD, "n_clicks"),
    State(ids.HANDOUT_SIZE, "value"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def download_handout(_n, size, client_id):
    user = require_user()
    size = size if size in PAGE_SIZES else "a4"
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        try:
            prepared = prepare_handout(db, client=client, version=None, page_size=size,
                                       own_link=own_link_url(db, client.id))
        except NoPlan as exc:
            return None, str(exc), no_update
        filename = handout_filename(client, prepared.version)
    pdf = render_prepared(prepared)  # laid out with no transaction open
    with current_db().begin() as db:
        handout = record_given(db, prepared, pdf, user.id)
        record_audit(db, user_id=user.id, action="handout_given", entity="handout",
                     entity_id=handout.id, client_id=client.id, ip=client_ip(),
                     detail={"sha256": handout.sha256, "version": handout.version})
        rows = handout_history(db, client.id)
    return (dcc.send_bytes(handout.pdf, filename),
            f"Handout ready: version {handout.version}, {len(handout.pdf) // 1024} KB.",
            history_list(client.id, rows))
