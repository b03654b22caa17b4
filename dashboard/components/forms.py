"""Form pieces: a labelled field with its error message right below it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.attributes import as_json, prop_of
from dashboard.domain.dates import DAY_EXAMPLE, MAX_TYPED_DAY, format_day


def field(label: str, control: Any, *, error_id: str | dict[str, Any], help_text: str = "",
          width: int = 12) -> dbc.Col:
    """A label, the control, an optional hint, and the place its error message appears.

    The error element is a live region, so a screen reader announces a new message.
    """
    control_id = prop_of(control, "id")
    return dbc.Col([
        dbc.Label(label, html_for=control_id if isinstance(control_id, str) else None),
        control,
        html.Small(help_text, className="form-text text-body-secondary d-block")
        if help_text else None,
        html.Div(id=error_id, className="field-error", role="status"),
    ], md=width, className="mb-3")


def errors_for(keys: list[str], errors: dict[str, str]) -> list[str]:
    """The messages for a list of error slots, empty strings where all is well."""
    return [errors.get(key, "") for key in keys]


def day_input(id_: str | dict[str, Any], day: dt.date | None = None, **attrs: Any
              ) -> dbc.Input:
    """Every date field of the app: a text box holding the day as the app writes it
    ("30 Nov 2026"), read back by ``dashboard.domain.dates.parse_day``. Not the browser's
    date input, which shows the day in the order of the computer's language (11/30/2026 on
    one, 30/11/2026 on the next): see dashboard/domain/dates.py."""
    return dbc.Input(id=id_, type="text", value=format_day(day) if day else "",
                     placeholder=f"e.g. {DAY_EXAMPLE}", maxLength=MAX_TYPED_DAY,
                     autoComplete="off", **attrs)


def number_input(id_: str | dict[str, Any], value: int | None, **kwargs: Any) -> Any:
    """A text box for a whole number. Not type="number": the browser would turn an
    out-of-range entry into an empty value, and the user would never learn why.
    As Dash's JSON (``as_json``): a record's page draws some sixty of them."""
    return as_json(dbc.Input, id=id_, type="text", inputMode="numeric", value=value,
                   maxLength=6, autoComplete="off", **kwargs)
