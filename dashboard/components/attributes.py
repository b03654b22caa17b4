"""HTML attributes Dash components take as keyword arguments its type hints do not list, and
components written as the JSON Dash sends for them."""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component


def aria(**attributes: str) -> dict[str, Any]:
    """``aria(label="Plan")`` -> ``{"aria-label": "Plan"}``, to pass as ``**aria(...)``."""
    return {f"aria-{name.replace('_', '-')}": value for name, value in attributes.items()}


def data(**attributes: str) -> dict[str, Any]:
    """``data(range="all")`` -> ``{"data-range": "all"}``, to pass as ``**data(...)``; an
    underscore in a name is a hyphen in the attribute (``unsaved_result``)."""
    return {f"data-{name.replace('_', '-')}": value for name, value in attributes.items()}


def as_json(component: type[Component], **props: object) -> Any:
    """A component of this class as the JSON Dash sends for it (what ``to_plotly_json``
    makes: its type and namespace from the class itself), without making the component:
    for the pieces repeated on every row of a list (a name's link, a status badge), which
    made up most of a list's components. Props given as None are left out, as Dash does.
    Typed Any: Dash's type hints take components as children, not the JSON standing for
    them, which Dash takes all the same."""
    return {"type": component._type, "namespace": component._namespace,
            "props": {name: value for name, value in props.items() if value is not None}}
