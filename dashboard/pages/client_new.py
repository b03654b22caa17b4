"""New client: the details form; warns before creating a likely duplicate."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.auth.access import require_user
from dashboard.auth.audit import record_audit
from dashboard.components.client_form import CLIENT_FIELDS, client_form
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.clients import create_client, find_duplicates
from dashboard.db.users import list_practitioners
from dashboard.pages.client_services import check_client_form, fingerprint
from dashboard.pages.ids import client_new as ids

dash.register_page(__name__, path="/new-client", title="New client · Back Pain Care")

FIELDS = (*CLIENT_FIELDS, "practitioner_id")


def layout(**_query: str) -> html.Div:
    user = require_user()
    practitioners = [(user.id, user.name)]
    if user.is_admin:
        with current_db().read() as db:
            practitioners = [(u.id, u.name) for u in list_practitioners(db)]
    return html.Div([
        dcc.Location(id=ids.GO, refresh="callback-nav"),
        dcc.Link("← Clients", href="/clients"),
        html.H1("New client", className="h3 mt-2"),
        client_form(ids.CLIENT_FORM, today=clinic_today(), submit_label="Create client",
                    practitioners=practitioners, can_assign=user.is_admin,
                    values={"practitioner_id": None if user.is_admin else user.id}),
    ], style={"maxWidth": "60rem"})


def _date_state() -> State:
    return State(ids.DATE_OF_BIRTH, "value")


@callback(
    [Output(ids.CLIENT_FORM.errors[f], "children") for f in FIELDS],
    Output(ids.DUPLICATE, "children"),
    Output(ids.CONFIRMED_DUPLICATE, "data"),
    Output(ids.GO, "href"),
    Input(ids.FORM, "n_submit"),
    [State(ids.CLIENT_FORM.fields[f], "value") for f in ("given_name", "family_name")],
    _date_state(),
    [State(ids.CLIENT_FORM.fields[f], "value") for f in ("email", "phone")],
    State(ids.PRACTITIONER, "value"),
    State(ids.CONFIRMED_DUPLICATE, "data"),
    prevent_initial_call=True,
)
def create(_n, given, family, dob, email, phone, practitioner_id, confirmed):
    user = require_user()
    today = clinic_today()
    raw = dict(given_name=given, family_name=family, date_of_birth=dob, email=email,
               phone=phone, practitioner_id=practitioner_id)
    with current_db().begin() as db:
        checked = check_client_form(db, user, raw, today)
        field_errors = [checked.errors.get(f, "") for f in FIELDS]
        if checked.errors:
            return *field_errors, None, None, no_update
        data = checked.data
        duplicates = find_duplicates(db, user, given_name=data.given_name,
                                     family_name=data.family_name,
                                     date_of_birth=data.date_of_birth)
        if duplicates and confirmed != fingerprint(data):
            warning = html.Div([
                html.Strong("A client with this name and date of birth is already on record. "),
                dcc.Link("Open the existing record", href=f"/clients/{duplicates[0]}"),
                html.Span(" or press Create client again to add a new record anyway."),
            ], className="alert alert-warning")
            return *field_errors, warning, fingerprint(data), no_update
        client = create_client(db, given_name=data.given_name, family_name=data.family_name,
                               date_of_birth=data.date_of_birth, email=data.email,
                               phone=data.phone, practitioner_id=checked.practitioner_id,
                               today=today)
        record_audit(db, user_id=user.id, action="client_created", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip(),
                     detail={"duplicate_confirmed": bool(duplicates)})
    return *field_errors, None, None, f"/clients/{client.id}/intake"
