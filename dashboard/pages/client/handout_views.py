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
)
from dashboard.db.summary import RedFlagOpen
from dashboard.domain.dates import format_day_time
from dashboard.handout.documents import prepare_handout, record_given, render_prepared
from dashboard.handout.render import PAGE_SIZES
from dashboard.pages.client import ids


def history_list(client_id: int, rows: list[HandoutRow]) -> Component:
    if not rows:
        return html.P("No handout given yet.", className="small text-body-secondary")
    return html.Ul([html.Li([
        html.A(format_day_time(r.created_at), href=f"/clients/{client_id}/handouts/{r.id}.pdf"),
        f" · version {r.version} · {r.by} · {r.size_bytes // 1024} KB · SHA-256 {r.sha256[:12]}…",
        html.Span(f" · given while an urgent red flag was open: {r.red_flag_override}",
                  className="text-danger") if r.red_flag_override else None,
    ], className="small") for r in rows], className="list-unstyled")


def red_flag_field(flag_open: bool) -> html.Div:
    """While an urgent red flag is open, giving a handout needs the practitioner's reason
    (kept with the handout, audited): issue 17, item 8. Always drawn (the download reads
    it), shown only then."""
    return html.Div([
        dbc.Label("An urgent red flag is open: to give a handout anyway, give your reason "
                  "(recorded with your name)", html_for=ids.HANDOUT_RED_FLAG_REASON,
                  className="small fw-semibold text-danger"),
        dbc.Textarea(id=ids.HANDOUT_RED_FLAG_REASON, rows=2, maxLength=1000, value="",
                     size="sm"),
        html.Div(id=ids.HANDOUT_RED_FLAG_ERROR, className="field-error", role="status"),
    ], hidden=not flag_open, className="mb-2")


def handout_card(client_id: int, rows: list[HandoutRow], flag_open: bool = False) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H2("Handout for the client", className="h6"),
        red_flag_field(flag_open),
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
        html.A("Measures the client completes at home", id=ids.MEASURES_LINK,
               href=f"/clients/{client_id}/measures", className="small d-block mb-2"),
        html.A("Email reminders: consent and messages sent", id=ids.REMINDERS_LINK,
               href=f"/clients/{client_id}/reminders", className="small d-block mb-2"),
        dcc.Loading(html.Div(id=ids.HANDOUT_STATUS, role="status", className="small"),
                    type="dot", delay_show=100),
        dcc.Download(id=ids.HANDOUT_FILE),
        html.H3("Given so far", className="h6 mt-2 small fw-semibold"),
        html.Div(history_list(client_id, rows), id=ids.HANDOUT_HISTORY),
    ]), className="mt-3")


def _record(db, user, client_id: int, handout) -> None:
    """The handout given, audited; one given while an urgent red flag was open, apart with
    its reason."""
    audit = dict(user_id=user.id, entity="handout", entity_id=handout.id,
                 client_id=client_id, ip=client_ip())
    record_audit(db, action="handout_given", **audit,
                 detail={"sha256": handout.sha256, "version": handout.version})
    if handout.red_flag_override:
        record_audit(db, action="red_flag_overridden", **audit,
                     detail={"for": "handout_given", "reason": handout.red_flag_override})


@callback(
    output={"file": Output(ids.HANDOUT_FILE, "data"),
            "status": Output(ids.HANDOUT_STATUS, "children"),
            "history": Output(ids.HANDOUT_HISTORY, "children"),
            "red_flag_error": Output(ids.HANDOUT_RED_FLAG_ERROR, "children")},
    inputs={"_clicks": Input(ids.HANDOUT_DOWNLOAD, "n_clicks")},
    state={"size": State(ids.HANDOUT_SIZE, "value"), "client_id": State(ids.CLIENT_ID, "data"),
           "reason": State(ids.HANDOUT_RED_FLAG_REASON, "value")},
    prevent_initial_call=True,
)
def download_handout(_clicks, size, client_id, reason):
    user = require_user()
    size = size if size in PAGE_SIZES else "a4"
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        try:
            prepared = prepare_handout(db, client=client, version=None, page_size=size,
                                       own_link=own_link_url(db, client.id),
                                       red_flag_reason=reason)
        except NoPlan as exc:
            return {"file": None, "status": str(exc), "history": no_update,
                    "red_flag_error": ""}
        except RedFlagOpen as exc:
            return {"file": None, "status": "No handout was given: see the message above.",
                    "history": no_update, "red_flag_error": str(exc)}
        filename = handout_filename(client, prepared.version)
    pdf = render_prepared(prepared)  # laid out with no transaction open
    with current_db().begin() as db:
        handout = record_given(db, prepared, pdf, user.id)
        _record(db, user, client.id, handout)
        rows = handout_history(db, client.id)
    return {"file": dcc.send_bytes(handout.pdf, filename),
            "status": f"Handout ready: version {handout.version}, "
                      f"{len(handout.pdf) // 1024} KB.",
            "history": history_list(client.id, rows), "red_flag_error": ""}
