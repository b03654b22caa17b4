"""A practitioner's profile: profession, phone and the name printed on handouts. Edited by
the practitioner (their own) and by admins (anyone's, from the Users page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth.access import AccessDenied, CurrentUser, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db
from dashboard.db.users import PROFILE_FIELDS, get_user, update_profile
from dashboard.domain.ids import parse_id
from dashboard.domain.users import PROFESSIONS, profile_problems
from dashboard.pages.ids import profile as ids

if TYPE_CHECKING:  # annotations only: pages read rows, dashboard/db/ writes them
    from dashboard.db.models import User

dash.register_page(__name__, path="/profile", title="Profile · Back Pain Care",
                   name="Profile")

LABELS = {"handout_name": "Name printed on handouts and summaries",
          "phone": "Phone printed on handouts", "profession": "Profession"}
HELP = {"handout_name": "Leave empty to print your account's name.",
        "phone": "Clients call this number with questions about their plan.",
        "profession": ""}


def _editable(db, caller: CurrentUser, raw_id: object) -> User:
    """The profile ``caller`` may edit: their own, or anyone's for an admin. The id comes
    from the browser, so it is checked here on every request."""
    user_id = parse_id(raw_id) if raw_id not in (None, "") else caller.id
    if user_id is None or (user_id != caller.id and not caller.is_admin):
        raise AccessDenied("not your profile")
    user = get_user(db, user_id)
    if user is None:
        raise AccessDenied("no such user")
    return user


def _field(name: str, value: str) -> html.Div:
    control = (dbc.Select(id=ids.FIELDS[name], value=value, options=[
                   {"label": "Not set", "value": ""},
                   *({"label": label.capitalize(), "value": key}
                     for key, label in PROFESSIONS.items())])
               if name == "profession" else
               dbc.Input(id=ids.FIELDS[name], value=value, type="tel" if name == "phone"
                         else "text", maxLength=200 if name == "handout_name" else 30,
                         autoComplete="off"))
    return html.Div([
        dbc.Label(LABELS[name], html_for=ids.FIELDS[name]), control,
        dbc.FormText(HELP[name]) if HELP[name] else None,
        html.Div(id=ids.FIELD_ERRORS[name], className="field-error", role="status"),
    ], className="mb-3")


def layout(user: str | None = None, **_query: str) -> html.Div:
    caller = require_user()
    try:
        with current_db().read() as db:
            target = _editable(db, caller, user)
            values = {f: getattr(target, f) for f in PROFILE_FIELDS}
            whose = "Your profile" if target.id == caller.id else f"Profile of {target.name}"
            target_id = target.id
    except AccessDenied:
        return html.Div([html.H1("Profile", className="h3"),
                         dbc.Alert("You can edit only your own profile.", color="warning")])
    return html.Div([
        html.H1(whose, className="h3"),
        html.P("What clients see of you on their handout, discharge summary and own page.",
               className="text-body-secondary"),
        dcc.Store(id=ids.USER, data=target_id),
        dbc.Form(id=ids.FORM, children=[
            *(_field(name, values[name]) for name in PROFILE_FIELDS),
            dbc.Button("Save profile", type="submit", color="primary"),
        ]),
        html.Div(id=ids.RESULT, role="status", className="mt-2"),
    ], style={"maxWidth": "40rem"})


@callback(
    output={"errors": {name: Output(ids.FIELD_ERRORS[name], "children")
                       for name in PROFILE_FIELDS},
            "result": Output(ids.RESULT, "children")},
    inputs={"_submit": Input(ids.FORM, "n_submit")},
    state={"user_id": State(ids.USER, "data"),
           "form": {name: State(ids.FIELDS[name], "value") for name in PROFILE_FIELDS}},
    prevent_initial_call=True,
)
def save_profile(_submit, user_id, form):
    caller = require_user()
    cleaned, errors = profile_problems(form.get("handout_name"), form.get("phone"),
                                       form.get("profession"))
    if errors:
        return {"errors": {f: errors.get(f, "") for f in PROFILE_FIELDS},
                "result": dbc.Alert("Not saved: see the messages above.", color="danger")}
    with current_db().begin() as db:
        target = _editable(db, caller, user_id)
        changed = update_profile(db, user=target, **cleaned)
        if changed:
            record_audit(db, user_id=caller.id, action="profile_updated", entity="user",
                         entity_id=target.id, ip=client_ip(), detail=changed)
    return {"errors": dict.fromkeys(PROFILE_FIELDS, ""),
            "result": dbc.Alert("Saved. Handouts given from now on print it."
                                if changed else "Nothing has changed.",
                                color="success" if changed else "info")}
