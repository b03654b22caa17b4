"""Layout pieces of the plan builder and history. Plain data in, components out; no queries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import Patch, html
from dash.development.base_component import Component

from dashboard.components.attributes import as_json, data, prop_of
from dashboard.components.dose_fields import dose_inputs
from dashboard.components.forms import day_input, number_input
from dashboard.db.plans import VersionInfo
from dashboard.domain.dates import format_day, format_day_time
from dashboard.domain.dose import Dose, describe_dose
from dashboard.domain.pictures import picture_ref
from dashboard.domain.plans import PlanSnapshot, diff_plans
from dashboard.pages.client import ids

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import Strategy, StrategyPart

def _dose_inputs(part: StrategyPart, dose: Dose) -> list:
    return dose_inputs(part.dose_kind, dose,
                       lambda name: {"type": ids.DOSE, "part": part.id, "field": name})


def thumbnail(sha256: str | None, alt: str) -> Any:
    """A part's picture, small, beside its name: the practitioner sees what the client will
    (as Dash's JSON, like the rest of a part's row that holds no input)."""
    ref = picture_ref(sha256, alt)
    return as_json(html.Img, src=ref.url, alt=ref.alt, className="part-thumbnail",
                   width=96, height=120) if ref else None


def _ceiling(part: StrategyPart, reason: str) -> Any:
    """A part with a safe ceiling says it, with a box for the reason to go past it (printed
    on the handout beside the dose, and audited): issue 17, item 9."""
    if part.max_minutes is None:
        return None
    return as_json(html.Div, className="small mt-1", children=[
        as_json(html.Small, children=f"Safe ceiling: at most {part.max_minutes} minutes at "
                "a time.", className="d-block fw-semibold"),
        # A label wrapping its box: a pattern-matching id cannot be named in ``for``.
        as_json(html.Label, className="form-label w-100 mb-0", children=[
            as_json(html.Span, children="Only to go past it: your reason (printed on the "
                    "handout)", className="d-block"),
            as_json(dbc.Input, id={"type": ids.CEILING_REASON, "part": part.id},
                    type="text", value=reason, maxLength=500, size="sm",
                    autoComplete="off")]),
    ])


def part_row(part: StrategyPart, chosen: Dose | None, reason: str = "") -> Any:
    """One part of the catalogue in the builder. A builder draws every part (about 30), so
    its row travels as Dash's JSON (as_json), its boxes and checkbox too: made as component
    objects, they were most of the plan view's time."""
    dose = chosen or Dose.from_columns(part)
    return as_json(html.Div, className="border-bottom py-2 plan-part", children=[
        as_json(dbc.Row, children=[
            as_json(dbc.Col, lg=5, children=as_json(
                html.Div, className="d-flex gap-2 align-items-start", children=[
                    thumbnail(part.picture_sha256, part.picture_alt),
                    as_json(html.Div, children=[
                        as_json(dbc.Checkbox, id={"type": ids.INCLUDE, "part": part.id},
                                label=part.name, value=chosen is not None,
                                label_class_name="fw-semibold"),
                        as_json(html.Small, children=part.instructions,
                                className="text-body-secondary d-block"),
                    ]),
                ])),
            as_json(dbc.Col, lg=7, children=[
                as_json(html.Div, children=_dose_inputs(part, dose),
                        className="d-flex flex-wrap"),
                _ceiling(part, reason)]),
        ]),
        as_json(html.Div, id={"type": ids.PART_ERROR, "part": part.id},
                className="field-error", role="status"),
    ])


def red_flag_field(flag_open: bool) -> html.Div:
    """While an urgent red flag is open, saving needs the practitioner's reason (kept with
    the version, audited): issue 17, item 8. Always drawn (the save reads it), shown only
    then."""
    return html.Div([
        dbc.Label("An urgent red flag is open: to save a plan anyway, give your reason "
                  "(recorded with your name)", html_for=ids.RED_FLAG_REASON,
                  className="fw-semibold text-danger"),
        dbc.Textarea(id=ids.RED_FLAG_REASON, rows=2, maxLength=1000, value=""),
        html.Div(id=ids.RED_FLAG_ERROR, className="field-error", role="status"),
    ], id=ids.RED_FLAG_AREA, hidden=not flag_open, className="mb-3")


def builder(strategies: list[Strategy], templates: list[tuple[int, str]],
            current: PlanSnapshot | None, today: dt.date, flag_open: bool = False) -> html.Div:
    chosen = {i.part_id: i.dose for i in current.items} if current else {}
    reasons = {i.part_id: i.over_ceiling_reason for i in current.items} if current else {}
    pain_goal = next((g for g in current.goals if g.pain_target is not None), None) \
        if current else None
    activity_goal = next((g for g in current.goals if g.pain_target is None), None) \
        if current else None
    sections = [
        dbc.AccordionItem(
            [html.P(s.summary, className="small text-body-secondary")] +
            [part_row(p, chosen.get(p.id), reasons.get(p.id, "")) for p in s.parts
             if not p.retired],
            title=f"{s.name} ({sum(1 for p in s.parts if p.id in chosen)} chosen)",
            item_id=s.key)
        for s in strategies
    ]
    return html.Div([
        dbc.Row([
            dbc.Col([dbc.Label("Start from a template", html_for=ids.TEMPLATE),
                     dbc.Select(id=ids.TEMPLATE, options=[
                         {"label": label, "value": str(tid)} for tid, label in templates],
                                placeholder="Choose a template…")], md=8),
            dbc.Col(dbc.Button("Use template", id=ids.APPLY_TEMPLATE, color="secondary",
                               outline=True), md=4, className="d-flex align-items-end"),
        ], className="mb-2"),
        html.Div(id=ids.TEMPLATE_RESULT, role="status", className="small mb-2"),
        html.Div(id=ids.ITEMS_ERROR, className="field-error mb-2", role="status"),
        dbc.Accordion(sections, always_open=True, start_collapsed=False,
                      active_item=[s.key for s in strategies], className="mb-3"),
        dbc.Row([
            dbc.Col([dbc.Label("Review every (days)", html_for=ids.REVIEW),
                     number_input(ids.REVIEW, current.review_interval_days if current else 14),
                     html.Div(id=ids.REVIEW_ERROR, className="field-error", role="status")],
                    md=3),
            dbc.Col([dbc.Label("Notes for the client", html_for=ids.NOTES),
                     dbc.Textarea(id=ids.NOTES, value=current.notes if current else "",
                                  maxLength=2000, rows=3),
                     html.Div(id=ids.NOTES_ERROR, className="field-error", role="status")],
                    md=9),
        ], className="mb-3"),
        html.Fieldset([
            html.Legend("Goals", className="h6"),
            dbc.Row([
                _goal_field("Pain at or below (0-10)", number_input(
                    ids.GOAL_PAIN, pain_goal.pain_target if pain_goal else None),
                    "goal-0-target", 3),
                _goal_field("by (date)", _date_input(ids.GOAL_PAIN_DATE, pain_goal),
                            "goal-0-date", 3),
                _goal_field("Activity to get back", dbc.Input(
                    id=ids.GOAL_ACTIVITY, type="text", maxLength=500,
                    value=activity_goal.description if activity_goal else "",
                    placeholder="e.g. Lift my daughter"), "goal-1-description", 3),
                _goal_field("by (date)", _date_input(ids.GOAL_ACTIVITY_DATE, activity_goal),
                            "goal-1-date", 3),
            ]),
        ], className="mb-3"),
        red_flag_field(flag_open),
        dbc.Button("Save plan", id=ids.SAVE, color="primary", className="me-2"),
        unsaved_marker(ids.PLAN_UNSAVED),
        html.Div(id=ids.SAVE_RESULT, className="mt-2", role="status"),
    ], **unsaved_watch(ids.SAVE_RESULT, ids.PLAN_UNSAVED))


def unsaved_watch(result_id: str, marker_id: str) -> dict[str, Any]:
    """Attributes that let assets/unsaved.js compare a form with its saved values: it shows
    the marker while they differ and asks before the page is left."""
    return data(unsaved_result=result_id, unsaved_marker=marker_id)


def unsaved_marker(marker_id: str) -> html.Span:
    return html.Span("Unsaved changes", id=marker_id, hidden=True,
                     className="badge text-bg-warning align-middle")


def _date_input(id_: str, goal) -> dbc.Input:
    return day_input(id_, goal.target_on if goal else None)


def _goal_field(label: str, control, error_key: str, width: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=prop_of(control, "id")), control,
                    html.Div(id=ids.GOAL_ERRORS[error_key], className="field-error",
                             role="status")], md=width)


def heading(current: VersionInfo | None) -> str:
    if current is None:
        return "Home-care plan: none yet"
    return (f"Home-care plan: version {current.version}, from "
            f"{format_day(current.effective_on)} by {current.created_by}")


HISTORY_SHOWN = 20


def history_row(info: VersionInfo, previous: PlanSnapshot | None) -> html.Li:
    """A version with who, when, and what changed from ``previous`` (None: the first)."""
    changes = diff_plans(previous, info.snapshot) or ["No change to the parts or doses"]
    return html.Li([
        html.Div([
            html.Strong(f"Version {info.version}"),
            html.Span(f" · {format_day_time(info.created_at)} · {info.created_by}",
                      className="text-body-secondary"),
            dbc.Button("View", id={"type": ids.VIEW, "version": info.version}, size="sm",
                       color="link", className="ms-2 p-0 align-baseline",
                       title=f"View version {info.version} as it was given"),
        ]),
        html.Ul([html.Li(line) for line in changes], className="small mb-2"),
        html.P(f"Saved while an urgent red flag was open: {info.red_flag_override}",
               className="small text-danger mb-2") if info.red_flag_override else None,
    ], className="plan-version")


def history(versions: list[VersionInfo]) -> Component:
    """Newest first; each with who, when, and what changed from the one before.

    ``versions`` holds one more than is shown when there are more, for the last diff.
    """
    if not versions:
        return html.P("No plan has been saved yet.", className="text-body-secondary")
    rows = [history_row(info, versions[i + 1].snapshot if i + 1 < len(versions) else None)
            for i, info in enumerate(versions[:HISTORY_SHOWN])]
    return html.Ol(rows, className="list-unstyled", reversed=True)


def history_insert(newest: VersionInfo, previous: PlanSnapshot | None) -> Component | Patch:
    """``history``'s output once ``newest`` is saved: a patch with its one row on top (its
    changes from ``previous``, the version before it), the oldest row shown dropping off at
    the limit (a client's history holds up to 20 versions, each with its parts and their
    changes). Drawn whole when it is the first."""
    if previous is None:
        return history([newest])
    patch = Patch()
    rows = patch["props"]["children"]
    rows.insert(0, history_row(newest, previous))
    if previous.version >= HISTORY_SHOWN:  # the versions before were 1 to previous.version
        del rows[HISTORY_SHOWN]
    return patch


def read_only(version: VersionInfo, instructions: dict[int, tuple[str, str]]) -> html.Div:
    """An earlier version as it was given, with the wording it was given with."""
    snapshot = version.snapshot
    items = []
    for item in snapshot.items:
        text, cautions = instructions.get(item.part_id, ("", ""))
        items.append(html.Li([
            html.Strong(f"{item.strategy_name}: {item.part_name}"),
            html.Span(f" · {describe_dose(item.dose)}"),
            html.P(f"Past its safe ceiling because: {item.over_ceiling_reason}",
                   className="small fw-semibold mb-1") if item.over_ceiling_reason else None,
            html.P(text, className="small mb-1"),
            html.P(f"Caution: {cautions}", className="small fst-italic") if cautions else None,
        ]))
    return html.Div([
        html.P(f"Given {format_day(version.effective_on)} by {version.created_by}. "
               f"Review every {snapshot.review_interval_days} days."),
        html.P(f"Saved while an urgent red flag was open: {version.red_flag_override}",
               className="text-danger") if version.red_flag_override else None,
        html.Ul(items),
        html.P(["Notes: ", snapshot.notes]) if snapshot.notes else None,
        html.Ul([html.Li(g.description + (f" by {format_day(g.target_on)}" if g.target_on else ""))
                 for g in snapshot.goals]) if snapshot.goals else None,
    ])


def template_status(name: str) -> html.Span:
    return html.Span(["Filled in from the template ", html.Strong(name),
                      ". Adjust it, then save."])
