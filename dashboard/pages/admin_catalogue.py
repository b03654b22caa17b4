"""Admin: the strategy catalogue. Edit a part's wording and default dose, add a part, retire
one. Each edit raises the part's revision; plans already given keep the wording they were
given with (each plan version holds its own copy), so their handouts never change."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from dashboard.auth.access import require_admin, require_user
from dashboard.components.status import admins_only
from dashboard.context import client_ip, current_db
from dashboard.db.catalogue import (
    NAME_TAKEN,
    CeilingConflict,
    Unchanged,
    get_part,
    list_strategies,
)
from dashboard.db.catalogue import save_part as save_catalogue_part
from dashboard.domain.catalogue_edit import check_part
from dashboard.domain.dose import DOSE_KINDS, LABELS, LIMITS
from dashboard.domain.ids import parse_id
from dashboard.pages.catalogue_picture import picture_section
from dashboard.pages.ids import admin_catalogue as ids

dash.register_page(__name__, path="/admin/catalogue", title="Catalogue · Back Pain Care",
                   name="Catalogue")

NUMBERS = tuple(LIMITS)
TEXTS = ("name", "instructions", "cautions")
CEILING = "max_minutes"  # the part's safe ceiling of minutes at a time (issue 17, item 9)
FIELDS = (*TEXTS, *NUMBERS, CEILING)


def _options(strategies: list) -> list[dict]:
    options = []
    for s in strategies:
        options += [{"label": f"{s.name}: {p.name}" + (" (retired)" if p.retired else ""),
                     "value": str(p.id)} for p in s.parts]
        options.append({"label": f"{s.name}: + a new part", "value": f"new-{s.id}"})
    return options


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        options = _options(list_strategies(db))

    def number(name: str) -> dbc.Col:
        return dbc.Col([dbc.Label(LABELS[name], html_for=ids.FIELDS[name], className="small"),
                        dbc.Input(id=ids.FIELDS[name], type="text", inputMode="numeric",
                                  size="sm"),
                        html.Div(id=ids.FIELD_ERRORS[name], className="field-error")], md=3)

    return html.Div([
        html.H1("Strategy catalogue", className="h3"),
        html.P("Changes apply to plans made from now on. Plans already given keep their "
               "wording and their handouts do not change.", className="text-body-secondary"),
        dbc.Label("Part", html_for=ids.PART),
        dbc.Select(id=ids.PART, options=options, placeholder="Choose a part…",
                   className="mb-3"),
        dbc.Form(id=ids.FORM, children=[
            dbc.Row([
                dbc.Col([dbc.Label("Name", html_for=ids.NAME),
                         dbc.Input(id=ids.NAME, type="text", maxLength=100),
                         html.Div(id=ids.NAME_ERROR, className="field-error")], md=6),
                dbc.Col([dbc.Label("Dose kind", html_for=ids.KIND),
                         dbc.Select(id=ids.KIND, value="advice", options=[
                             {"label": k, "value": k} for k in DOSE_KINDS])], md=3),
                dbc.Col(dbc.Checkbox(id=ids.RETIRED, label="Retired (not offered in new "
                                     "plans)", value=False), md=3,
                        className="d-flex align-items-end"),
            ], className="mb-2"),
            dbc.Label("Instructions for the client", html_for=ids.INSTRUCTIONS),
            dbc.Textarea(id=ids.INSTRUCTIONS, rows=4, maxLength=2000),
            html.Div(id=ids.INSTRUCTIONS_ERROR, className="field-error"),
            dbc.Label("Safety cautions (optional)", html_for=ids.CAUTIONS,
                      className="mt-2"),
            dbc.Textarea(id=ids.CAUTIONS, rows=3, maxLength=2000),
            html.Div(id=ids.CAUTIONS_ERROR, className="field-error"),
            html.Fieldset([html.Legend("Default dose", className="h6 mt-3"),
                           dbc.Row([number(n) for n in NUMBERS])]),
            html.Fieldset([
                html.Legend("Safe ceiling", className="h6 mt-3"),
                html.P("For a timed part: the most minutes at a time that is safe (the seed: "
                       "heat 20, cold 15). Empty for none. Plans past it need the "
                       "practitioner's reason, printed on the handout; defaults and "
                       "templates keep within it.", className="small text-body-secondary"),
                dbc.Row(dbc.Col([
                    dbc.Label("At most (minutes at a time)", html_for=ids.FIELDS[CEILING],
                              className="small"),
                    dbc.Input(id=ids.FIELDS[CEILING], type="text", inputMode="numeric",
                              size="sm"),
                    html.Div(id=ids.FIELD_ERRORS[CEILING], className="field-error")], md=3)),
            ]),
            dbc.Button("Save", type="submit", color="primary", className="mt-2"),
        ]),
        html.Div(id=ids.RESULT, role="status", className="mt-2"),
        picture_section(),
    ], style={"maxWidth": "60rem"})


@callback(
    [Output(ids.FIELDS[n], "value") for n in FIELDS],
    Output(ids.KIND, "value"),
    Output(ids.RETIRED, "value"),
    Input(ids.PART, "value"),
    prevent_initial_call=True,
)
def load_part(choice):
    require_admin()
    part_id = parse_id(choice)
    if part_id is None:
        return *[""] * len(TEXTS), *[None] * (len(NUMBERS) + 1), "advice", False
    with current_db().read() as db:
        part = get_part(db, part_id=part_id)
        if part is None:
            return (no_update,) * (len(FIELDS) + 2)
        return (*[getattr(part, n) for n in FIELDS], part.dose_kind, part.retired)


@callback(
    output={"errors": {n: Output(ids.FIELD_ERRORS[n], "children") for n in FIELDS},
            "result": Output(ids.RESULT, "children"),
            "options": Output(ids.PART, "options"),
            "choice": Output(ids.PART, "value")},
    inputs={"_submit": Input(ids.FORM, "n_submit")},
    state={"choice": State(ids.PART, "value"), "kind": State(ids.KIND, "value"),
           "retired": State(ids.RETIRED, "value"),
           "fields": {n: State(ids.FIELDS[n], "value") for n in FIELDS}},
    prevent_initial_call=True,
)
def save_part(_submit, choice, kind, retired, fields):
    """Save the part; a new part's editor then switches to it, so a second Save edits the
    part just made instead of adding it again."""
    admin = require_admin()
    if kind not in DOSE_KINDS:
        kind = "advice"
    edit, errors = check_part(kind, fields | {"retired": bool(retired)})
    slots = {n: errors.get(n, "") for n in (*TEXTS, CEILING)} | {
        n: errors.get(f"dose-{n}", "") for n in NUMBERS}
    # A part's id, or "new-" and the id of the strategy a new part goes in.
    part_id = parse_id(choice)
    new_in = parse_id(choice[4:]) if isinstance(choice, str) and choice.startswith("new-") \
        else None
    if edit is None or (part_id is None and new_in is None):
        message = "Choose a part first." if edit is not None else "Not saved: see the messages."
        return {"errors": slots, "result": dbc.Alert(message, color="danger"),
                "options": no_update, "choice": no_update}
    with current_db().begin() as db:
        saved = save_catalogue_part(db, part_id=part_id, strategy_id=new_in, edit=edit,
                                    user_id=admin.id, ip=client_ip())
        if isinstance(saved, Unchanged):
            return {"errors": slots, "result": dbc.Alert(saved, color="info"),
                    "options": no_update, "choice": no_update}
        if isinstance(saved, str):
            if saved == NAME_TAKEN:
                slots["name"] = saved
            elif isinstance(saved, CeilingConflict):
                slots[CEILING] = saved
            return {"errors": slots, "result": dbc.Alert(f"Not saved: {saved}", color="danger"),
                    "options": no_update, "choice": no_update}
        options, saved_id, revision = _options(list_strategies(db)), str(saved.id), saved.revision
    return {"errors": dict.fromkeys(slots, ""),
            "result": dbc.Alert(f"Saved “{edit.name}” (revision {revision}).", color="success"),
            "options": options, "choice": saved_id}
