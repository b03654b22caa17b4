"""The checks a FHIR validator makes on an exported Bundle, beyond the model validation
``fhir.resources`` does: every reference and canonical resolves inside the Bundle, every
response fits its Questionnaire, every code is in its code system."""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle

# External code systems the export may use without publishing them.
EXTERNAL_SYSTEMS = {
    "http://loinc.org", "http://unitsofmeasure.org",
    "http://terminology.hl7.org/CodeSystem/goal-achievement",
    "http://terminology.hl7.org/CodeSystem/observation-category",
}


def parse(text: str) -> Bundle:
    """Validates the Bundle and every resource in it against the R4B models."""
    return Bundle.model_validate_json(text)


def resources(data: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"]
            if kind is None or e["resource"]["resourceType"] == kind]


def by_full_url(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in data["entry"]}


def _walk(node: Any, key: str):
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _walk(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def _codings(node: Any):
    if isinstance(node, dict):
        if "system" in node and "code" in node and "value" not in node:
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _codings(item)


def _answer_items(items: list[dict[str, Any]]):
    for item in items:
        yield item
        yield from _answer_items(item.get("item", []))


def check_bundle(text: str) -> dict[str, Any]:
    """Everything a validator would refuse, as assertion errors; the Bundle as JSON."""
    parse(text)
    data = json.loads(text)
    full_urls = [e["fullUrl"] for e in data["entry"]]
    assert len(full_urls) == len(set(full_urls)), "duplicate fullUrl"
    entries = by_full_url(data)
    for reference in _walk(data, "reference"):
        assert reference in entries, f"unresolved reference {reference}"
    questionnaires = {q["url"]: q for q in resources(data, "Questionnaire")}
    code_systems = {c["url"]: {x["code"] for x in c["concept"]}
                    for c in resources(data, "CodeSystem")}
    for response in resources(data, "QuestionnaireResponse"):
        form = questionnaires.get(response["questionnaire"])
        assert form is not None, f"unresolved canonical {response['questionnaire']}"
        form_items = {i["linkId"]: i for i in _answer_items(form["item"])}
        for item in _answer_items(response["item"]):
            assert item["linkId"] in form_items, f"{item['linkId']} not in {form['url']}"
            options = [o["valueCoding"]["code"]
                       for o in form_items[item["linkId"]].get("answerOption", [])]
            for answer in item.get("answer", []):
                if "valueCoding" in answer:
                    assert answer["valueCoding"]["code"] in options
    for coding in _codings(data):
        system = coding["system"]
        if system in EXTERNAL_SYSTEMS:
            continue
        assert system in code_systems, f"code system {system} is not in the Bundle"
        assert coding["code"] in code_systems[system], f"{coding['code']} not in {system}"
    return data
