"""Callbacks of the client page's sessions tab: record, edit, delete and restore sessions,
the client's PSFS activities, and acknowledging safety alerts.

Each callback checks on the server that the caller may see the client; session and alert
ids from the browser are looked up and checked to belong to that client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.clinic import get_clinic
from dashboard.db.sessions import (
    HISTORY_LIMIT,
    acknowledge_alert,
    alerts_for,
    get_alert,
    get_session,
    history_position,
    is_current_plan,
    open_alert_for_session,
    other_sessions_on,
    save_session,
    saved_session_row,
    session_context,
    session_episode_dates,
    session_history,
    session_values,
    set_activities,
    set_deleted,
    update_session,
)
from dashboard.domain.dates import format_day
from dashboard.domain.ids import parse_id, parse_int
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.domain.sessions import (
    SessionForm,
    clean_activities,
    parse_acknowledgement,
    parse_session,
)
from dashboard.pages.client import ids, session_views

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import CareSession, Client

HIDDEN = {"display": "none"}
DISCHARGED = ("The session was not saved: this client has been discharged. Start a new "
              "episode (intake) first.")
NOT_SAVED = "The session was not saved: see the messages above."


def _form_fields(kind, **options) -> dict:
    """The form's fields by name (ids.SESSION_FIELDS), as States to read or Outputs to fill."""
    return {name: kind(component, "value", **options)
            for name, component in ids.SESSION_FIELDS.items()}


def _form_outputs() -> dict:
    """Everything that shows which session the form holds: its fields, heading and Cancel."""
    return {**_form_fields(Output, allow_duplicate=True),
            "editing": Output(ids.SESSION_EDITING, "data", allow_duplicate=True),
            "heading": Output(ids.SESSION_HEADING, "children", allow_duplicate=True),
            "cancel": Output(ids.SESSION_CANCEL, "style", allow_duplicate=True)}


def _form_values(targets: dict, values: dict | None, today, editing: int | None) -> dict:
    """The form filled with a session's values to edit, or empty (``values`` None).
    ``targets`` are the outputs Dash matched, by name: per-item fields list their ids."""
    values = values or {}
    ratings, adherence = values.get("ratings", {}), values.get("adherence", {})
    answers = values.get("questionnaires", {})
    day = dt.date.fromisoformat(values["date"]) if "date" in values else today
    heading = f"Editing the session of {format_day(day)}" if editing else "Record a session"
    return {
        "date": format_day(day), "pain": values.get("pain"),
        "stress": values.get("stress"), "notes": values.get("notes", ""),
        "ratings": [ratings.get(o["id"]["activity"]) for o in targets["ratings"]],
        "adherence": [adherence.get(o["id"]["item"]) for o in targets["adherence"]],
        "questionnaires": sorted(answers),
        "answers": [(answers.get(o["id"]["instrument"]) or [None] * 10)[o["id"]["item"] - 1]
                    for o in targets["answers"]],
        "editing": editing, "heading": heading, "cancel": {} if editing else HIDDEN,
    }


def _form_shape_problem(targets: dict, components: dict) -> str | None:
    """Why the pattern ids of this request are not ones the form can have (a forged request):
    checked before anything is written, so a save never commits and then fails while its
    answer is drawn. Item ids name a known questionnaire and one of its items; activity and
    plan-item ids are ids. ``targets``: the outputs by name; ``components``: the form's
    states by name (``ctx.args_grouping``)."""
    form, item_errors = targets["form"] | {"ratings": []}, targets["errors"]["items"]
    for entry in [*form["answers"], *components["answers"]]:
        component = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(component, dict):
            return "a questionnaire item without an id"
        instrument, item = component.get("instrument"), component.get("item")
        if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
            return "an unknown questionnaire"
        if parse_int(item, low=1, high=len(INSTRUMENTS[instrument].items)) is None:
            return "a questionnaire item the form does not have"
    for entry in item_errors["answers"]:  # a questionnaire's error line
        component = entry.get("id") if isinstance(entry, dict) else None
        instrument = component.get("instrument") if isinstance(component, dict) else None
        if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
            return "an unknown questionnaire"
    for group, key in ((form["ratings"], "activity"), (form["adherence"], "item"),
                       (item_errors["ratings"], "activity"), (item_errors["adherence"], "item")):
        for entry in group:
            component = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(component, dict) or parse_id(component.get(key)) is None:
                return f"a {key} id the form does not have"
    return None


def _by_id(states: list[dict], key: str) -> dict[int, object]:
    """Values of pattern-matching inputs by their numeric id; anything else is dropped."""
    return {s["id"][key]: s.get("value") for s in states
            if isinstance(s.get("id"), dict) and parse_id(s["id"].get(key)) is not None}


def _answers(chosen: object, items: list[dict]) -> dict[str, list[object]]:
    """The questionnaires' answers item by item; a key that is no instrument is kept as "?"
    so that the domain refuses it."""
    chosen = chosen if isinstance(chosen, list) else []
    answers: dict[str, list[object]] = {k: [None] * len(INSTRUMENTS[k].items)
                                        for k in chosen if isinstance(k, str) and k in INSTRUMENTS}
    for s in items:
        key, item = s["id"].get("instrument"), s["id"].get("item")
        if key in answers and isinstance(item, int) and 1 <= item <= len(answers[key]):
            answers[key][item - 1] = s.get("value")
    if any(not isinstance(k, str) or k not in INSTRUMENTS for k in chosen):
        answers["?"] = []
    return answers


def _submitted(values: dict, components: dict) -> SessionForm:
    """The form as the browser sent it: ``values`` by field name, and ``components``
    (``ctx.args_grouping``) for the ids of per-item fields. Ids and values are checked by
    the domain, never assumed."""
    return SessionForm(
        values["date"], values["pain"], values["stress"],
        _by_id(components["ratings"], "activity"), _by_id(components["adherence"], "item"),
        values["notes"], _answers(values["questionnaires"], components["answers"]))


def _unchanged(targets: dict) -> dict:
    """no_update for each output; a wildcard output needs one per component it matched."""
    return {name: [no_update] * len(t) if isinstance(t, list) else no_update
            for name, t in targets.items()}


def _field_errors(targets: dict, errors: dict[str, str]) -> dict:
    """The messages beside each field ("" clears one), by the names of ids.SESSION_ERRORS and
    ids.SESSION_ITEM_ERRORS."""
    missing: dict[str, list[str]] = {}
    for key in errors:
        if key.startswith("q-"):
            _, instrument, item = key.split("-", 2)
            missing.setdefault(instrument, []).append(item)
    items = targets["items"]
    return {
        "fields": {name: errors.get(name, "") for name in ids.SESSION_ERRORS},
        "items": {
            "ratings": [errors.get(f"rating-{o['id']['activity']}", "")
                        for o in items["ratings"]],
            "adherence": [errors.get(f"adherence-{o['id']['item']}", "")
                          for o in items["adherence"]],
            "answers": [_missing_items(missing.get(o["id"]["instrument"]))
                        for o in items["answers"]],
        },
    }


def _missing_items(items: list[str] | None) -> str:
    return f"Answer every item (missing or invalid: {', '.join(items)})." if items else ""


def _history_with(db, care, row, include_deleted: bool):
    """The history after adding ``care`` (its ``row`` drawn from what was written), and how
    many other sessions the client has that day: the one row inserted where it belongs
    (nothing when it is older than every row shown), or the table drawn whole when it is
    new or just reaches its limit. A session a colleague added meanwhile shows at the next
    redraw; the new one is never missing."""
    place = history_position(db, care, include_deleted=include_deleted)
    others = place.others_on_day
    if others is None:  # below the rows shown
        others = other_sessions_on(db, care)
    rows_before = place.shown - 1
    if place.position >= HISTORY_LIMIT:
        return no_update, others
    if rows_before >= 1 and rows_before != HISTORY_LIMIT - 1:
        return session_views.history_insert(row, place.position, rows_before=rows_before,
                                            can_restore=include_deleted), others
    return session_views.history_table(
        session_history(db, care.client_id, include_deleted=include_deleted),
        can_restore=include_deleted), others


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
    prevent_initial_call=True,  # the form is drawn with none chosen and all closed
)
def show_questionnaires(chosen):
    chosen = chosen or []
    return [o["id"]["instrument"] in chosen for o in ctx.outputs_list]


def _editable_session(db, client: Client, editing: object) -> CareSession | None:
    """The session the form is editing (None for a new one); it must be the client's."""
    if editing is None:
        return None
    care = get_session(db, editing)
    if care is None or care.client_id != client.id or care.deleted_at is not None:
        raise AccessDenied("no such session")
    return care


def _record_new(db, user, client: Client, context, data
                ) -> tuple[CareSession, str, object, int]:
    care = save_session(db, client=client, context=context, data=data, user_id=user.id)
    history, others = _history_with(db, care, saved_session_row(care, context, data,
                                                                user.name), user.is_admin)
    # Added after the history's read, so that it is written by the commit's flush with the
    # client's summary (one flush, not two), in the same transaction as the session.
    record_audit(db, user_id=user.id, action="session_created", entity="session",
                 entity_id=care.id, client_id=client.id, ip=client_ip())
    return care, f"Session of {format_day(data.session_on)} saved.", history, others


def _record_edit(db, user, client: Client, care: CareSession, data,
                 keep_adherence: bool) -> tuple[str, object, int]:
    before = session_values(db, care)
    update_session(db, client=client, care=care, data=data, keep_adherence=keep_adherence)
    record_audit(db, user_id=user.id, action="session_updated", entity="session",
                 entity_id=care.id, client_id=client.id, ip=client_ip(),
                 detail={"before": before, "after": session_values(db, care)})
    return (f"Session of {format_day(data.session_on)} updated.",
            session_views.history_table(
                session_history(db, client.id, include_deleted=user.is_admin),
                can_restore=user.is_admin), other_sessions_on(db, care))


def _cleared_form(targets: dict, today, context) -> dict:
    """The empty form, its rating boxes drawn again from the activities as saved now."""
    answer = _form_values(targets | {"ratings": []}, None, today, None)
    del answer["ratings"]
    return answer | {"rating_fields": session_views.rating_fields(context)}


def _added_since(db, context, care: CareSession | None) -> set[int]:
    """The client's activities an edited session did not rate (added after it): left
    blank, they stay unrated. None for a new session: every activity is rated."""
    if care is None:
        return set()
    return {aid for aid, _ in context.activities} - set(session_values(db, care)["ratings"])


def _load_outputs() -> dict:
    """The form's outputs, with the rating boxes redrawn whole rather than filled: the
    activities are read again, so a form drawn before they changed shows them as saved."""
    outputs = _form_outputs()
    del outputs["ratings"]
    return outputs | {"rating_fields": Output(ids.SESSION_RATINGS, "children",
                                              allow_duplicate=True)}


def _save_answer(targets: dict, errors: dict[str, str], *, result, form: dict,
                 history=no_update, alerts=no_update) -> dict:
    """The save callback's whole answer, by the names of its outputs."""
    return {"errors": _field_errors(targets["errors"], errors),
            "result": result, "history": history, "alerts": alerts, "form": form}


@callback(
    output={
        "errors": {"fields": {name: Output(error_id, "children")
                              for name, error_id in ids.SESSION_ERRORS.items()},
                   "items": {name: Output(pattern, "children")
                             for name, pattern in ids.SESSION_ITEM_ERRORS.items()}},
        "result": Output(ids.SESSION_RESULT, "children"),
        "history": Output(ids.SESSION_HISTORY, "children"),
        "alerts": Output(ids.ALERTS, "children"),
        "form": _load_outputs(),
    },
    inputs={"_submit": Input(ids.SESSION_FORM, "n_submit")},
    state={"client_id": State(ids.CLIENT_ID, "data"),
           "editing": State(ids.SESSION_EDITING, "data"),
           "form": _form_fields(State)},
    prevent_initial_call=True,
)
def save(_submit, client_id, editing, form):
    user = require_user()
    today = clinic_today()
    submitted = _submitted(form, ctx.args_grouping["form"])
    targets = ctx.outputs_grouping
    problem = _form_shape_problem(targets, ctx.args_grouping["form"])
    if problem:
        raise AccessDenied(f"malformed session form: {problem}")
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        context = session_context(db, client)
        # Drawn before anything is written: nothing can fail between the commit and the
        # answer. The rating boxes are drawn again, as the activities are saved now.
        cleared_form = _cleared_form(targets["form"], today, context)
        care = _editable_session(db, client, editing)
        # An older plan's adherence is kept as it was recorded.
        keep_adherence = care is not None and not is_current_plan(db, care)
        data, errors = parse_session(
            replace(submitted, adherence={}) if keep_adherence else submitted,
            today=today,
            episode=context.episode_dates if care is None else session_episode_dates(db, care),
            activity_ids={a for a, _ in context.activities},
            plan_item_ids={slot.plan_item_id for slot in context.adherence},
            optional_activity_ids=_added_since(db, context, care))
        discharged = care is None and context.episode_id is None
        if data is None or discharged:
            return _save_answer(
                targets, errors, form=_unchanged(targets["form"]),
                result=dbc.Alert(DISCHARGED if discharged else NOT_SAVED, color="danger"))
        if care is None:
            care, message, history, twice = _record_new(db, user, client, context, data)
        else:
            message, history, twice = _record_edit(db, user, client, care, data,
                                                   keep_adherence)
        alerts, message = _alerts_after_save(db, user, client.id, care, data, message,
                                             editing is not None)
    return _save_answer(targets, {}, result=_saved_alert(message, data.session_on, twice),
                        history=history, alerts=alerts, form=cleared_form)


def _saved_alert(message: str, session_on, others: int) -> dbc.Alert:
    """Saved; with a warning, not a refusal, when the client already has a session that day."""
    if not others:
        return dbc.Alert(message, color="success")
    return dbc.Alert([message, html.Br(), html.Strong("Check: "),
                      f"this client has {others + 1} sessions on {format_day(session_on)}. If the "
                      "same visit was entered twice, delete one of them in the history below."],
                     color="warning")


@callback(
    output=_load_outputs(),
    inputs={"clicks": Input({"type": ids.SESSION_EDIT, "session": ALL}, "n_clicks"),
            "_cancel": Input(ids.SESSION_CANCEL, "n_clicks")},
    state={"client_id": State(ids.CLIENT_ID, "data")},
    prevent_initial_call=True,
)
def load_for_editing(clicks, _cancel, client_id):
    user = require_user()
    today = clinic_today()
    trigger, targets = ctx.triggered_id, ctx.outputs_grouping | {"ratings": []}
    cancel = trigger == ids.SESSION_CANCEL
    if not cancel and not any(clicks):  # the history was redrawn; nothing was clicked
        return _unchanged(ctx.outputs_grouping)
    with current_db().read() as db:
        client = authorize_client(db, user, client_id)
        context = session_context(db, client)
        care = None if cancel else get_session(db, trigger["session"])
        if not cancel and (care is None or care.client_id != client.id):
            raise AccessDenied("no such session")
        values = session_values(db, care) if care is not None else None
        added = _added_since(db, context, care)
    answer = _form_values(targets, values, today, care.id if care is not None else None)
    del answer["ratings"]
    return answer | {"rating_fields": session_views.rating_fields(
        context, values["ratings"] if values else None, added)}


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
    Output(ids.ACTIVITIES, "value"),
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
            return no_update, html_error(problem), no_update
        set_activities(db, client.id, names)
        record_audit(db, user_id=user.id, action="activities_updated", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip(),
                     detail={"count": len(names)})
        context = session_context(db, client)
    # Only the rating boxes change: the session form is another form, its typing and its
    # messages are left alone (issue 19, item 1). The editor shows the activities as saved
    # (a name typed in another case keeps the activity, and its ratings, as it was).
    return (session_views.rating_fields(context), "Activities saved.",
            "\n".join(name for _, name in context.activities))


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
        alert = get_alert(db, alert_id)
        if alert is None:
            raise AccessDenied("no such alert")
        client = authorize_client(db, user, alert.client_id)
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
