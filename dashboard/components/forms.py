"""Form pieces: a labelled field with its error message right below it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html


def field(label: str, control: Any, *, error_id: str | dict[str, Any], help_text: str = "",
          width: int = 12) -> dbc.Col:
    """A label, the control, an optional hint, and the place its error message appears.

    The error element is a live region, so a screen reader announces a new message.
    """
    control_id = getattr(control, "id", None)
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
