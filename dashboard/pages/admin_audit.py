"""Admin: the audit log, filtered by user, client, action and dates; paginated; CSV out.
Read only: the app offers no way to change or delete an entry."""

from __future__ import annotations

import datetime as dt
import io
import math

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard.auth.access import require_admin, require_user
from dashboard.components.forms import day_input
from dashboard.components.status import admins_only
from dashboard.components.tables import stacked_table
from dashboard.context import client_ip, current_db, current_settings
from dashboard.db.audit import (
    AuditFilters,
    audit_actions,
    audit_rows_for_export,
    list_audit,
    record_audit,
)
from dashboard.db.users import list_users
from dashboard.domain.audit import action_words, detail_words
from dashboard.domain.csvsafe import spreadsheet_safe
from dashboard.domain.dates import DAY_HINT, format_day_time, parse_optional_day
from dashboard.domain.ids import ID_MAX, parse_id, parse_int, parse_page
from dashboard.domain.text import CONTROL_MESSAGE, has_control
from dashboard.pages.ids import admin_audit as ids

dash.register_page(__name__, path="/admin/audit", title="Audit log · Back Pain Care",
                   name="Audit log")

MAX_CLIENT_TEXT = 100
PAGE_SIZE = 50
FILTERS = [State(ids.USER, "value"), State(ids.CLIENT, "value"),
           State(ids.ACTION, "value"), State(ids.START, "value"),
           State(ids.END, "value")]


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        users = [{"label": u.email, "value": str(u.id)} for u in list_users(db)]
        actions = sorted(({"label": action_words(a), "value": a} for a in audit_actions(db)),
                         key=lambda o: o["label"])

    def col(label: str, control, width: int = 2) -> dbc.Col:
        return dbc.Col([dbc.Label(label, html_for=control.id), control], md=width)

    return html.Div([
        html.H1("Audit log", className="h3"),
        dbc.Row([
            col("User", dbc.Select(id=ids.USER, value="any", options=[
                {"label": "Anyone", "value": "any"}, *users]), 3),
            col("Client (name or id)", dbc.Input(id=ids.CLIENT, type="search",
                                                 debounce=True, maxLength=MAX_CLIENT_TEXT)),
            col("Action", dbc.Select(id=ids.ACTION, value="any", options=[
                {"label": "Any action", "value": "any"}, *actions])),
            col("From", day_input(ids.START)),
            col("To", day_input(ids.END)),
            dbc.Col([dbc.Button("Export CSV", id=ids.EXPORT, color="secondary",
                                outline=True), dcc.Download(id=ids.FILE)], md="auto",
                    className="d-flex align-items-end"),
        ], className="g-2 mb-2"),
        html.Div(id=ids.ERROR, className="field-error", role="status"),
        html.P(id=ids.COUNT, className="text-body-secondary", role="status"),
        html.Div(id=ids.TABLE),
        dbc.Pagination(id=ids.PAGES, max_value=1, active_page=1, first_last=True,
                       previous_next=True, fully_expanded=False),
    ])


def _filters(user_id, client_id, action, start, end) -> AuditFilters | str:
    try:
        first, last = parse_optional_day(start), parse_optional_day(end)
    except ValueError:
        return DAY_HINT
    client = str(client_id or "").strip()
    if len(client) > MAX_CLIENT_TEXT:
        return f"A client's name or id: at most {MAX_CLIENT_TEXT} characters."
    if has_control(client, multiline=False):
        return CONTROL_MESSAGE
    # Digits are the client's id (the one id parser); anything else part of a name.
    number = parse_int(client, low=1, high=ID_MAX, strip=True) if client else None
    if client.isdigit() and number is None:  # digits of another script, or out of range
        return "A client id is a number."
    return AuditFilters(
        user_id=parse_id(user_id),
        client_id=number,
        client_name=client if client and number is None else None,
        action=action if isinstance(action, str) and action != "any" else None,
        start=first, end=last)


@callback(
    Output(ids.TABLE, "children"),
    Output(ids.COUNT, "children"),
    Output(ids.PAGES, "max_value"),
    Output(ids.PAGES, "active_page"),
    Output(ids.ERROR, "children"),
    Input(ids.USER, "value"), Input(ids.CLIENT, "value"), Input(ids.ACTION, "value"),
    Input(ids.START, "value"), Input(ids.END, "value"),
    Input(ids.PAGES, "active_page"),
)
def show_log(user_id, client_id, action, start, end, page):
    require_admin()
    filters = _filters(user_id, client_id, action, start, end)
    if isinstance(filters, str):
        return dash.no_update, "", dash.no_update, dash.no_update, filters
    page = parse_page(page) if ctx.triggered_id == ids.PAGES else 1
    tz = current_settings().tz
    with current_db().read() as db:
        rows, total = list_audit(db, filters, page=page, page_size=PAGE_SIZE)
    body = [html.Tr([
        html.Td(format_day_time(r.at.astimezone(tz), seconds=True)), html.Td(r.user),
        html.Td([html.Span(action_words(r.action), title=r.action),
                 dbc.Badge("break glass", color="warning", text_color="dark",
                           className="ms-1") if r.flagged else None]),
        html.Td(f"{r.entity.replace('_', ' ')} {r.entity_id or ''}".strip()),
        html.Td(dcc.Link(r.client_name.strip() or f"#{r.client_id}",
                         href=f"/clients/{r.client_id}") if r.client_id else ""),
        html.Td(r.ip), html.Td(detail_words(r.detail), className="small text-break"),
    ]) for r in rows]
    table = stacked_table(["When", "Who", "Action", "Record", "Client", "From", "Detail"],
                          body, size="sm", striped=True, id=ids.LIST)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return table, f"{total} entries", pages, page, ""


@callback(
    Output(ids.FILE, "data"),
    Input(ids.EXPORT, "n_clicks"),
    *FILTERS,
    prevent_initial_call=True,
)
def export_log(_n, user_id, client_id, action, start, end):
    admin = require_admin()
    filters = _filters(user_id, client_id, action, start, end)
    if isinstance(filters, str):
        return dash.no_update
    with current_db().read() as db:
        rows = audit_rows_for_export(db, filters)
    frame = pd.DataFrame([r.__dict__ for r in rows],
                         columns=["id", "at", "user", "action", "entity", "entity_id",
                                  "client_id", "client_name", "ip", "detail", "flagged"])
    # A cell starting with = + - @ would run as a formula in a spreadsheet (the detail can
    # hold what someone typed into the login form): such text is kept as text.
    for column in ("user", "detail", "ip", "client_name"):
        frame[column] = frame[column].map(spreadsheet_safe)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    with current_db().begin() as db:
        record_audit(db, user_id=admin.id, action="audit_exported", entity="audit_log",
                     ip=client_ip(), detail={"rows": len(rows)})
    return dcc.send_string(buffer.getvalue(), f"audit-{dt.date.today().isoformat()}.csv")
