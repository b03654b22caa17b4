"""Admin: erase a client. Their identifying data and free text go from every table (see
db/erasure.py); the admin chooses whether anonymised scores stay for clinic figures.
Confirmed by typing the client's full name exactly; it cannot be undone in the app."""

from __future__ import annotations

import time

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.auth.access import AccessDenied, parse_client_id, require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.status import admins_only, client_not_found
from dashboard.context import client_ip, current_db, current_jobs
from dashboard.db.clients import client_by_id, practitioner_name
from dashboard.db.erasure import (
    ErasureResult,
    checkpoint_sqlite,
    erase_client,
    stored_counts,
)
from dashboard.domain.dates import format_day
from dashboard.domain.privacy import confirmation_matches
from dashboard.pages.client.privacy_views import erased_view
from dashboard.pages.ids import client_erase as ids

# order: matched before "/clients/<client_id>", whose template would also match this path.
dash.register_page(__name__, path_template="/clients/<client_id>/erase", order=3,
                   title="Erase a record · Back Pain Care")

KEEP_CHOICES = {"keep": "Keep the anonymised scores for clinic statistics (notes removed)",
                "delete": "Delete the sessions and scores as well"}


def layout(client_id: str = "", **_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    cid = parse_client_id(client_id)
    with current_db().read() as db:
        client = client_by_id(db, client_id=cid)
        if client is None:
            return client_not_found()
        if client.erased_at is not None:
            return erased_view(client)
        sessions, handouts = stored_counts(db, client_id=client.id)
        who = practitioner_name(db, client.practitioner_id)
        name = f"{client.given_name} {client.family_name}"
    body = html.Div(id=ids.BODY, children=[
        dcc.Link("← Back to the client", href=f"/clients/{client.id}"),
        html.H1(f"Erase {name}'s record", className="h3 mt-2"),
        html.P(f"Born {format_day(client.date_of_birth)} · practitioner {who} · {sessions} "
               f"sessions · {handouts} stored handouts."),
        dbc.Alert([
            html.P("Erasing removes, everywhere in the database: the name, date of birth "
                   "and contact details; every note (sessions, episodes, plans, goals, "
                   "safety alerts); the activity names; the stored handouts; the details of "
                   "the client's audit entries; shares and break-glass reasons.",
                   className="mb-1"),
            html.P("It cannot be undone in the app. A backup taken before now still holds "
                   "the record: backups must be kept no longer than the retention period.",
                   className="mb-0"),
        ], color="danger"),
        dbc.Form(id=ids.FORM, children=[
            dcc.Store(id=ids.CLIENT_ID, data=client.id),
            dbc.Label("Scores", html_for=ids.KEEP),
            dbc.RadioItems(id=ids.KEEP, value="keep", options=[
                {"label": label, "value": key} for key, label in KEEP_CHOICES.items()]),
            html.Div(id=ids.KEEP_ERROR, className="field-error", role="status"),
            dbc.Label(["Type the client's full name to confirm: ", html.Strong(name)],
                      html_for=ids.CONFIRM, className="mt-3"),
            dbc.Input(id=ids.CONFIRM, type="text", autoComplete="off", maxLength=250,
                      style={"maxWidth": "24rem"}),
            html.Div(id=ids.CONFIRM_ERROR, className="field-error", role="status"),
            dbc.Button("Erase permanently", id=ids.SUBMIT, color="danger",
                       className="mt-3"),
        ]),
    ])
    return html.Div([
        body,
        dcc.Loading(html.Div(id=ids.RESULT, role="status", className="mt-3"),
                    delay_show=200),
    ], style={"maxWidth": "48rem"})


@callback(
    Output(ids.CONFIRM_ERROR, "children"),
    Output(ids.KEEP_ERROR, "children"),
    Output(ids.RESULT, "children"),
    Output(ids.BODY, "style"),  # hidden once erased: it shows the name
    Input(ids.SUBMIT, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    State(ids.KEEP, "value"),
    State(ids.CONFIRM, "value"),
    prevent_initial_call=True,
)
def erase(_n, client_id, keep, typed):
    admin = require_admin()
    if keep not in KEEP_CHOICES:
        return "", "Choose whether the scores stay.", "", no_update
    started = time.perf_counter()
    cid = parse_client_id(client_id)
    with current_db().begin() as db:
        client = client_by_id(db, client_id=cid)
        if client is None:
            raise AccessDenied("no such client")
        if client.erased_at is not None:  # from another tab, a moment ago
            return "", "", dbc.Alert("This record has already been erased: nothing more to "
                                     "do.", color="secondary"), {"display": "none"}
        if not confirmation_matches(typed, client.given_name, client.family_name):
            return ("That is not the client's full name as shown: nothing was erased.", "",
                    "", no_update)
        result = erase_client(db, client, by_user_id=admin.id, keep_scores=keep == "keep")
        # After the redaction above, so this entry keeps its detail (which names no one).
        record_audit(db, user_id=admin.id, action="client_erased", entity="client",
                     entity_id=cid, client_id=cid, ip=client_ip(),
                     detail={"scores_kept": keep == "keep",
                             "sessions_kept": result.sessions_kept,
                             "sessions_deleted": result.sessions_deleted,
                             "handouts_deleted": result.handouts_deleted})
    checkpointed = checkpoint_sqlite(current_db())
    current_jobs().clear_results()
    return "", "", _erased(cid, result, time.perf_counter() - started, checkpointed), \
        {"display": "none"}


def _erased(cid: int, result: ErasureResult, seconds: float, checkpointed: bool) -> dbc.Alert:
    message = [html.H1("Record erased", className="h4"),
               html.P(f"Client #{cid} was erased ({seconds:.2f} s): "
                      f"{result.sessions_kept} sessions kept anonymised, "
                      f"{result.sessions_deleted} deleted, {result.handouts_deleted} stored "
                      f"handouts deleted, {result.audit_entries_redacted} audit details "
                      "removed.", className="mb-1")]
    if not checkpointed:
        message.append(html.P("The database's write-ahead log was busy; it is emptied at "
                              "the next checkpoint.", className="mb-1"))
    message.append(dcc.Link("Back to records past retention", href="/admin/retention"))
    return dbc.Alert(message, color="success")
