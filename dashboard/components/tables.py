"""Client tables shared by the home page and the client list."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.status import episode_badge, pain_with_change, status_badge
from dashboard.db.clients import ClientRow
from dashboard.domain.people import age_on


def day_text(value: dt.date | None) -> str:
    """A day as lists show it, or a dash for none."""
    return value.strftime("%d %b %Y") if value else "—"


def client_table(rows: list[ClientRow], *, today: dt.date, show_practitioner: bool,
                 table_id: str) -> dbc.Table:
    header = ["Name", "Age"] + (["Practitioner"] if show_practitioner else []) + [
        "Last session", "Pain (change)", "Status", "Next due"]
    body = []
    for row in rows:
        due = row.next_due_on
        due_text = day_text(due) + (" · overdue" if due and due < today else "")
        cells = [
            html.Td(dcc.Link(row.full_name, href=f"/clients/{row.id}")),
            html.Td(age_on(row.date_of_birth, today)),
        ]
        if show_practitioner:
            cells.append(html.Td(row.practitioner_name))
        cells += [
            html.Td(day_text(row.last_session_on)),
            html.Td(pain_with_change(row.latest_pain, row.baseline_pain)),
            html.Td([status_badge(row.status), episode_badge(row.episode_state)]),
            html.Td(due_text),
        ]
        body.append(html.Tr(cells))
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(body)],
        hover=True, responsive=True, className="client-table", id=table_id,
    )
