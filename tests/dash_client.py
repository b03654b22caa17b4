"""Calling a Dash callback over HTTP exactly as the browser does, to test what the server
answers to a forged or anonymous request."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def _parse_outputs(output: str) -> list[dict[str, str]]:
    specs = output.strip(".").split("...") if output.startswith("..") else [output]
    result = []
    for spec in specs:
        component, prop = spec.rsplit(".", 1)
        result.append({"id": component, "property": prop})
    return result


def call_callback(
    http: FlaskClient, output: str, inputs: list[dict[str, Any]],
    state: list[dict[str, Any]] | None = None,
) -> TestResponse:
    outputs = _parse_outputs(output)
    payload = {
        "output": output,
        "outputs": outputs if len(outputs) > 1 or output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
    }
    return http.post("/_dash-update-component", json=payload)


def open_page(http: FlaskClient, pathname: str) -> TestResponse:
    """The callback Dash pages runs when the URL changes: it renders the page's layout."""
    return call_callback(http, ".._pages_content.children..._pages_store.data..", [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": ""},
    ])
