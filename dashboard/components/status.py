"""Status badges and small text pieces shared by lists and pages."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.attributes import as_json
from dashboard.domain.episodes import EPISODE_STATE_LABELS
from dashboard.domain.status import STATUS_LABELS

# Text labels carry the meaning; colours only support them (safe for colour-blind readers).
STATUS_COLOURS = {
    "improving": "success",
    "stable": "secondary",
    "worsening": "danger",
    "not_enough_data": "light",
}


def status_badge(status: str) -> Any:
    """A pain status as a badge (as Dash's JSON: one on every row of the client lists)."""
    colour = STATUS_COLOURS.get(status, "light")
    return as_json(dbc.Badge, children=STATUS_LABELS.get(status, status), color=colour,
                   text_color="dark" if colour == "light" else None,
                   className="status-badge")


def pain_with_change(latest: int | None, baseline: int | None) -> str:
    if latest is None:
        return "—"
    if baseline is None or baseline == latest:
        return str(latest)
    return f"{latest} ({latest - baseline:+d})"


def client_not_found() -> html.Div:
    """The same answer for "no such client" and "not yours": nothing about who exists."""
    return html.Div([
        html.H1("Client not found", className="h3"),
        html.P("There is no such client, or they are not one of yours."),
        dcc.Link("Back to clients", href="/clients"),
    ])


def admins_only() -> html.Div:
    """What a practitioner sees on an admin page (its callbacks refuse them on the server)."""
    return html.Div([html.H1("Admins only", className="h3"),
                     html.P("This page is for clinic admins.")])


EPISODE_COLOURS = {"open": "info", "flagged": "danger", "discharged": "dark"}


def episode_badge(state: str) -> Any:
    """Only the states worth a glance: a red flag, or a discharged client."""
    if state not in ("flagged", "discharged"):
        return None
    return as_json(dbc.Badge, children=EPISODE_STATE_LABELS[state],
                   color=EPISODE_COLOURS[state], className="episode-badge ms-1")
