"""The client details form, shared by the new-client and edit pages (ids prefixed per page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.forms import day_input, field

CLIENT_FIELDS = ("given_name", "family_name", "date_of_birth", "email", "phone")


def field_id(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"


def error_id(prefix: str, name: str) -> str:
    return f"{prefix}-{name}-error"


def client_form(prefix: str, *, values: dict[str, Any] | None = None, today: dt.date,
                submit_label: str, practitioners: list[tuple[int, str]],
                can_assign: bool) -> dbc.Form:
    """The form; Enter in any field submits it (``n_submit`` on ``{prefix}-form``).

    ``practitioners`` (id, name) to choose from; only admins may choose (``can_assign``).
    """
    values = values or {}

    # Plain text inputs without min/max: the browser's own validation would silently block
    # the submit, while the server's messages appear next to each field.
    def text_input(name: str, mode: str = "text") -> dbc.Input:
        return dbc.Input(id=field_id(prefix, name), type="text", inputMode=mode,
                         value=values.get(name, ""), maxLength=254, autoComplete="off")

    dob = values.get("date_of_birth")
    assign = dbc.Row([field("Practitioner", dcc.Dropdown(
        id=field_id(prefix, "practitioner_id"),
        options=[{"label": name, "value": pid} for pid, name in practitioners],
        value=values.get("practitioner_id"), clearable=False, disabled=not can_assign),
        error_id=error_id(prefix, "practitioner_id"), width=6)])
    return dbc.Form(id=f"{prefix}-form", children=[
        dbc.Row([
            field("Given name", text_input("given_name"), error_id=error_id(prefix, "given_name"),
                  width=6),
            field("Family name", text_input("family_name"),
                  error_id=error_id(prefix, "family_name"), width=6),
        ]),
        dbc.Row([
            field("Date of birth", day_input(
                field_id(prefix, "date_of_birth"), dob if isinstance(dob, dt.date) else None),
                error_id=error_id(prefix, "date_of_birth"), width=4),
            field("Email (optional)", text_input("email", "email"),
                  error_id=error_id(prefix, "email"), width=4),
            field("Phone (optional)", text_input("phone", "tel"),
                  error_id=error_id(prefix, "phone"), width=4),
        ]),
        assign,
        html.Div(id=f"{prefix}-duplicate", role="status"),
        dcc.Store(id=f"{prefix}-confirmed-duplicate"),
        dbc.Button(submit_label, id=f"{prefix}-submit", color="primary", type="submit"),
        html.Div(id=f"{prefix}-result", className="mt-3", role="status"),
    ])
