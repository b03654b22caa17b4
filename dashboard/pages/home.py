"""Home: the caller's own clients (an admin sees all, with the practitioner's name)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.auth.access import require_user
from dashboard.components.tables import client_table
from dashboard.context import clinic_today, current_db
from dashboard.db.clients import ClientFilters, list_clients

dash.register_page(__name__, path="/", title="Home · Back Pain Care", name="Home")

HOME_LIMIT = 100


def layout(**_query: str) -> html.Div:
    user = require_user()
    today = clinic_today()
    with current_db().read() as db:
        rows, total = list_clients(db, user, ClientFilters(page_size=HOME_LIMIT), today)
    heading = "All clients" if user.is_admin else "Your clients"
    more = (html.P(f"Showing {len(rows)} of {total}. Use the client list to search.",
                   className="text-body-secondary") if total > len(rows) else None)
    return html.Div([
        html.H1(f"Welcome, {user.name}", className="h3"),
        html.H2(f"{heading} ({total})", className="h5 mt-3"),
        client_table(rows, today=today, show_practitioner=user.is_admin, table_id="home-clients")
        if rows else html.P("No clients yet.", id="home-empty"),
        more,
    ])
