"""Components written as Dash's JSON (``as_json``) are what Dash itself sends for them."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
import pytest
from dash import html
from plotly.io.json import to_json_plotly

from dashboard.components.attributes import as_json, data, prop_of
from dashboard.components.forms import number_input
from dashboard.pages.client import ids

# Every class and shape of props the pages write as JSON (forms, the plan builder's rows,
# the questionnaires, the session history's actions).
CASES = [
    (dbc.Input, {"id": {"type": ids.DOSE, "part": 7, "field": "sets"}, "type": "text",
                 "inputMode": "numeric", "value": 3, "maxLength": 6, "autoComplete": "off",
                 "size": "sm", "className": "dose-input", "placeholder": "1-10"}),
    (dbc.Input, {"id": ids.SESSION_PAIN, "type": "text", "autoFocus": True, "maxLength": 6}),
    (dbc.Checkbox, {"id": {"type": ids.INCLUDE, "part": 7}, "label": "Walk",
                    "value": False, "label_class_name": "fw-semibold"}),
    (dbc.RadioItems, {"id": {"type": ids.SESSION_Q_ITEM, "instrument": "PHQ9", "item": 9},
                      "options": [{"label": "0 Not at all", "value": 0}],
                      "name": "PHQ9-item-9", "inline": True, "className": "small"}),
    (dbc.Button, {"children": "Edit", "id": {"type": ids.SESSION_EDIT, "session": 3},
                  "size": "sm", "color": "link", "className": "p-0 me-2"}),
    (dbc.Col, {"children": "x", "lg": 5}),
    (dbc.Col, {"children": ["x"], "md": 4}),
    (dbc.Row, {"children": []}),
    (dbc.Label, {"children": "Pain (0-10)", "html_for": ids.SESSION_PAIN}),
    (html.Fieldset, {"children": [], "className": "mb-2"}),
    (html.Legend, {"children": "1. Little interest", "className": "small"}),
    (html.Div, {"id": ids.SESSION_ERRORS["pain"], "className": "field-error", "role": "status"}),
    (html.Span, {"children": "Delete", **data(confirm="Delete the session?")}),
]


@pytest.mark.parametrize(("component", "props"), CASES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(CASES)])
def test_the_json_is_what_dash_sends_for_the_component(component, props):
    def sent(made: object) -> dict:
        # A prop that is None reaches the browser as no prop (an html element's children).
        tree = json.loads(to_json_plotly(made))
        tree["props"] = {k: v for k, v in tree["props"].items() if v is not None}
        return tree

    assert sent(as_json(component, **props)) == sent(component(**props))


def test_a_prop_the_component_does_not_take_is_refused_as_dash_refuses_it():
    for made in (lambda: dbc.Input(**{"data-x": "1"}),
                 lambda: dbc.Input(id={"type": ids.DOSE, "part": [1]})):
        with pytest.raises(TypeError):
            made()
    with pytest.raises(TypeError):
        as_json(dbc.Input, **{"data-x": "1"})  # data-* only on html's elements
    assert as_json(html.Span, **{"data-label": "Pain"})["props"] == {"data-label": "Pain"}
    with pytest.raises(TypeError):
        as_json(dbc.Input, id={"type": ids.DOSE, "part": [1]})
    with pytest.raises(TypeError):
        dbc.Input(id=ids.SESSION_PAIN, maxLenght=6)
    with pytest.raises(TypeError, match="maxLenght"):
        # Misspelt, it would reach the browser, which ignores it.
        as_json(dbc.Input, id=ids.SESSION_PAIN, maxLenght=6)


def test_an_empty_box_is_sent_without_a_value_which_a_callback_reads_as_none():
    """A number box with nothing in it (number_input) is sent with no value at all, where
    the component would send null: the browser draws both as an empty box, and a callback
    reading the box's value gets None either way (dash._utils.inputs_to_vals)."""
    empty = number_input({"type": ids.DOSE, "part": 7, "field": "sets"}, None)
    assert "value" not in empty["props"]
    made = dbc.Input(id={"type": ids.DOSE, "part": 7, "field": "sets"}, type="text",
                     inputMode="numeric", value=None, maxLength=6, autoComplete="off")
    sent = json.loads(to_json_plotly(made))
    assert sent["props"].pop("value") is None
    assert sent["props"] == empty["props"]


def test_a_prop_is_read_the_same_from_either_form():
    made = dbc.Input(id=ids.SESSION_PAIN, value=4)
    written = as_json(dbc.Input, id=ids.SESSION_PAIN, value=4)
    assert prop_of(made, "id") == prop_of(written, "id") == ids.SESSION_PAIN
    assert prop_of(written, "placeholder") is None
