"""Home: the caller's own clients (an admin sees all, with the practitioner's name)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.auth.access import require_user
from dashboard.components.tables import client_table
from dashboard.context import clinic_today, current_db
from dashboard.db.clients import ClientFilters, list_clients
from dashboard.db.sessions import AlertRow, alerts_for

dash.register_page(__name__, path="/", title="Home · Back Pain Care", name="Home")

HOME_LIMIT = 100


def layout(**_query: str) -> html.Div:
    user = require_user()
    today = clinic_today()
    with current_db().read() as db:
        rows, total = list_clients(db, user, ClientFilters(page_size=HOME_LIMIT), today)
        alerts = alerts_for(db, user)
    heading = "All clients" if user.is_admin else "Your clients"
    more = (html.P(f"Showing {len(rows)} of {total}. Use the client list to search.",
                   className="text-body-secondary") if total > len(rows) else None)
    return html.Div([
        html.H1(f"Welcome, {user.name}", className="h3"),
        alert_list(alerts),
        html.H2(f"{heading} ({total})", className="h5 mt-3"),
        client_table(rows, today=today, show_practitioner=user.is_admin, table_id="home-clients")
        if rows else html.P("No clients yet.", id="home-empty"),
        more,
    ])


def alert_list(alerts: list[AlertRow]) -> html.Div | None:
    """Unacknowledged safety alerts first: they outrank everything else on the page."""
    if not alerts:
        return None
    return dbc.Alert([
        html.H2("Safety alerts to acknowledge", className="h5 alert-heading"),
        html.Ul([html.Li([
            dcc.Link(a.client_name, href=f"/clients/{a.client_id}", className="alert-link"),
            f": PHQ-9 item 9 answered above 0 on {a.session_on:%d %b %Y}.",
        ]) for a in alerts], className="mb-0"),
    ], color="danger", className="safety-alert")
