"""Admin: plan templates offered by the plan builder. Create, edit, retire. A template's
parts start with the catalogue's default dose; a dose a template already sets is kept."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from dashboard.auth.access import require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.status import admins_only
from dashboard.context import client_ip, current_db
from dashboard.db.catalogue import list_strategies
from dashboard.db.templates import (
    TemplateError,
    save_template,
    template_options,
    template_values,
)
from dashboard.domain.catalogue_edit import check_template
from dashboard.domain.ids import parse_id
from dashboard.pages.ids import admin_templates as ids

dash.register_page(__name__, path="/admin/templates", title="Templates · Back Pain Care",
                   name="Templates")


def _options(db) -> list[dict]:
    return [{"label": name + (" (retired)" if retired else ""), "value": str(template_id)}
            for template_id, name, retired in template_options(db)] + [
        {"label": "+ a new template", "value": "new"}]


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        options = _options(db)
        parts = [{"label": f"{s.name}: {p.name}", "value": p.id}
                 for s in list_strategies(db) for p in s.parts if not p.retired]
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
            dbc.Button("Save", type="submit", color="primary", className="mt-2"),
        ]),
        html.Div(id=ids.RESULT, role="status", className="mt-2"),
    ], style={"maxWidth": "60rem"})


@callback(
    Output(ids.NAME, "value"), Output(ids.DESCRIPTION, "value"),
    Output(ids.REVIEW, "value"), Output(ids.RETIRED, "value"),
    Output(ids.PARTS, "value"),
    Input(ids.CHOICE, "value"),
    prevent_initial_call=True,
)
def load_template(choice):
    require_admin()
    template_id = parse_id(choice)
    if template_id is None:
        return "", "", 14, False, []
    with current_db().read() as db:
        template = template_values(db, template_id=template_id)
    if template is None:
        return (no_update,) * 5
    return (template.name, template.description, template.review_interval_days,
            template.retired, template.part_ids)


@callback(
    output={"errors": {key: Output(element, "children")
                       for key, element in ids.ERRORS.items()},
            "result": Output(ids.RESULT, "children"),
            "options": Output(ids.CHOICE, "options"),
            "choice": Output(ids.CHOICE, "value")},
    inputs={"_submit": Input(ids.FORM, "n_submit")},
    state={"choice": State(ids.CHOICE, "value"), "name": State(ids.NAME, "value"),
           "description": State(ids.DESCRIPTION, "value"),
           "review": State(ids.REVIEW, "value"), "retired": State(ids.RETIRED, "value"),
           "part_ids": State(ids.PARTS, "value")},
    prevent_initial_call=True,
)
def save(_submit, choice, name, description, review, retired, part_ids):
    admin = require_admin()
    edit, errors = check_template(name, description, review, retired, part_ids)
    template_id = parse_id(choice)
    if edit is not None and template_id is None and choice != "new":
        edit, errors = None, {"name": "Choose a template, or a new one, first."}
    if edit is None:
        return _answer(errors, dbc.Alert(errors.get("description", "Not saved: see the messages."),
                                         color="danger"))
    with current_db().begin() as db:
        try:
            template_id = save_template(db, template_id=template_id, edit=edit)
        except TemplateError as refused:
            return (_answer({refused.field: str(refused)}, dbc.Alert("Not saved.", color="danger"))
                    if refused.field else _answer({}, dbc.Alert(str(refused), color="danger")))
        record_audit(db, user_id=admin.id, action="template_saved", entity="plan_template",
                     entity_id=template_id, ip=client_ip(),
                     detail={"parts": len(edit.part_ids)})
        options = _options(db)
    return _answer({}, dbc.Alert("Saved.", color="success"), options, str(template_id))


def _answer(errors: dict[str, str], result, options=no_update, choice=no_update) -> dict:
    return {"errors": {key: errors.get(key, "") for key in ids.ERRORS}, "result": result,
            "options": options, "choice": choice}
