"""The client details form, shared by the new-client and edit pages (each page gives the
form its own ids: a ClientFormIds from its registry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.forms import day_input, field
from dashboard.components.ids import ClientFormIds

CLIENT_FIELDS = ("given_name", "family_name", "date_of_birth", "email", "phone")


def client_form(ids: ClientFormIds, *, values: dict[str, Any] | None = None, today: dt.date,
                submit_label: str, practitioners: list[tuple[int, str]],
                can_assign: bool) -> dbc.Form:
    """The form; Enter in any field submits it (``n_submit`` on ``ids.form``).

    ``practitioners`` (id, name) to choose from; only admins may choose (``can_assign``).
    """
    values = values or {}

    # Plain text inputs without min/max: the browser's own validation would silently block
    # the submit, while the server's messages appear next to each field.
    def text_input(name: str, mode: str = "text") -> dbc.Input:
        return dbc.Input(id=ids.fields[name], type="text", inputMode=mode,
                         value=values.get(name, ""), maxLength=254, autoComplete="off")

    dob = values.get("date_of_birth")
    assign = dbc.Row([field("Practitioner", dcc.Dropdown(
        id=ids.fields["practitioner_id"],
        options=[{"label": name, "value": pid} for pid, name in practitioners],
        value=values.get("practitioner_id"), clearable=False, disabled=not can_assign),
        error_id=ids.errors["practitioner_id"], width=6)])
    return dbc.Form(id=ids.form, children=[
        dbc.Row([
            field("Given name", text_input("given_name"), error_id=ids.errors["given_name"],
                  width=6),
            field("Family name", text_input("family_name"),
                  error_id=ids.errors["family_name"], width=6),
        ]),
        dbc.Row([
            field("Date of birth", day_input(
                ids.fields["date_of_birth"], dob if isinstance(dob, dt.date) else None),
                error_id=ids.errors["date_of_birth"], width=4),
            field("Email (optional)", text_input("email", "email"),
                  error_id=ids.errors["email"], width=4),
            field("Phone (optional)", text_input("phone", "tel"),
                  error_id=ids.errors["phone"], width=4),
        ]),
        assign,
        html.Div(id=ids.duplicate, role="status"),
        dcc.Store(id=ids.confirmed_duplicate),
        dbc.Button(submit_label, id=ids.submit, color="primary", type="submit"),
        html.Div(id=ids.result, className="mt-3", role="status"),
    ])
