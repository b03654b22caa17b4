"""FHIR export: a valid R4B Bundle whose contents match the record; access and audit."""

import datetime as dt
import json

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.db.models import AuditEntry, CareSession, Client, QuestionnaireAnswer
from dashboard.demo import create_demo
from tests.conftest import login

DEMO_PASSWORD = "backcare-demo-2026"


def parse(text: str) -> Bundle:
    return Bundle.model_validate_json(text)


def kinds(bundle: Bundle) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in bundle.entry:
        kind = entry.resource.__resource_type__
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_demo_client_exports_a_valid_bundle_matching_the_record(http, db):
    with db.begin() as s:
        create_demo(s, today=dt.date.today())
    login(http, "priya.patel@demo.clinic", DEMO_PASSWORD)
    response = http.get("/clients/1/fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    bundle = parse(response.get_data(as_text=True))
    with db.read() as s:
        sessions = s.scalar(select(func.count()).select_from(CareSession).where(
            CareSession.client_id == 1))
        with_function = s.scalar(select(func.count()).select_from(CareSession).where(
            CareSession.client_id == 1, CareSession.function_score.is_not(None)))
        filled = (select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument)
                  .join(CareSession, CareSession.id == QuestionnaireAnswer.session_id)
                  .where(CareSession.client_id == 1).distinct().subquery())
        questionnaires = s.scalar(select(func.count()).select_from(filled))
        plans = s.scalar(select(func.count()).select_from(Client).where(Client.id == 1))
    counts = kinds(bundle)
    assert counts["Patient"] == 1 and counts["CarePlan"] >= plans
    assert counts["Observation"] == 2 * sessions + with_function
    assert counts["QuestionnaireResponse"] == questionnaires
    # Every reference points at an entry of the Bundle.
    urls = {entry.fullUrl for entry in bundle.entry}
    text = response.get_data(as_text=True)
    references = {r for r in _references(json.loads(text))}
    assert references and references <= urls
    pain = next(e.resource for e in bundle.entry
                if e.resource.__resource_type__ == "Observation"
                and e.resource.code.coding[0].code == "72514-3")
    assert pain.valueQuantity.value is not None
    phq = next(e.resource for e in bundle.entry
               if e.resource.__resource_type__ == "QuestionnaireResponse"
               and e.resource.questionnaire == "http://loinc.org/q/44249-1")
    assert len(phq.item) == 10  # nine items and the total
    with db.read() as s:
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "fhir_exported")) == "fhir_exported"


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_plan_versions_link_to_the_one_they_replaced(http, planned):
    login(http, "alice@test.clinic")
    bundle = parse(http.get(f"/clients/{planned}/fhir.json").get_data(as_text=True))
    plans = [e for e in bundle.entry if e.resource.__resource_type__ == "CarePlan"]
    assert [p.resource.status for p in plans] == ["revoked", "active"]
    assert plans[1].resource.replaces[0].reference == plans[0].fullUrl
    heat = plans[0].resource.activity[0].detail
    assert heat.scheduledTiming.repeat.duration == 15
    assert heat.scheduledTiming.repeat.durationMax == 20
    goals = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "Goal"]
    assert {g.description.text for g in goals} == {"Pain at or below 3", "Carry my shopping"}


def test_practitioner_cannot_export_another_s_client(http, sqlite_people):
    login(http, "alice@test.clinic")
    assert http.get(f"/clients/{sqlite_people.bob_client_id}/fhir.json").status_code == 404
    assert http.get("/export/fhir.json").status_code == 403
    http.post("/logout")
    assert http.get(f"/clients/{sqlite_people.alice_client_id}/fhir.json").status_code == 302


def test_admin_exports_the_clinic_and_cli_too(http, db, sqlite_people, monkeypatch, tmp_path):
    login(http, "admin@test.clinic")
    bundle = parse(http.get("/export/fhir.json").get_data(as_text=True))
    assert kinds(bundle)["Patient"] == 2
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "one.json"
    assert main(["export-fhir", str(sqlite_people.alice_client_id), "-o", str(out)]) == 0
    assert kinds(parse(out.read_text()))["Patient"] == 1
    assert main(["export-fhir", "--all", "-o", str(out)]) == 0
    assert kinds(parse(out.read_text()))["Patient"] == 2
    assert main(["export-fhir", "-o", str(out)]) == 2
