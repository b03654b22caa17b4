"""Admin: the clinic's details, shown on handouts and with safety alerts."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth.access import require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.status import admins_only
from dashboard.context import client_ip, current_db, current_settings
from dashboard.db.client_links import clinic_link_days
from dashboard.db.clinic import (
    get_clinic,
    set_client_link_days,
    set_email_reminders,
    set_retention_years,
    update_clinic,
)
from dashboard.db.retention import retention_years
from dashboard.domain.clinic import CLINIC_FIELDS, clinic_problems
from dashboard.domain.home_log import LINK_DAYS_MAX, LINK_DAYS_MIN, clean_link_days
from dashboard.domain.privacy import clean_retention_years
from dashboard.pages.ids import admin_clinic as ids

dash.register_page(__name__, path="/admin/clinic", title="Clinic details · Back Pain Care",
                   name="Clinic details")

LABELS = {"name": "Clinic name", "address": "Address", "phone": "Phone",
          "crisis_line_text": "Crisis-line text (shown with every safety alert and handout)"}


def layout(**_query: str) -> html.Div:
    user = require_user()
    if not user.is_admin:
        return admins_only()
    with current_db().read() as db:
        clinic = get_clinic(db)
        values = {f: getattr(clinic, f) if clinic else "" for f in CLINIC_FIELDS}
        years = retention_years(db)
        reminders_on = bool(clinic.email_reminders) if clinic else True
        link_days = clinic_link_days(db)
    fields = []
    for name in CLINIC_FIELDS:
        control = (dbc.Textarea(id=ids.FIELDS[name], value=values[name], rows=3, maxLength=1000)
                   if name == "crisis_line_text" else
                   dbc.Input(id=ids.FIELDS[name], value=values[name], type="text", maxLength=500))
        fields.append(html.Div([dbc.Label(LABELS[name], html_for=ids.FIELDS[name]), control,
                                html.Div(id=ids.FIELD_ERRORS[name], className="field-error",
                                         role="status")], className="mb-3"))
    return html.Div([
        html.H1("Clinic details", className="h3"),
        dbc.Form(id=ids.FORM, children=[
            *fields, dbc.Button("Save", type="submit", color="primary")]),
        html.Div(id=ids.RESULT, role="status", className="mt-2"),
        _retention_form(years),
        _reminders_form(reminders_on, email_set_up=current_settings().smtp is not None),
        _link_days_form(link_days),
    ], style={"maxWidth": "48rem"})


def _reminders_form(on: bool, *, email_set_up: bool) -> dbc.Form:
    """Email reminders for the whole clinic: a form of its own, saved and audited apart."""
    return dbc.Form(id=ids.REMINDERS_FORM, className="mt-4", children=[
        html.H2("Email reminders", className="h5"),
        html.P("Clients who agreed to email get at most one short reminder a day when a "
               "questionnaire is due or they have not logged a day for 3 days: the clinic's "
               "name and their link, no health data." + (
                   "" if email_set_up else " Email is not set up on this server "
                   "(SMTP_URL), so none are sent whatever this says."),
               className="small", id=ids.REMINDERS_NOTE),
        dbc.Checkbox(id=ids.REMINDERS, value=on,
                     label="Send email reminders to clients who agreed"),
        dbc.Button("Save reminders", type="submit", color="primary", className="mt-2"),
        html.Div(id=ids.REMINDERS_RESULT, role="status", className="mt-2"),
    ])


@callback(
    output={"result": Output(ids.REMINDERS_RESULT, "children")},
    inputs={"_submit": Input(ids.REMINDERS_FORM, "n_submit")},
    state={"on": State(ids.REMINDERS, "value")},
    prevent_initial_call=True,
)
def save_reminders(_submit, on):
    admin = require_admin()
    with current_db().begin() as db:
        saved = set_email_reminders(db, on=on is True)
        if saved is None:
            return {"result": dbc.Alert("Save the clinic's details first.", color="danger")}
        clinic_id, before = saved
        record_audit(db, user_id=admin.id, action="email_reminders_set", entity="clinic",
                     entity_id=clinic_id, ip=client_ip(),
                     detail={"from": before, "to": on is True})
    return {"result": dbc.Alert("Saved: email reminders are on." if on is True else
                                "Saved: email reminders are off.", color="success")}


def _retention_form(years: int) -> dbc.Form:
    """A form of its own: the retention period is a privacy decision, saved and audited apart."""
    return dbc.Form(id=ids.RETENTION_FORM, className="mt-4", children=[
        html.H2("Records retention", className="h5"),
        html.P(["Records of discharged or archived clients are kept this long after their "
                "last session, discharge or archiving; then they are listed on ",
                dcc.Link("Records past retention", href="/admin/retention"),
                " for an admin to erase."], className="small"),
        dbc.Label("Keep records for (years)", html_for=ids.RETENTION_YEARS),
        dbc.Input(id=ids.RETENTION_YEARS, type="text", inputMode="numeric", value=str(years),
                  style={"maxWidth": "8rem"}),
        html.Div(id=ids.RETENTION_YEARS_ERROR, className="field-error", role="status"),
        dbc.Button("Save retention", type="submit", color="primary", className="mt-2"),
        html.Div(id=ids.RETENTION_RESULT, role="status", className="mt-2"),
    ])


def _link_days_form(days: int) -> dbc.Form:
    """How long a client's own link lasts unless the practitioner sets it (issue 21)."""
    return dbc.Form(id=ids.LINK_FORM, className="mt-4", children=[
        html.H2("Clients' own links", className="h5"),
        html.P("A link to a client's own page ends when the episode is discharged, when it "
               "is revoked, or after this many days, whichever comes first. A practitioner "
               "can choose fewer days for one link.", className="small"),
        dbc.Label(f"Links last (days, {LINK_DAYS_MIN} to {LINK_DAYS_MAX})",
                  html_for=ids.LINK_DAYS),
        dbc.Input(id=ids.LINK_DAYS, type="text", inputMode="numeric", value=str(days),
                  style={"maxWidth": "8rem"}),
        html.Div(id=ids.LINK_DAYS_ERROR, className="field-error", role="status"),
        dbc.Button("Save link length", type="submit", color="primary", className="mt-2"),
        html.Div(id=ids.LINK_RESULT, role="status", className="mt-2"),
    ])


@callback(
    Output(ids.LINK_DAYS_ERROR, "children"),
    Output(ids.LINK_RESULT, "children"),
    Input(ids.LINK_FORM, "n_submit"),
    State(ids.LINK_DAYS, "value"),
    prevent_initial_call=True,
)
def save_link_days(_n, raw):
    admin = require_admin()
    days, problem = clean_link_days(raw)
    if problem or days is None:
        return problem, dbc.Alert("Not saved: see the message above.", color="danger")
    with current_db().begin() as db:
        saved = set_client_link_days(db, days=days)
        if saved is None:
            return "", dbc.Alert("Save the clinic's details first.", color="danger")
        clinic_id, before = saved
        record_audit(db, user_id=admin.id, action="client_link_days_updated",
                     entity="clinic", entity_id=clinic_id, ip=client_ip(),
                     detail={"from": before, "to": days})
    return "", dbc.Alert(f"Saved: new links last {days} days. Links already made keep "
                         "their end date.", color="success")


@callback(
    Output(ids.RETENTION_YEARS_ERROR, "children"),
    Output(ids.RETENTION_RESULT, "children"),
    Input(ids.RETENTION_FORM, "n_submit"),
    State(ids.RETENTION_YEARS, "value"),
    prevent_initial_call=True,
)
def save_retention(_n, raw):
    admin = require_admin()
    years, problem = clean_retention_years(raw)
    if problem:
        return problem, dbc.Alert("Not saved: see the message above.", color="danger")
    with current_db().begin() as db:
        saved = set_retention_years(db, years=years)
        if saved is None:
            return "", dbc.Alert("Save the clinic's details first.", color="danger")
        clinic_id, before = saved
        record_audit(db, user_id=admin.id, action="retention_updated", entity="clinic",
                     entity_id=clinic_id, ip=client_ip(),
                     detail={"from": before, "to": years})
    return "", dbc.Alert(f"Saved: records are kept {years} years.", color="success")


@callback(
    [Output(ids.FIELD_ERRORS[name], "children") for name in CLINIC_FIELDS],
    Output(ids.RESULT, "children"),
    Input(ids.FORM, "n_submit"),
    [State(ids.FIELDS[name], "value") for name in CLINIC_FIELDS],
    prevent_initial_call=True,
)
def save_clinic(_n, *values):
    admin = require_admin()
    raw = dict(zip(CLINIC_FIELDS, values, strict=True))
    cleaned, errors = clinic_problems(raw)
    if errors:
        return *[errors.get(f, "") for f in CLINIC_FIELDS], dbc.Alert(
            "Not saved: see the messages above.", color="danger")
    with current_db().begin() as db:
        clinic_id, changed = update_clinic(
            db, details={name: cleaned[name] for name in CLINIC_FIELDS})
        record_audit(db, user_id=admin.id, action="clinic_updated", entity="clinic",
                     entity_id=clinic_id, ip=client_ip(), detail={"fields": changed})
    return *[""] * len(CLINIC_FIELDS), dbc.Alert("Saved.", color="success")
