"""HTML attributes Dash components take as keyword arguments its type hints do not list, and
components written as the JSON Dash sends for them."""

from __future__ import annotations

import functools
import inspect
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
    allowed = _accepted(component)
    # Dash takes data-* and aria-* attributes on html's elements, and on no other library's.
    wildcards = ("data-", "aria-") if component._namespace == "dash_html_components" else ()
    for name in props:
        # What the component's own constructor refuses: a misspelt prop would otherwise
        # reach the browser, which ignores it without a word.
        if name not in allowed and not (wildcards and name.startswith(wildcards)):
            raise TypeError(f"{component.__name__} takes no prop {name!r}")
    ident = props.get("id")
    if isinstance(ident, dict) and not all(
            isinstance(k, str) and isinstance(v, str | int | float | bool)
            for k, v in ident.items()):
        raise TypeError(f"a pattern id's keys are strings, its values plain: {ident!r}")
    return {"type": component._type, "namespace": component._namespace,
            "props": {name: value for name, value in props.items() if value is not None}}


@functools.cache
def _accepted(component: type[Component]) -> frozenset[str]:
    """The props a class takes: its constructor's named parameters."""
    return frozenset(name for name, parameter in
                     inspect.signature(component.__init__).parameters.items()
                     if name != "self" and parameter.kind in (
                         inspect.Parameter.KEYWORD_ONLY,
                         inspect.Parameter.POSITIONAL_OR_KEYWORD))


def prop_of(component: Any, name: str) -> Any:
    """A prop of a component made either way: an object, or its JSON from ``as_json``."""
    if isinstance(component, dict):
        return component.get("props", {}).get(name)
    return getattr(component, name, None)
