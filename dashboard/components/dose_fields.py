"""A part's dose as form fields, for every editor of doses (the plan builder, the template
editor): the fields its kind of dose has, each a whole-number box, and the one reader of
what the browser sends back from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import html

from dashboard.components.attributes import as_json
from dashboard.components.forms import number_input
from dashboard.domain.dose import LABELS, LIMITS, Dose

FIELDS_BY_KIND = {
    "timed": ("minutes_min", "minutes_max", "times_per_day", "days_per_week"),
    "exercise": ("sets", "reps", "hold_seconds", "times_per_day", "days_per_week"),
    "advice": ("days_per_week",),
}


def dose_inputs(kind: str, dose: Dose, field_id: Callable[[str], dict[str, Any]]) -> list:
    """One labelled box per field of this kind of dose, filled with ``dose``; ``field_id``
    gives the editor's own pattern id for a field name."""
    inputs = []
    for name in FIELDS_BY_KIND[kind]:
        low, high = LIMITS[name]
        # The label and its text as Dash's JSON (as_json): a plan builder draws some 130.
        inputs.append(as_json(html.Label, className="me-2 mb-1", children=[
            as_json(html.Span, children=LABELS[name], className="small d-block"),
            number_input(field_id(name), getattr(dose, name), size="sm",
                         className="dose-input", placeholder=f"{low}-{high}"),
        ]))
    return inputs


def doses_typed(states: list[dict]) -> dict[int, dict[str, object]]:
    """Each part's dose fields as typed, by part id, from the states of the fields' pattern
    ids ({"part": id, "field": name}). An entry of another shape (only a forged request
    sends one) is left out; the part's dose is then checked without it."""
    typed: dict[int, dict[str, object]] = {}
    for state in states:
        component = state.get("id") if isinstance(state, dict) else None
        if not isinstance(component, dict):
            continue
        part, name = component.get("part"), component.get("field")
        if isinstance(part, int) and not isinstance(part, bool) and name in LIMITS:
            typed.setdefault(part, {})[name] = state.get("value")
    return typed
