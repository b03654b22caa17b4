"""FHIR downloads: one client's record, or the whole clinic's (admins). Checked and audited."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from dashboard.auth.access import AccessDenied, authorize_client, require_admin, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import attachment, client_ip, current_db, current_settings
from dashboard.db.export import client_record, visible_client_ids
from dashboard.db.models import Client, utcnow
from dashboard.fhir.bundle import build_bundle, bundle_json
from dashboard.fhir.naming import FhirNames

blueprint = Blueprint("fhir", __name__)
FHIR_JSON = "application/fhir+json"


@blueprint.get("/clients/<id:client_id>/fhir.json")
def client_bundle(client_id: int) -> Response:
    user = require_user()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        record = client_record(db, client=client)
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="fhir_exported", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip())
    names = FhirNames.from_settings(current_settings())
    return attachment(bundle_json(build_bundle([record], utcnow(), names)), FHIR_JSON,
                      f"client-{client_id}-fhir.json")


@blueprint.get("/export/fhir.json")
def clinic_bundle() -> Response:
    user = require_admin()
    with current_db().read() as db:
        records = [client_record(db, client=c) for cid in visible_client_ids(db, user)
                   if (c := db.get(Client, cid)) is not None]
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="fhir_exported_clinic", entity="clinic",
                     ip=client_ip(), detail={"clients": len(records)})
    names = FhirNames.from_settings(current_settings())
    return attachment(bundle_json(build_bundle(records, utcnow(), names)), FHIR_JSON,
                      "clinic-fhir.json")
