"""Admin: plan templates offered by the plan builder. Create, edit, retire. A template's
parts start with the catalogue's default dose; a dose a template already sets is kept."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update
from sqlalchemy import select

from dashboard.auth.access import require_admin, require_user
from dashboard.components.status import admins_only
from dashboard.context import client_ip, current_db
from dashboard.db.audit import record_audit
from dashboard.db.catalogue import DOSE_COLUMNS, list_strategies
from dashboard.db.models import PlanTemplate, PlanTemplateItem, StrategyPart
from dashboard.domain.catalogue_edit import part_key
from dashboard.domain.ids import parse_id
from dashboard.domain.plans import NumberError, parse_whole_number
from dashboard.domain.text import CONTROL_MESSAGE, has_control

dash.register_page(__name__, path="/admin/templates", title="Templates · Back Pain Care",
                   name="Templates")

P = "tpl"


def _options(db) -> list[dict]:
    templates = db.scalars(select(PlanTemplate).order_by(PlanTemplate.name))
    return [{"label": t.name + (" (retired)" if t.retired else ""), "value": str(t.id)}
            for t in templates] + [{"label": "+ a new template", "value": "new"}]


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
        dbc.Label("Template", html_for=f"{P}-choice"),
        dbc.Select(id=f"{P}-choice", options=options, placeholder="Choose…", className="mb-3"),
        dbc.Form(id=f"{P}-form", children=[
            dbc.Row([
                dbc.Col([dbc.Label("Name", html_for=f"{P}-name"),
                         dbc.Input(id=f"{P}-name", maxLength=100),
                         html.Div(id=f"{P}-name-error", className="field-error")], md=5),
                dbc.Col([dbc.Label("Review every (days)", html_for=f"{P}-review"),
                         dbc.Input(id=f"{P}-review", inputMode="numeric", value=14),
                         html.Div(id=f"{P}-review-error", className="field-error")], md=3),
                dbc.Col(dbc.Checkbox(id=f"{P}-retired", label="Retired", value=False), md=4,
                        className="d-flex align-items-end"),
            ], className="mb-2"),
            dbc.Label("Description", html_for=f"{P}-description"),
            dbc.Input(id=f"{P}-description", maxLength=300, className="mb-2"),
            html.Fieldset([html.Legend("Parts", className="h6"),
                           dbc.Checklist(id=f"{P}-parts", options=parts, value=[]),
                           html.Div(id=f"{P}-parts-error", className="field-error")]),
            dbc.Button("Save", type="submit", color="primary", className="mt-2"),
        ]),
        html.Div(id=f"{P}-result", role="status", className="mt-2"),
    ], style={"maxWidth": "60rem"})


@callback(
    Output(f"{P}-name", "value"), Output(f"{P}-description", "value"),
    Output(f"{P}-review", "value"), Output(f"{P}-retired", "value"),
    Output(f"{P}-parts", "value"),
    Input(f"{P}-choice", "value"),
    prevent_initial_call=True,
)
def load_template(choice):
    require_admin()
    template_id = parse_id(choice)
    if template_id is None:
        return "", "", 14, False, []
    with current_db().read() as db:
        template = db.get(PlanTemplate, template_id)
        if template is None:
            return (no_update,) * 5
        return (template.name, template.description, template.review_interval_days,
                template.retired, [i.part_id for i in template.items])


@callback(
    Output(f"{P}-name-error", "children"), Output(f"{P}-review-error", "children"),
    Output(f"{P}-parts-error", "children"), Output(f"{P}-result", "children"),
    Output(f"{P}-choice", "options"), Output(f"{P}-choice", "value"),
    Input(f"{P}-form", "n_submit"),
    State(f"{P}-choice", "value"), State(f"{P}-name", "value"),
    State(f"{P}-description", "value"), State(f"{P}-review", "value"),
    State(f"{P}-retired", "value"), State(f"{P}-parts", "value"),
    prevent_initial_call=True,
)
def save_template(_n, choice, name, description, review, retired, part_ids):
    admin = require_admin()
    errors: dict[str, str] = {}
    name = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= 100:
        errors["name"] = "Give the template a name (up to 100 characters)."
    elif has_control(name):
        errors["name"] = CONTROL_MESSAGE
    description = description.strip()[:300] if isinstance(description, str) else ""
    if has_control(description, multiline=True):
        errors["description"] = f"Description: {CONTROL_MESSAGE}"
    try:
        days = parse_whole_number(review, "Review interval")
    except NumberError as exc:
        days, errors["review"] = None, str(exc)
    if "review" not in errors and (days is None or not 1 <= days <= 365):
        errors["review"] = "The review interval is between 1 and 365 days."
    chosen = [p for p in map(parse_id, part_ids if isinstance(part_ids, list) else [])
              if p is not None]
    if not chosen:
        errors["parts"] = "Choose at least one part."
    template_id = parse_id(choice)
    if not errors and template_id is None and choice != "new":
        errors["name"] = "Choose a template, or a new one, first."
    if errors:
        return (errors.get("name", ""), errors.get("review", ""), errors.get("parts", ""),
                dbc.Alert(errors.get("description", "Not saved: see the messages."),
                          color="danger"), no_update, no_update)
    with current_db().begin() as db:
        parts = {p.id: p for p in db.scalars(select(StrategyPart).where(
            StrategyPart.id.in_(chosen), StrategyPart.retired.is_(False)))}
        if len(parts) != len(set(chosen)):
            return ("", "", "A chosen part is retired or gone; reload the page.",
                    dbc.Alert("Not saved.", color="danger"), no_update, no_update)
        if template_id is not None:
            template = db.get(PlanTemplate, template_id)
            if template is None:
                return "", "", "", dbc.Alert("No such template.", color="danger"), \
                    no_update, no_update
        else:
            taken = set(db.scalars(select(PlanTemplate.key)))
            template = PlanTemplate(key=part_key(name, taken), name=name)
            db.add(template)
            db.flush()
        kept = {i.part_id: i for i in template.items}
        template.name, template.description = name, description
        template.review_interval_days, template.retired = days, bool(retired)
        for item in list(template.items):
            if item.part_id not in parts:
                db.delete(item)
        for position, part_id in enumerate(chosen, start=1):
            item = kept.get(part_id)
            if item is None:
                db.add(PlanTemplateItem(template_id=template.id, part_id=part_id,
                                        position=position,
                                        **{k: getattr(parts[part_id], k) for k in DOSE_COLUMNS}))
            else:
                item.position = position
        record_audit(db, user_id=admin.id, action="template_saved", entity="plan_template",
                     entity_id=template.id, ip=client_ip(), detail={"parts": len(chosen)})
        db.flush()
        options, value = _options(db), str(template.id)
    return "", "", "", dbc.Alert("Saved.", color="success"), options, value
