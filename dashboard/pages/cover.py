"""Cover a colleague: find a client across the clinic by name, to open them with a reason.

Shows only what tells the right person apart before any reason is given (name, year of
birth, their practitioner: docs/SECURITY.md, "choices made on purpose"), at most 20, and only
after 3 letters; every search is audited by the ids it showed (not by the words typed, which
an erasure could not find). The full date of birth and the record open only with a reason."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard.auth.access import AccessDenied, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.tables import stacked_table
from dashboard.context import client_ip, current_db
from dashboard.db.break_glass import find_clinic_clients
from dashboard.domain.privacy import SEARCH_LIMIT, search_problem
from dashboard.pages.ids import cover as ids

dash.register_page(__name__, path="/cover", title="Cover a colleague · Back Pain Care",
                   name="Cover a colleague")



def layout(**_query: str) -> html.Div:
    user = require_user()
    if user.role != "practitioner":
        return html.Div([html.H1("Cover a colleague", className="h3"),
                         html.P("Admins see every client from the client list.")])
    return html.Div([
        html.H1("Cover a colleague", className="h3"),
        html.P("Find a client of another practitioner by name. Opening their record asks "
               "for your reason; it is flagged in the audit log and lasts for today."),
        dbc.Label("Client's name", html_for=ids.SEARCH),
        dbc.Input(id=ids.SEARCH, type="search", debounce=True, autoComplete="off",
                  maxLength=100, style={"maxWidth": "24rem"}),
        html.Div(id=ids.ERROR, className="field-error", role="status"),
        html.Div(id=ids.RESULTS, className="mt-3"),
    ])


@callback(
    Output(ids.RESULTS, "children"),
    Output(ids.ERROR, "children"),
    Input(ids.SEARCH, "value"),
    prevent_initial_call=True,
)
def search(text):
    user = require_user()
    if user.role != "practitioner":
        raise AccessDenied("for practitioners")
    text, problem = search_problem(text)
    if problem:
        return None, problem
    with current_db().begin() as db:
        rows = find_clinic_clients(db, user, text)
        record_audit(db, user_id=user.id, action="clinic_search", entity="client",
                     ip=client_ip(), detail={"shown": [r.id for r in rows]})
    if not rows:
        return html.P("No client of the clinic has that name."), ""
    body = [html.Tr([
        html.Td(dcc.Link(r.full_name, href=f"/clients/{r.id}")),
        html.Td(f"{r.date_of_birth:%Y}"),
        html.Td("you" if r.yours else r.practitioner),
    ]) for r in rows]
    more = html.P(f"Showing the first {SEARCH_LIMIT}: type more of the name.",
                  className="small") if len(rows) >= SEARCH_LIMIT else None
    return html.Div([stacked_table(["Name", "Year of birth", "Practitioner"], body, size="sm",
                                   id=ids.TABLE), more]), ""
