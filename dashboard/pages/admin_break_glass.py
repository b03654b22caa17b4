"""Admin: every break-glass opening (a practitioner opening a client who is not theirs):
who, which client and whose, the reason given, when. Read only."""

from __future__ import annotations

import math

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard.auth.access import require_admin, require_user
from dashboard.components.status import admins_only
from dashboard.components.tables import stacked_table
from dashboard.context import current_db, current_settings
from dashboard.db.break_glass import list_break_glass
from dashboard.domain.dates import format_day, format_day_time
from dashboard.domain.ids import parse_page
from dashboard.pages.ids import admin_break_glass as ids

dash.register_page(__name__, path="/admin/break-glass", title="Break glass · Back Pain Care",
                   name="Break-glass openings")

PAGE_SIZE = 50


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    return html.Div([
        html.H1("Break-glass openings", className="h3"),
        html.P(["Practitioners who opened a client not in their care, with their reason. "
                "What they did in the record is flagged in the ",
                dcc.Link("audit log", href="/admin/audit"), "."]),
        html.P(id=ids.COUNT, className="text-body-secondary", role="status"),
        html.Div(id=ids.TABLE),
        dbc.Pagination(id=ids.PAGES, max_value=1, active_page=1, first_last=True,
                       previous_next=True, fully_expanded=False),
    ])


@callback(
    Output(ids.TABLE, "children"),
    Output(ids.COUNT, "children"),
    Output(ids.PAGES, "max_value"),
    Input(ids.PAGES, "active_page"),
)
def show_openings(page):
    require_admin()
    page = parse_page(page)
    tz = current_settings().tz
    with current_db().read() as db:
        rows, total = list_break_glass(db, page=page, page_size=PAGE_SIZE)
    body = [html.Tr([
        html.Td(format_day_time(r.opened_at.astimezone(tz))),
        html.Td(r.user),
        html.Td(dcc.Link(f"{r.client_name} (#{r.client_id})", href=f"/clients/{r.client_id}")),
        html.Td(r.practitioner),
        html.Td(r.reason, className="text-break"),
        html.Td(format_day(r.valid_on)),
    ]) for r in rows]
    table = stacked_table(["When", "Who", "Client", "Their practitioner", "Reason",
                           "Valid on"], body, size="sm", striped=True, id=ids.LIST)
    return table, f"{total} openings", max(1, math.ceil(total / PAGE_SIZE))
