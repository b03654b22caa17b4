"""Privacy on the client's page: what someone who may not see the client gets (the break-glass
form for a practitioner covering a colleague, or "erased"), the covering banner, and the
client's copy (a ZIP of the readable PDF, the FHIR bundle and a sessions CSV)."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.auth.access import (
    AccessDenied,
    CurrentUser,
    access_kind,
    authorize_client,
    existing_client,
    parse_client_id,
    require_user,
)
from dashboard.auth.audit import record_audit
from dashboard.components.status import client_not_found
from dashboard.context import client_ip, clinic_today, current_db, current_settings
from dashboard.db.break_glass import open_break_glass
from dashboard.db.client_copy import load_full_record
from dashboard.db.clients import client_by_id
from dashboard.db.export import client_record
from dashboard.domain.dates import format_day
from dashboard.domain.privacy import REASON_MAX, clean_reason
from dashboard.domain.record import copy_filename, copy_zip
from dashboard.fhir.bundle import build_bundle, bundle_json
from dashboard.fhir.naming import FhirNames
from dashboard.handout.record import render_record_pdf
from dashboard.pages.client import ids

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import Client



def erased_view(client: Client) -> html.Div:
    return html.Div([
        html.H1("This record was erased", className="h3"),
        html.P(f"Client #{client.id}'s identifying details and notes were erased"
               + (f" on {format_day(client.erased_at)}" if client.erased_at else "")
               + ". It cannot be restored in the app."),
        dcc.Link("Back to clients", href="/clients"),
    ])


def break_glass_form(client_id: int) -> html.Div:
    """Asks for a reason and shows nothing of the client: the same for an unknown id."""
    return html.Div([
        html.H1("This client is not in your care", className="h3"),
        html.P("Covering for a colleague? You may open this client's record for today after "
               "giving your reason. The opening and everything you do in the record today "
               "are flagged in the audit log, and admins see the list of openings."),
        dcc.Store(id=ids.BG_CLIENT_ID, data=client_id),
        dcc.Location(id=ids.BG_GO, refresh=True),
        dbc.Form(id=f"{ids.BG_OPEN}-form", children=[
            dbc.Label("Reason for opening this record", html_for=ids.BG_REASON),
            dbc.Textarea(id=ids.BG_REASON, rows=3, maxLength=REASON_MAX,
                         placeholder="For example: covering Sam's clinic today; the client "
                                     "rang with worse pain."),
            html.Div(id=ids.BG_REASON_ERROR, className="field-error", role="status"),
            dbc.Button("Open the record for today", id=ids.BG_OPEN, color="warning",
                       className="mt-2"),
        ], style={"maxWidth": "40rem"}),
        html.Div(id=ids.BG_RESULT, role="status", className="mt-2"),
        html.P(dcc.Link("Back to clients", href="/clients"), className="mt-3"),
    ])


def refused_view(db, user: CurrentUser, client_id: object) -> html.Div:
    """The page for a client this user may not see right now."""
    cid = parse_client_id(client_id)
    client = client_by_id(db, client_id=cid)
    if client is not None and client.erased_at is not None:
        return erased_view(client)
    if user.role == "practitioner" and cid is not None:
        return break_glass_form(cid)
    return client_not_found()


@callback(
    Output(ids.BG_REASON_ERROR, "children"),
    Output(ids.BG_RESULT, "children"),
    Output(ids.BG_GO, "href"),
    Input(ids.BG_OPEN, "n_clicks"),
    State(ids.BG_REASON, "value"),
    State(ids.BG_CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def open_with_reason(_n, reason, client_id):
    user = require_user()
    if user.role != "practitioner":
        raise AccessDenied("break glass is for practitioners")
    text, problem = clean_reason(reason)
    if problem:
        return problem, "", no_update
    today = clinic_today()
    with current_db().begin() as db:
        client = existing_client(db, client_id)
        if client is None:
            return "", dbc.Alert("There is no such client.", color="secondary"), no_update
        # Already theirs, or already opened today (a second tab): no second opening.
        if access_kind(db, user, client, today) is None:
            access = open_break_glass(db, user_id=user.id, client_id=client.id, reason=text,
                                      today=today)
            record_audit(db, user_id=user.id, action="break_glass_opened",
                         entity="break_glass", entity_id=access.id, client_id=client.id,
                         ip=client_ip(), detail={"valid_on": today}, flagged=True)
    return "", "Opening the record…", f"/clients/{client.id}"


def covering_banner() -> dbc.Alert:
    return dbc.Alert([html.Strong("Covering a colleague. "),
                      "You opened this record with a reason; access ends with today. "
                      "Everything you do here is flagged in the audit log."],
                     color="warning", className="py-2", id=ids.COVERING_BANNER)


def record_tools(client: Client, user: CurrentUser) -> list:
    """Buttons for the record's row of buttons: the client's copy (their practitioner and
    admins) and erase (admins)."""
    may_copy = user.is_admin or client.practitioner_id == user.id
    return [
        html.Div([
            dbc.Button("Client's copy (ZIP)", id=ids.COPY, color="secondary", outline=True,
                       size="sm", title="The complete record as a PDF, with the FHIR bundle "
                                        "and a CSV of sessions"),
            dcc.Loading(html.Span(id=ids.COPY_STATUS, role="status", className="ms-2 small"),
                        type="dot", delay_show=100, parent_style={"display": "inline-block"}),
            dcc.Download(id=ids.COPY_FILE),
        ], className="d-inline-flex align-items-center") if may_copy else None,
        dcc.Link("Erase this record…", href=f"/clients/{client.id}/erase",
                 className="btn btn-outline-danger btn-sm", id=ids.ERASE_LINK)
        if user.is_admin else None,
    ]


@callback(
    Output(ids.COPY_FILE, "data"),
    Output(ids.COPY_STATUS, "children"),
    Input(ids.COPY, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
    running=[(Output(ids.COPY, "disabled"), True, False)],
)
def make_copy(_n, client_id):
    """The whole record in one ZIP: a PDF for the person, FHIR and CSV for machines."""
    user = require_user()
    started = time.perf_counter()
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        if not (user.is_admin or client.practitioner_id == user.id):
            raise AccessDenied("the client's practitioner or an admin makes the copy")
        now = dt.datetime.now(dt.UTC)
        record = load_full_record(db, client, now)
        fhir = bundle_json(build_bundle([client_record(db, client=client)], now,
                                         FhirNames.from_settings(current_settings())))
    # Laid out with no transaction open (WeasyPrint takes most of the time).
    pdf = render_record_pdf(record, current_settings().tz)
    archive = copy_zip(record, pdf=pdf, fhir_json=fhir)
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="client_copy_made", entity="client",
                     entity_id=record.client_id, client_id=record.client_id, ip=client_ip(),
                     detail={"sessions": len(record.sessions), "bytes": len(archive)})
    seconds = time.perf_counter() - started
    return (dcc.send_bytes(archive, copy_filename(record)),
            f"Ready: {len(record.sessions)} sessions, {len(archive) // 1024} KB "
            f"({seconds:.1f} s).")
