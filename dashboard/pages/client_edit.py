"""Edit a client's details."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.components.client_form import CLIENT_FIELDS, client_form
from dashboard.components.status import client_not_found as not_found
from dashboard.context import client_ip, clinic_today, current_db
from dashboard.db.clients import find_duplicates, practitioner_name, update_client
from dashboard.db.users import list_practitioners
from dashboard.pages.client_services import check_client_form, fingerprint
from dashboard.pages.ids import client_edit as ids

# An explicit order puts this page before /clients/<client_id>, whose template would
# otherwise match this path too (Dash's templates match across slashes; first match wins).
dash.register_page(__name__, path_template="/clients/<client_id>/edit", order=1,
                   title="Edit client · Back Pain Care")

FIELDS = (*CLIENT_FIELDS, "practitioner_id")


def layout(client_id: str = "", **_query: str) -> html.Div:
    user = require_user()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            return not_found()
        practitioners = ([(u.id, u.name) for u in list_practitioners(db)] if user.is_admin
                         else [(client.practitioner_id,
                                practitioner_name(db, client.practitioner_id))])
        values = {name: getattr(client, name) for name in FIELDS}
        cid, name = client.id, f"{client.given_name} {client.family_name}"
    return html.Div([
        dcc.Store(id=ids.CLIENT_ID, data=cid),
        dcc.Location(id=ids.GO, refresh="callback-nav"),
        dcc.Link(f"← {name}", href=f"/clients/{cid}"),
        html.H1("Edit client details", className="h3 mt-2"),
        client_form(ids.CLIENT_FORM, values=values, today=clinic_today(),
                    submit_label="Save details", practitioners=practitioners,
                    can_assign=user.is_admin),
    ], style={"maxWidth": "60rem"})


@callback(
    [Output(ids.CLIENT_FORM.errors[f], "children") for f in FIELDS],
    Output(ids.DUPLICATE, "children"),
    Output(ids.CONFIRMED_DUPLICATE, "data"),
    Output(ids.GO, "href"),
    Input(ids.FORM, "n_submit"),
    State(ids.CLIENT_ID, "data"),
    [State(ids.CLIENT_FORM.fields[f], "value") for f in ("given_name", "family_name")],
    State(ids.DATE_OF_BIRTH, "value"),
    [State(ids.CLIENT_FORM.fields[f], "value")
     for f in ("email", "phone", "practitioner_id")],
    State(ids.CONFIRMED_DUPLICATE, "data"),
    prevent_initial_call=True,
)
def save(_n, client_id, given, family, dob, email, phone, practitioner_id, confirmed):
    user = require_user()
    raw = dict(given_name=given, family_name=family, date_of_birth=dob, email=email,
               phone=phone, practitioner_id=practitioner_id)
    with current_db().begin() as db:
        client = authorize_client(db, user, client_id)
        checked = check_client_form(db, user, raw, clinic_today())
        field_errors = [checked.errors.get(f, "") for f in FIELDS]
        if checked.errors:
            return *field_errors, None, None, no_update
        data = checked.data
        duplicates = find_duplicates(db, user, given_name=data.given_name,
                                     family_name=data.family_name,
                                     date_of_birth=data.date_of_birth, exclude_id=client.id)
        if duplicates and confirmed != fingerprint(data):
            warning = html.Div(
                "Another client has this name and date of birth. Press Save details again "
                "to keep both records.", className="alert alert-warning")
            return *field_errors, warning, fingerprint(data), no_update
        new_values = dict(given_name=data.given_name, family_name=data.family_name,
                          date_of_birth=data.date_of_birth, email=data.email, phone=data.phone)
        if user.is_admin:
            new_values["practitioner_id"] = checked.practitioner_id
        changed = update_client(db, client=client, values=new_values)
        # Field names only: the values are health data and stay out of the audit detail.
        record_audit(db, user_id=user.id, action="client_updated", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip(),
                     detail={"fields": changed})
    return *field_errors, None, None, f"/clients/{client.id}"
