"""Admin: plan templates offered by the plan builder. Create, edit, retire, and set each
part's dose (issue 19): a part starts at the catalogue's dose, and a plan made from the
template starts with the template's doses. A dose keeps within the part's safe ceiling,
checked by the plan builder's own rule."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, html, no_update

from dashboard.auth.access import require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.dose_fields import dose_inputs, doses_typed
from dashboard.components.status import admins_only
from dashboard.context import client_ip, current_db
from dashboard.db.catalogue import active_parts, list_strategies
from dashboard.db.templates import (
    TemplateError,
    save_template,
    template_options,
    template_values,
)
from dashboard.domain.catalogue_edit import check_template, check_template_doses, chosen_parts
from dashboard.domain.dose import Dose
from dashboard.domain.ids import parse_id
from dashboard.pages.ids import admin_templates as ids

dash.register_page(__name__, path="/admin/templates", title="Templates · Back Pain Care",
                   name="Templates")


def _options(db) -> list[dict]:
    return [{"label": name + (" (retired)" if retired else ""), "value": str(template_id)}
            for template_id, name, retired in template_options(db)] + [
        {"label": "+ a new template", "value": "new"}]


def _dose_row(strategy: str, part) -> html.Div:
    """A part's dose fields, filled with the catalogue's dose; shown while it is chosen."""
    return html.Div([
        html.Div(f"{strategy}: {part.name}", className="fw-semibold small mb-1"),
        html.Div(dose_inputs(part.dose_kind, Dose.from_columns(part),
                             lambda name: {"type": ids.DOSE, "part": part.id, "field": name}),
                 className="d-flex flex-wrap"),
        html.Small(f"Safe ceiling: at most {part.max_minutes} minutes at a time.",
                   className="d-block text-body-secondary") if part.max_minutes else None,
        html.Div(id={"type": ids.PART_ERROR, "part": part.id}, className="field-error",
                 role="status"),
    ], id={"type": ids.DOSE_ROW, "part": part.id}, hidden=True, className="border-bottom py-2")


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        options = _options(db)
        strategies = list_strategies(db)
        parts = [{"label": f"{s.name}: {p.name}", "value": p.id}
                 for s in strategies for p in s.parts if not p.retired]
        dose_rows = [_dose_row(s.name, p) for s in strategies for p in s.parts if not p.retired]
    return html.Div([
        html.H1("Plan templates", className="h3"),
        dbc.Label("Template", html_for=ids.CHOICE),
        dbc.Select(id=ids.CHOICE, options=options, placeholder="Choose…", className="mb-3"),
        dbc.Form(id=ids.FORM, children=[
            dbc.Row([
                dbc.Col([dbc.Label("Name", html_for=ids.NAME),
                         dbc.Input(id=ids.NAME, maxLength=100),
                         html.Div(id=ids.NAME_ERROR, className="field-error")], md=5),
                dbc.Col([dbc.Label("Review every (days)", html_for=ids.REVIEW),
                         dbc.Input(id=ids.REVIEW, inputMode="numeric", value=14),
                         html.Div(id=ids.REVIEW_ERROR, className="field-error")], md=3),
                dbc.Col(dbc.Checkbox(id=ids.RETIRED, label="Retired", value=False), md=4,
                        className="d-flex align-items-end"),
            ], className="mb-2"),
            dbc.Label("Description", html_for=ids.DESCRIPTION),
            dbc.Input(id=ids.DESCRIPTION, maxLength=300, className="mb-2"),
            html.Fieldset([html.Legend("Parts", className="h6"),
                           dbc.Checklist(id=ids.PARTS, options=parts, value=[]),
                           html.Div(id=ids.PARTS_ERROR, className="field-error")]),
            html.Fieldset([
                html.Legend("Doses", className="h6 mt-3"),
                html.P("Each chosen part starts at the catalogue's dose. A plan made from "
                       "the template starts with these doses; the practitioner can change "
                       "them for the client.", className="small text-body-secondary"),
                *dose_rows,
            ]),
            dbc.Button("Save", type="submit", color="primary", className="mt-2"),
        ]),
        html.Div(id=ids.RESULT, role="status", className="mt-2"),
    ], style={"maxWidth": "60rem"})


# A part's dose fields show while it is chosen (in the browser: nothing to ask the server).
clientside_callback(
    """function (chosen) {
        const ids = dash_clientside.callback_context.outputs_list.map(o => o.id.part);
        return ids.map(part => !(chosen || []).includes(part));
    }""",
    Output({"type": ids.DOSE_ROW, "part": ALL}, "hidden"),
    Input(ids.PARTS, "value"),
    prevent_initial_call=True,  # drawn with none chosen, all hidden
)

FIELDS = ("name", "description", "review", "retired", "part_ids")


@callback(
    output={"fields": {name: Output(component, prop) for name, (component, prop) in {
                "name": (ids.NAME, "value"), "description": (ids.DESCRIPTION, "value"),
                "review": (ids.REVIEW, "value"), "retired": (ids.RETIRED, "value"),
                "part_ids": (ids.PARTS, "value")}.items()},
            "doses": Output({"type": ids.DOSE, "part": ALL, "field": ALL}, "value")},
    inputs={"choice": Input(ids.CHOICE, "value")},
    prevent_initial_call=True,
)
def load_template(choice):
    """The chosen template's values, each part's dose its own (or the catalogue's)."""
    require_admin()
    template_id = parse_id(choice)
    with current_db().read() as db:
        defaults = {p.id: Dose.from_columns(p) for s in list_strategies(db) for p in s.parts}
        template = template_values(db, template_id=template_id) if template_id else None
    if template_id is not None and template is None:
        return {"fields": {name: no_update for name in FIELDS}, "doses": no_update}
    doses = {**defaults, **(template.doses if template else {})}
    fields = ({"name": template.name, "description": template.description,
               "review": template.review_interval_days, "retired": template.retired,
               "part_ids": template.part_ids} if template else
              {"name": "", "description": "", "review": 14, "retired": False, "part_ids": []})
    return {"fields": fields,
            "doses": [getattr(doses.get(o["id"]["part"]), o["id"]["field"], None)
                      for o in ctx.outputs_grouping["doses"]]}


@callback(
    output={"errors": {key: Output(element, "children")
                       for key, element in ids.ERRORS.items()},
            "part_errors": Output({"type": ids.PART_ERROR, "part": ALL}, "children"),
            "result": Output(ids.RESULT, "children"),
            "options": Output(ids.CHOICE, "options"),
            "choice": Output(ids.CHOICE, "value")},
    inputs={"_submit": Input(ids.FORM, "n_submit")},
    state={"choice": State(ids.CHOICE, "value"), "name": State(ids.NAME, "value"),
           "description": State(ids.DESCRIPTION, "value"),
           "review": State(ids.REVIEW, "value"), "retired": State(ids.RETIRED, "value"),
           "part_ids": State(ids.PARTS, "value"),
           "doses": State({"type": ids.DOSE, "part": ALL, "field": ALL}, "value")},
    prevent_initial_call=True,
)
def save(_submit, choice, name, description, review, retired, part_ids, doses):
    admin = require_admin()
    edit, errors = check_template(name, description, review, retired, part_ids)
    template_id = parse_id(choice)
    if edit is not None and template_id is None and choice != "new":
        edit, errors = None, {"name": "Choose a template, or a new one, first."}
    with current_db().read() as db:
        parts = active_parts(db)
    chosen_doses, dose_errors = check_template_doses(
        parts, chosen_parts(part_ids), doses_typed(ctx.args_grouping["doses"]))
    if edit is None or dose_errors:
        return _answer({**errors, **dose_errors}, dbc.Alert(
            errors.get("description", "Not saved: see the messages."), color="danger"))
    with current_db().begin() as db:
        try:
            template_id, changed = save_template(db, template_id=template_id, edit=edit,
                                                 doses=chosen_doses)
        except TemplateError as refused:
            return (_answer({refused.field: str(refused)}, dbc.Alert("Not saved.", color="danger"))
                    if refused.field else _answer({}, dbc.Alert(str(refused), color="danger")))
        record_audit(db, user_id=admin.id, action="template_saved", entity="plan_template",
                     entity_id=template_id, ip=client_ip(),
                     detail={"parts": len(edit.part_ids), "doses_changed": changed})
        options = _options(db)
    return _answer({}, dbc.Alert("Saved.", color="success"), options, str(template_id))


def _answer(errors: dict[str, str], result, options=no_update, choice=no_update) -> dict:
    """The callback's answer: each message beside its field (a part's dose problems beside
    that part), the result, and the template list when it changed."""
    return {"errors": {key: errors.get(key, "") for key in ids.ERRORS},
            "part_errors": [" ".join(v for k, v in sorted(errors.items())
                                     if k.startswith(f"dose-{o['id']['part']}-"))
                            for o in ctx.outputs_grouping["part_errors"]],
            "result": result, "options": options, "choice": choice}
