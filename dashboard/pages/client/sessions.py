"""Callbacks of the client page's sessions tab: record, edit, delete and restore sessions,
the client's PSFS activities, and acknowledging safety alerts.

Each callback checks on the server that the caller may see the client; session and alert
ids from the browser are looked up and checked to belong to that client.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.audit import record_audit
from dashboard.db.clinic import get_clinic
from dashboard.db.models import Client, SafetyAlert
from dashboard.db.sessions import (
    HISTORY_LIMIT,
    acknowledge_alert,
    alerts_for,
    get_session,
    history_position,
    is_current_plan,
    open_alert_for_session,
    save_session,
    session_context,
    session_episode_dates,
    session_history,
    session_values,
    set_activities,
    set_deleted,
    update_session,
)
from dashboard.domain.ids import parse_id, parse_int
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.domain.sessions import (
    SessionForm,
    clean_activities,
    parse_acknowledgement,
    parse_session,
)
from dashboard.pages.client import ids, session_views

FORM_OUTPUTS = [
    Output(ids.SESSION_DATE, "value", allow_duplicate=True),
    Output(ids.SESSION_PAIN, "value", allow_duplicate=True),
    Output(ids.SESSION_STRESS, "value", allow_duplicate=True),
    Output(ids.SESSION_NOTES, "value", allow_duplicate=True),
    Output({"type": ids.SESSION_RATING, "activity": ALL}, "value", allow_duplicate=True),
    Output({"type": ids.SESSION_ADHERENCE, "item": ALL}, "value", allow_duplicate=True),
    Output(ids.SESSION_Q_INCLUDE, "value", allow_duplicate=True),
    Output({"type": ids.SESSION_Q_ITEM, "instrument": ALL, "item": ALL}, "value",
           allow_duplicate=True),
    Output(ids.SESSION_EDITING, "data", allow_duplicate=True),
    Output(ids.SESSION_HEADING, "children", allow_duplicate=True),
    Output(ids.SESSION_CANCEL, "style", allow_duplicate=True),
]
HIDDEN = {"display": "none"}


def _form_values(outputs: list, values: dict | None, today, editing: int | None) -> tuple:
    """Values for FORM_OUTPUTS: a session's values to edit, or an empty form (None)."""
    values = values or {}
    ratings, adherence = values.get("ratings", {}), values.get("adherence", {})
    answers = values.get("questionnaires", {})
    rating_ids, adherence_ids, item_ids = outputs[4], outputs[5], outputs[7]
    heading = (f"Editing the session of {values['date']}" if editing else "Record a session")
    return (
        values.get("date", today.isoformat()), values.get("pain"), values.get("stress"),
        values.get("notes", ""),
        [ratings.get(o["id"]["activity"]) for o in rating_ids],
        [adherence.get(o["id"]["item"]) for o in adherence_ids],
        sorted(answers),
        [(answers.get(o["id"]["instrument"]) or [None] * 10)[o["id"]["item"] - 1]
         for o in item_ids],
        editing, heading, {} if editing else HIDDEN,
    )


def _form_shape_problem(outputs: list, states: list) -> str | None:
    """Why the pattern ids of this request are not ones the form can have (a forged request):
    checked before anything is written, so a save never commits and then fails while its
    answer is drawn. Item ids name a known questionnaire and one of its items; activity and
    plan-item ids are ids."""
    items = [*outputs[19], *states[9]]  # questionnaire item outputs, then their states
    for entry in items:
        component = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(component, dict):
            return "a questionnaire item without an id"
        instrument, item = component.get("instrument"), component.get("item")
        if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
            return "an unknown questionnaire"
        if parse_int(item, low=1, high=len(INSTRUMENTS[instrument].items)) is None:
            return "a questionnaire item the form does not have"
    for entry in outputs[8]:  # a questionnaire's error line
        component = entry.get("id") if isinstance(entry, dict) else None
        instrument = component.get("instrument") if isinstance(component, dict) else None
        if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
            return "an unknown questionnaire"
    for group, key in ((outputs[16], "activity"), (outputs[17], "item"),
                       (outputs[6], "activity"), (outputs[7], "item")):
        for entry in group:
            component = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(component, dict) or parse_id(component.get(key)) is None:
                return f"a {key} id the form does not have"
    return None


def _by_id(states: list[dict], key: str) -> dict[int, object]:
    """Values of pattern-matching inputs by their numeric id; anything else is dropped."""
    return {s["id"][key]: s.get("value") for s in states
            if isinstance(s.get("id"), dict) and parse_id(s["id"].get(key)) is not None}


def _unchanged(outputs: list) -> tuple:
    """no_update for each output; a wildcard output needs one per component it matched."""
    return tuple([no_update] * len(o) if isinstance(o, list) else no_update for o in outputs)


def _missing_items(items: list[str] | None) -> str:
    return f"Answer every item (missing or invalid: {', '.join(items)})." if items else ""


def _history_with(db, care, include_deleted: bool):
    """The history after adding ``care``: its one row inserted where it belongs (nothing
    when it is older than every row shown), or the table drawn whole when it is new or just
    reaches its limit. A session a colleague added meanwhile shows at the next redraw; the
    new one is never missing."""
    position, shown = history_position(db, care, include_deleted=include_deleted)
    rows_before = shown - 1
    if position >= HISTORY_LIMIT:
        return no_update
    if rows_before >= 1 and rows_before != HISTORY_LIMIT - 1:
        (row,) = session_history(db, care.client_id, include_deleted=include_deleted,
                                 only=care.id)
        return session_views.history_insert(row, position, rows_before=rows_before,
                                            can_restore=include_deleted)
    return session_views.history_table(
        session_history(db, care.client_id, include_deleted=include_deleted),
        can_restore=include_deleted)


def _alerts(db, user, client_id: int, focus_alert: int | None = None):
    clinic = get_clinic(db)
    return session_views.alerts_area(alerts_for(db, user, client_id=client_id),
                                     clinic.crisis_line_text if clinic else "", focus_alert)


def _alerts_after_save(db, user, client_id: int, care, data, message: str, edited: bool):
    """The alerts and the result message after a save. Only PHQ-9 item 9 raises an alert;
    one left open on the session just saved takes the focus (assets/alert_focus.js): the
    practitioner is looking at the form, a screen's height below it."""
    if data.self_harm_signal is None and not edited:
        return no_update, message
    focus = open_alert_for_session(db, care.id)
    if data.unscored:
        message += (" The PHQ-9 was incomplete, so it was not scored; its item 9 answer was "
                    "kept.")
    if focus is not None:
        message += " A safety alert is open for this session: see it above."
    return _alerts(db, user, client_id, focus), message


@callback(
    Output({"type": ids.SESSION_Q_COLLAPSE, "instrument": ALL}, "is_open"),
    Input(ids.SESSION_Q_INCLUDE, "value"),
)
def show_questionnaires(chosen):
    chosen = chosen or []
    return [o["id"]["instrument"] in chosen for o in ctx.outputs_list]


@callback(
    [Output(error_id, "children") for error_id in ids.SESSION_ERRORS.values()],
    Output({"type": ids.SESSION_RATING_ERROR, "activity": ALL}, "children"),
    Output({"type": ids.SESSION_ADHERENCE_ERROR, "item": ALL}, "children"),
    Output({"type": ids.SESSION_Q_ERROR, "instrument": ALL}, "children"),
    Output(ids.SESSION_RESULT, "children"),
    Output(ids.SESSION_HISTORY, "children"),
    Output(ids.ALERTS, "children"),
    *FORM_OUTPUTS,
    Input(ids.SESSION_FORM, "n_submit"),
    State(ids.CLIENT_ID, "data"),
    State(ids.SESSION_EDITING, "data"),
    State(ids.SESSION_DATE, "value"),
    State(ids.SESSION_PAIN, "value"),
    State(ids.SESSION_STRESS, "value"),
    State({"type": ids.SESSION_RATING, "activity": ALL}, "value"),
    State({"type": ids.SESSION_ADHERENCE, "item": ALL}, "value"),
    State(ids.SESSION_NOTES, "value"),
    State(ids.SESSION_Q_INCLUDE, "value"),
    State({"type": ids.SESSION_Q_ITEM, "instrument": ALL, "item": ALL}, "value"),
    prevent_initial_call=True,
)
def save(_n, client_id, editing, date, pain, stress, _ratings, _adherence, notes, chosen,
         _items):
    user = require_user()
    today = clinic_today()
    states = ctx.states_list
    # Everything below came from the browser: ids and values are checked, never assumed.
    ratings = _by_id(states[5], "activity")
    adherence = _by_id(states[6], "item")
    chosen = chosen if isinstance(chosen, list) else []
    answers: dict[str, list[object]] = {k: [None] * len(INSTRUMENTS[k].items)
                                        for k in chosen if isinstance(k, str) and k in INSTRUMENTS}
    for s in states[9]:
        key, item = s["id"].get("instrument"), s["id"].get("item")
        if key in answers and isinstance(item, int) and 1 <= item <= len(answers[key]):
            answers[key][item - 1] = s.get("value")
    if any(not isinstance(k, str) or k not in INSTRUMENTS for k in chosen):
        answers["?"] = []
    outputs = ctx.outputs_list
    problem = _form_shape_problem(outputs, states)
    if problem:
        raise AccessDenied(f"malformed session form: {problem}")
    # Drawn before anything is written: nothing can fail between the commit and the answer.
    cleared_form = _form_values(outputs[12:], None, today, None)
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        context = session_context(db, client)
        care = None
        if editing is not None:
            care = get_session(db, editing)
            if care is None or care.client_id != client.id or care.deleted_at is not None:
                raise AccessDenied("no such session")
        keep_adherence = care is not None and not is_current_plan(db, care)
        plan_items = {slot.plan_item_id for slot in context.adherence}
        data, errors = parse_session(
            SessionForm(date, pain, stress, ratings, {} if keep_adherence else adherence,
                        notes, answers),
            today=today,
            episode=context.episode_dates if care is None else session_episode_dates(db, care),
            activity_ids={a for a, _ in context.activities}, plan_item_ids=plan_items)
        refusal = "The session was not saved: see the messages above."
        if care is None and context.episode_id is None:
            data, refusal = None, ("The session was not saved: this client has been "
                                   "discharged. Start a new episode (intake) first.")
        if data is None:
            q_errors: dict[str, list[str]] = {}
            for key in errors:
                if key.startswith("q-"):
                    _, instrument, item = key.split("-", 2)
                    q_errors.setdefault(instrument, []).append(item)
            return (
                *[errors.get(k, "") for k in ids.SESSION_ERRORS],
                [errors.get(f"rating-{o['id']['activity']}", "") for o in outputs[6]],
                [errors.get(f"adherence-{o['id']['item']}", "") for o in outputs[7]],
                [_missing_items(q_errors.get(o["id"]["instrument"])) for o in outputs[8]],
                dbc.Alert(refusal, color="danger"), no_update, no_update,
                *_unchanged(outputs[12:]))
        if care is None:
            care = save_session(db, client=client, context=context, data=data, user_id=user.id)
            record_audit(db, user_id=user.id, action="session_created", entity="session",
                         entity_id=care.id, client_id=client.id, ip=client_ip())
            message = f"Session of {data.session_on:%d %b %Y} saved."
            history = _history_with(db, care, user.is_admin)
        else:
            before = session_values(db, care)
            update_session(db, client=client, care=care, data=data,
                           keep_adherence=keep_adherence)
            record_audit(db, user_id=user.id, action="session_updated", entity="session",
                         entity_id=care.id, client_id=client.id, ip=client_ip(),
                         detail={"before": before, "after": session_values(db, care)})
            message = f"Session of {data.session_on:%d %b %Y} updated."
            history = session_views.history_table(
                session_history(db, client.id, include_deleted=user.is_admin),
                can_restore=user.is_admin)
        alerts, message = _alerts_after_save(db, user, client.id, care, data, message,
                                             editing is not None)
    return (*[""] * len(ids.SESSION_ERRORS), [""] * len(outputs[6]), [""] * len(outputs[7]),
            [""] * len(outputs[8]), dbc.Alert(message, color="success"), history, alerts,
            *cleared_form)


@callback(
    *FORM_OUTPUTS,
    Input({"type": ids.SESSION_EDIT, "session": ALL}, "n_clicks"),
    Input(ids.SESSION_CANCEL, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def load_for_editing(clicks, _cancel, client_id):
    user = require_user()
    today = clinic_today()
    trigger = ctx.triggered_id
    if trigger == ids.SESSION_CANCEL:
        return _form_values(ctx.outputs_list, None, today, None)
    if not any(clicks):  # the history was redrawn; nothing was clicked
        return _unchanged(ctx.outputs_list)
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        care = get_session(db, trigger["session"])
        if care is None or care.client_id != client.id:
            raise AccessDenied("no such session")
        values = session_values(db, care)
    return _form_values(ctx.outputs_list, values, today, care.id)


@callback(
    Output(ids.SESSION_HISTORY, "children", allow_duplicate=True),
    Output(ids.SESSION_RESULT, "children", allow_duplicate=True),
    Output(ids.ALERTS, "children", allow_duplicate=True),
    Input({"type": ids.SESSION_DELETE, "session": ALL}, "n_clicks"),
    Input({"type": ids.SESSION_RESTORE, "session": ALL}, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    prevent_initial_call=True,
)
def delete_or_restore(deletes, restores, client_id):
    if not any(deletes or []) and not any(restores or []):
        return no_update, no_update, no_update
    user = require_user()
    trigger = ctx.triggered_id
    restoring = trigger["type"] == ids.SESSION_RESTORE
    if restoring and not user.is_admin:
        raise AccessDenied("only an admin restores a deleted session")
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        care = get_session(db, trigger["session"])
        if care is None or care.client_id != client.id:
            raise AccessDenied("no such session")
        values = session_values(db, care)
        set_deleted(db, client=client, care=care, user_id=None if restoring else user.id)
        record_audit(db, user_id=user.id,
                     action="session_restored" if restoring else "session_deleted",
                     entity="session", entity_id=care.id, client_id=client.id, ip=client_ip(),
                     detail={"values": values})
        history = session_views.history_table(
            session_history(db, client.id, include_deleted=user.is_admin),
            can_restore=user.is_admin)
        alerts = _alerts(db, user, client.id)
    message = ("Session restored." if restoring else
               "Session deleted. An admin can restore it if this was a mistake.")
    return history, dbc.Alert(message, color="info"), alerts


@callback(
    Output(ids.SESSION_RATINGS, "children"),
    Output(ids.ACTIVITIES_RESULT, "children"),
    Input(ids.ACTIVITIES_SAVE, "n_clicks"),
    State(ids.CLIENT_ID, "data"),
    State(ids.ACTIVITIES, "value"),
    prevent_initial_call=True,
)
def save_activities(_n, client_id, text):
    user = require_user()
    names, problem = clean_activities(text)
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        if problem:
            return no_update, html_error(problem)
        set_activities(db, client.id, names)
        record_audit(db, user_id=user.id, action="activities_updated", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip(),
                     detail={"count": len(names)})
        context = session_context(db, client)
    # Only the rating boxes change: the session form is another form, its typing and its
    # messages are left alone (issue 19, item 1).
    return session_views.rating_fields(context), "Activities saved."


def html_error(message: str) -> html.Span:
    return html.Span(message, className="field-error")


@callback(
    Output({"type": ids.ALERT_RESULT, "alert": MATCH}, "children"),
    Output({"type": ids.ALERT_BOX, "alert": MATCH}, "children"),
    Output({"type": ids.ALERT_BOX, "alert": MATCH}, "color"),
    Input({"type": ids.ALERT_ACK, "alert": MATCH}, "n_clicks"),
    State({"type": ids.ALERT_ACTION, "alert": MATCH}, "value"),
    State({"type": ids.ALERT_NOTE, "alert": MATCH}, "value"),
    prevent_initial_call=True,
)
def acknowledge(_n, action, note):
    user = require_user()
    alert_id = ctx.triggered_id["alert"]
    action, note, errors = parse_acknowledgement(action, note)
    with current_db().begin() as db:
        alert = db.get(SafetyAlert, parse_id(alert_id)) if parse_id(alert_id) else None
        if alert is None:
            raise AccessDenied("no such alert")
        client: Client = authorize_client(db, user, alert.client_id)
        if errors:
            return html_error(" ".join(errors.values())), no_update, no_update
        if alert.acknowledged_at is not None:
            # Someone else (or another tab) did it: the form goes, whatever this one says.
            return no_update, _acknowledged("Already acknowledged."), "success"
        acknowledge_alert(db, alert, user_id=user.id, action=action, note=note)
        record_audit(db, user_id=user.id, action="alert_acknowledged", entity="safety_alert",
                     entity_id=alert.id, client_id=client.id, ip=client_ip(),
                     detail={"action": action, "note": note})
    # Acknowledged: the alert turns into a note of who did what, with no form left to press.
    return no_update, _acknowledged(f"Acknowledged by {user.name}: {action}."), "success"


def _acknowledged(what: str) -> list:
    return [html.H2("Safety alert: thoughts of self-harm", className="h6 alert-heading"),
            html.P(what, className="mb-0", role="status")]
