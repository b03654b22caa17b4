"""Layout pieces for sessions and safety alerts. Plain data in, components out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import Patch, html
from dash.development.base_component import Component

from dashboard.components.attributes import as_json, data, prop_of
from dashboard.components.forms import day_input
from dashboard.components.tables import json_cell, stacked_table
from dashboard.db.sessions import HISTORY_LIMIT, AlertRow, SessionContext, SessionRow
from dashboard.domain.dates import format_day
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.domain.sessions import ALERT_ACTIONS
from dashboard.pages.client import ids
from dashboard.pages.client.plan_views import number_input, unsaved_marker, unsaved_watch

NO_CRISIS_LINE_STAFF = ("An admin must add it under Clinic details. Until then, give the "
                        "client the local emergency number and the advice to go to an "
                        "emergency department if they may act on these thoughts.")


# The form's fields, their labels and their error slots travel as Dash's JSON (as_json):
# a record's page draws some forty of them, with the questionnaires' sixty-odd items.
def _error(id_: str | dict) -> Any:
    return as_json(html.Div, id=id_, className="field-error", role="status")


def label_around(label: str, control) -> Any:
    """A label wrapping its control: pattern-matching ids cannot be named in ``for``."""
    return as_json(html.Label, children=[as_json(html.Span, children=label,
                                                 className="d-block mb-1"), control],
                   className="form-label w-100")


def _labelled(label: str, control, error_id: str | dict, width: int = 3) -> Any:
    control_id = prop_of(control, "id")
    if isinstance(control_id, str):
        return as_json(dbc.Col, children=[as_json(dbc.Label, children=label,
                                                  html_for=control_id),
                                          control, _error(error_id)], md=width)
    return as_json(dbc.Col, children=[label_around(label, control), _error(error_id)],
                   md=width)


def _questionnaire(key: str) -> dbc.Collapse:
    instrument = INSTRUMENTS[key]
    options = [{"label": f"{v} {label}", "value": v}
               for v, label in enumerate(instrument.answer_labels)]
    items = []
    for number, text in enumerate(instrument.items, start=1):
        items.append(as_json(html.Fieldset, className="mb-2", children=[
            as_json(html.Legend, children=f"{number}. {text}",
                    className="small fw-semibold mb-1"),
            as_json(
                dbc.RadioItems,
                id={"type": ids.SESSION_Q_ITEM, "instrument": key, "item": number},
                options=options,
                # A shared name makes one keyboard group: arrows choose, Tab moves on.
                name=f"{key}-item-{number}", inline=True, className="small"),
        ]))
    scale = "over the last two weeks" if key != "PSS10" else "in the last month"
    return dbc.Collapse(dbc.Card(dbc.CardBody([
        html.H4(instrument.name, className="h6"),
        html.P(f"How often {scale} has the client…", className="small text-body-secondary"),
        *items,
        _error({"type": ids.SESSION_Q_ERROR, "instrument": key}),
    ]), className="mb-2"), id={"type": ids.SESSION_Q_COLLAPSE, "instrument": key},
        is_open=False)


def rating_fields(context: SessionContext, values: dict[int, int] | None = None,
                  optional: set[int] | frozenset[int] = frozenset()) -> html.Div | html.P:
    """One score box per activity of the client's PSFS as saved now, or a pointer to the
    editor. Redrawn alone when the activities change (the rest of the session form, and
    what was typed in it, stay as they are) and when a session is opened to edit, with its
    ratings (``values``); ``optional``: activities added after that session, which it did
    not rate and need not."""
    values = values or {}
    ratings = [
        _labelled(name + (" (added since: not rated that day)" if aid in optional else ""),
                  number_input({"type": ids.SESSION_RATING, "activity": aid},
                               values.get(aid)),
                  {"type": ids.SESSION_RATING_ERROR, "activity": aid}, width=4)
        for aid, name in context.activities]
    return dbc.Row(ratings) if ratings else html.P(
        "No activities chosen yet: add them above to score function.",
        className="small text-body-secondary")


def session_form(context: SessionContext, today: dt.date) -> html.Div:
    # Days done start from the client's own ticks when they logged (editable).
    adherence = [
        _labelled(f"{slot.part_name} (plan: {slot.prescribed})"
                  + ("" if slot.from_home is None else
                     f" · ticked at home on {slot.from_home} of 7 days"),
                  number_input({"type": ids.SESSION_ADHERENCE, "item": slot.plan_item_id},
                               slot.from_home),
                  {"type": ids.SESSION_ADHERENCE_ERROR, "item": slot.plan_item_id}, width=4)
        for slot in context.adherence]
    return html.Div([
        html.Div([
            # h2: the section's first heading under the client's name (heading order).
            html.H2("Record a session", id=ids.SESSION_HEADING, className="h6 me-auto mb-0"),
            dbc.Button("Cancel editing", id=ids.SESSION_CANCEL, size="sm", color="link",
                       style={"display": "none"}),
        ], className="d-flex align-items-center mb-2"),
        # The scores first, in the order they are asked; the date (today unless changed)
        # after them, just above Save: the keyboard starts where the work is.
        dbc.Form(id=ids.SESSION_FORM, children=[
            dbc.Row([
                _labelled("Pain (0-10)", number_input(ids.SESSION_PAIN, None, autoFocus=True),
                          ids.SESSION_ERRORS["pain"]),
                _labelled("Stress (0-10)", number_input(ids.SESSION_STRESS, None),
                          ids.SESSION_ERRORS["stress"]),
            ], className="mb-2"),
            html.Fieldset([
                html.Legend("Function: the client's activities (0 = unable, 10 = as before "
                            "the problem)", className="h6 small fw-semibold"),
                html.Div(rating_fields(context), id=ids.SESSION_RATINGS),
            ], className="mb-2"),
            html.Fieldset([
                html.Legend("Days done in the past week (0-7), for each part of the plan",
                            className="h6 small fw-semibold"),
                dbc.Row(adherence) if adherence else html.P(
                    "No plan yet: adherence is asked once a plan is saved.",
                    className="small text-body-secondary"),
                _error(ids.SESSION_ERRORS["adherence"]),
            ], className="mb-2"),
            dbc.Label("Notes", html_for=ids.SESSION_NOTES),
            dbc.Textarea(id=ids.SESSION_NOTES, rows=3, maxLength=5000,
                         placeholder="Ctrl+Enter saves from here"),
            _error(ids.SESSION_ERRORS["notes"]),
            html.Fieldset([
                html.Legend("Questionnaires for this session", className="h6 small "
                            "fw-semibold mt-2"),
                dbc.Checklist(id=ids.SESSION_Q_INCLUDE, inline=True, value=[], options=[
                    {"label": INSTRUMENTS[k].name, "value": k} for k in INSTRUMENTS]),
                _error(ids.SESSION_ERRORS["questionnaires"]),
            ]),
            *[_questionnaire(k) for k in INSTRUMENTS],
            dbc.Row(_labelled("Session date", day_input(ids.SESSION_DATE, today),
                              ids.SESSION_ERRORS["date"]), className="mt-2"),
            dbc.Button("Save session", id=ids.SESSION_SAVE, type="submit", color="primary",
                       className="mt-2 me-2"),
            unsaved_marker(ids.SESSION_UNSAVED),
            html.Div(id=ids.SESSION_RESULT, className="mt-2", role="status"),
        ]),
    ], **unsaved_watch(ids.SESSION_RESULT, ids.SESSION_UNSAVED))


def activities_editor(context: SessionContext) -> html.Details:
    return html.Details([
        html.Summary("The client's activities (Patient-Specific Functional Scale)"),
        dbc.Label("One activity per line, up to five", html_for=ids.ACTIVITIES,
                  className="small mt-2"),
        dbc.Textarea(id=ids.ACTIVITIES, rows=4,
                     value="\n".join(name for _, name in context.activities)),
        dbc.Button("Save activities", id=ids.ACTIVITIES_SAVE, size="sm", color="secondary",
                   outline=True, className="mt-1"),
        html.Div(id=ids.ACTIVITIES_RESULT, role="status", className="small mt-1"),
    ], className="mt-3 small", open=not context.activities)


HISTORY_HEADER = ["Date", "Pain", "Stress", "Function", "Adherence", "Questionnaires", "Notes",
                  "By", ""]


def history_row(row: SessionRow, *, can_restore: bool) -> dict[str, object]:
    """A session as a row of the history table, in Dash's JSON (``tables.json_cell``): a
    record's page holds up to 50 of them, a third of its components."""
    actions = ([as_json(dbc.Button, children="Restore",
                        id={"type": ids.SESSION_RESTORE, "session": row.id},
                        size="sm", color="link")] if row.deleted and can_restore else
               [] if row.deleted else
               [as_json(dbc.Button, children="Edit",
                        id={"type": ids.SESSION_EDIT, "session": row.id},
                        size="sm", color="link", className="p-0 me-2"),
                # Asked first, in the browser (assets/confirm.js): one slip of a finger
                # on a tablet should not take a session out of the record.
                as_json(html.Span, children=as_json(
                    dbc.Button, children="Delete",
                    id={"type": ids.SESSION_DELETE, "session": row.id},
                    size="sm", color="link", className="p-0 text-danger"),
                    **data(confirm=f"Delete the session of {format_day(row.session_on)}? "
                                   "An admin can restore it."))])
    day = format_day(row.session_on)
    values: list[tuple[object, dict[str, object]]] = [
        ([day, json_cell("Span", " (deleted)", className="text-danger")] if row.deleted
         else day, {}),
        (row.pain, {}), (row.stress, {}),
        ("—" if row.function_score is None else f"{row.function_score:.1f}", {}),
        (row.adherence, {}),
        (", ".join(s.describe() for s in row.scores) or "—", {}),
        (row.notes[:120] + ("…" if len(row.notes) > 120 else ""), {"className": "small"}),
        (row.practitioner, {"className": "small"}),
        (actions, {"className": "text-nowrap"}),
    ]
    cells = [json_cell("Td", value, **props, **(data(label=name) if name else {}))
             for (value, props), name in zip(values, HISTORY_HEADER, strict=True)]
    return json_cell("Tr", cells, **({"className": "text-body-secondary"} if row.deleted
                                     else {}))


def history_insert(row: SessionRow, position: int, *, rows_before: int, can_restore: bool
                   ) -> Patch:
    """``history_table``'s output with one more row, as a patch: only the new row travels.

    Below the limit the output is the table itself; at the limit it is the table and a note
    in a Div, and the oldest row shown drops off.
    """
    patch = Patch()
    full = rows_before >= HISTORY_LIMIT
    table = patch["props"]["children"][0] if full else patch
    body = table["props"]["children"][1]["props"]["children"]
    body.insert(position, history_row(row, can_restore=can_restore))
    if full:
        del body[HISTORY_LIMIT]
    return patch


def history_table(rows: list[SessionRow], *, can_restore: bool) -> Component:
    if not rows:
        return html.P("No sessions recorded yet.", className="text-body-secondary")
    body = [history_row(row, can_restore=can_restore) for row in rows]
    # history_insert patches this table's body: it is children[1] (no caption).
    table = stacked_table(HISTORY_HEADER, body, size="sm", hover=True,
                          id=ids.SESSION_HISTORY_TABLE)
    if len(rows) < HISTORY_LIMIT:
        return table
    return html.Div([table, html.P(f"The {HISTORY_LIMIT} most recent sessions are shown; "
                                   "every session and its whole note are under \"Every "
                                   "session's note in full\" above; the progress view "
                                   "draws them all.", className="small")])


def crisis_line(crisis_text: str) -> html.P:
    """The clinic's crisis-line text, or, when the clinic has none, a loud warning: an alert
    must never print nothing where the practitioner looks for what to give the client."""
    if crisis_text:
        return html.P(crisis_text, className="fw-semibold")
    return html.P([html.Strong("No crisis-line text is set for this clinic. "),
                   NO_CRISIS_LINE_STAFF], className="fw-semibold border border-danger p-2",
                  **data(missing="crisis-line"))


def alert_answer(answer: int | None) -> str:
    """An alert's item 9 answer in words. An alert is only ever raised for an answer above
    0, so one whose answer was not kept says so: never "not at all" (the demo's alert,
    stored without its answer, read "answered ... not at all. Check on their safety")."""
    labels = INSTRUMENTS["PHQ9"].answer_labels
    if answer is None or not 0 < answer < len(labels):
        return "an answer above 0 (which one was not kept)"
    return labels[answer].lower()


def alerts_area(alerts: list[AlertRow], crisis_text: str,
                focus_alert: int | None = None) -> html.Div:
    """Open alerts stay prominent until acknowledged, with the clinic's crisis-line text.
    ``focus_alert``: an alert just raised by the practitioner's own save; it takes the
    keyboard focus and scrolls into view (assets/alert_focus.js), where their eyes are."""
    blocks = []
    for alert in alerts:
        answer = alert_answer(alert.answer)
        block = dbc.Alert([
            html.H2("Safety alert: thoughts of self-harm", className="h5 alert-heading"),
            html.P(f"On {format_day(alert.session_on)}{alert.at_home} the client answered "
                   "PHQ-9 item 9 "
                   f"(thoughts of being better off dead or of self-harm): {answer}. "
                   "Check on their safety today."),
            crisis_line(crisis_text),
            dbc.Row([
                dbc.Col(label_around("Action taken", dbc.Select(
                    id={"type": ids.ALERT_ACTION, "alert": alert.id},
                    options=[{"label": a, "value": a} for a in ALERT_ACTIONS],
                    placeholder="Choose…")), md=5),
                dbc.Col(label_around("Note", dbc.Input(
                    id={"type": ids.ALERT_NOTE, "alert": alert.id}, maxLength=2000)), md=5),
                dbc.Col(dbc.Button("Acknowledge", id={"type": ids.ALERT_ACK, "alert": alert.id},
                                   color="danger"), md="auto", className="d-flex align-items-end"),
            ]),
            html.Div(id={"type": ids.ALERT_RESULT, "alert": alert.id}, role="status",
                     className="mt-2"),
        ], color="danger", className="safety-alert",
            id={"type": ids.ALERT_BOX, "alert": alert.id})
        blocks.append(html.Div(block, id=ids.ALERT_NEW, tabIndex="-1",
                               className="safety-alert-new")
                      if alert.id == focus_alert else block)
    return html.Div(blocks)
