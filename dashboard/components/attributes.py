"""HTML attributes Dash components take as keyword arguments its type hints do not list."""

from __future__ import annotations

from typing import Any


def aria(**attributes: str) -> dict[str, Any]:
    """``aria(label="Plan")`` -> ``{"aria-label": "Plan"}``, to pass as ``**aria(...)``."""
    return {f"aria-{name.replace('_', '-')}": value for name, value in attributes.items()}


def data(**attributes: str) -> dict[str, Any]:
    """``data(range="all")`` -> ``{"data-range": "all"}``, to pass as ``**data(...)``; an
    underscore in a name is a hyphen in the attribute (``unsaved_result``)."""
    return {f"data-{name.replace('_', '-')}": value for name, value in attributes.items()}
