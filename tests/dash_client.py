"""Calling a Dash callback over HTTP exactly as the browser does, to test what the server
answers to a forged or anonymous request."""

from __future__ import annotations

import json
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


def dependencies(http: FlaskClient) -> list[dict[str, Any]]:
    response = http.get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def _split_outputs(output: str) -> list[tuple[str, str]]:
    specs = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(spec.rsplit(".", 1)) for spec in specs]  # type: ignore[misc]


def build_payload(deps: list[dict[str, Any]], output_contains: str, values: dict[str, Any],
                  triggered: str | None = None) -> dict[str, Any]:
    """The JSON the browser posts to /_dash-update-component for the callback whose output
    names ``output_contains``.

    ``values`` maps "id.property" to a value for plain ids, and a pattern's ``type`` to a
    list of (id dict, value) pairs for ALL wildcards, as the browser would send them.
    """
    dep = next(d for d in deps if output_contains in d["output"])

    def resolve(component: str, prop: str, with_value: bool) -> Any:
        if component.startswith("{"):
            pattern = json.loads(component)
            matched = [({"id": cid, "property": prop, "value": v} if with_value
                        else {"id": cid, "property": prop})
                       for cid, v in values.get(pattern["type"], [])]
            # MATCH stands for one component, ALL for a list of them.
            return matched[0] if ["MATCH"] in pattern.values() else matched
        item: dict[str, Any] = {"id": component, "property": prop}
        if with_value:
            item["value"] = values.get(f"{component}.{prop}")
        return item

    outputs = [resolve(c, p, False) for c, p in _split_outputs(dep["output"])]
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [resolve(i["id"], i["property"], True) for i in dep["inputs"]],
        "state": [resolve(s["id"], s["property"], True) for s in dep["state"]],
        "changedPropIds": [triggered or f"{first['id']}.{first['property']}"],
    }


def invoke(http: FlaskClient, output_contains: str, values: dict[str, Any],
           triggered: str | None = None, deps: list[dict[str, Any]] | None = None) -> TestResponse:
    """Call a registered callback over HTTP as the browser would (see ``build_payload``)."""
    payload = build_payload(deps or dependencies(http), output_contains, values, triggered)
    return http.post("/_dash-update-component", json=payload)


def page_layout(response: TestResponse) -> Any:
    """The component tree a page callback (``open_page``) answered with."""
    return response.get_json()["response"]["_pages_content"]["children"]


def _children(node: Any) -> list[Any]:
    if isinstance(node, list):
        return node
    if isinstance(node, dict):
        children = node.get("props", {}).get("children")
        return children if isinstance(children, list) else [children]
    return []


def find_component(tree: Any, component_id: str) -> dict[str, Any] | None:
    """The component with this id anywhere in a serialised layout."""
    if isinstance(tree, dict) and tree.get("props", {}).get("id") == component_id:
        return tree
    for child in _children(tree):
        found = find_component(child, component_id)
        if found is not None:
            return found
    return None


def components_of_type(tree: Any, type_name: str) -> list[dict[str, Any]]:
    """Every component of this type ("Li", "Tr", ...) in a serialised layout."""
    found = [tree] if isinstance(tree, dict) and tree.get("type") == type_name else []
    for child in _children(tree):
        found += components_of_type(child, type_name)
    return found


def text_of(tree: Any) -> str:
    """The text a serialised layout shows (its strings and numbers, in order)."""
    if isinstance(tree, str | int | float) and not isinstance(tree, bool):
        return str(tree)
    return " ".join(text_of(child) for child in _children(tree) if child is not None)
