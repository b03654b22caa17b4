"""A client's record as a FHIR R4B Bundle: Patient, CarePlan per plan version (each
replacing the one before), Goal, an Observation per score per session, and a
QuestionnaireResponse per questionnaire with every item.

Each resource is built with ``fhir.resources.R4B`` so it is validated against the model as
it is made. Input is plain data (``ClientRecord``); nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.goal import Goal, GoalTarget
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from dashboard.domain.dose import Dose, describe_dose
from dashboard.domain.questionnaires import INSTRUMENTS, score

SYSTEM = "https://backpain-dashboard.example/fhir"
LOCAL_CODES = f"{SYSTEM}/CodeSystem/measures"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NAMESPACE = uuid.UUID("6f0b9d52-4c1e-4a77-9d0a-5b8a3f7f2c11")
MEASURES = {
    "pain": (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "stress": (LOCAL_CODES, "stress-0-10", "Stress rating, 0-10 (0 = none, 10 = worst)"),
    "function": (LOCAL_CODES, "psfs-mean",
                 "Patient-Specific Functional Scale, mean of the client's activities (0-10)"),
}
QUESTIONNAIRES = {
    "PHQ9": ("http://loinc.org/q/44249-1", "PHQ-9 quick depression assessment panel"),
    "GAD7": ("http://loinc.org/q/69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
    "PSS10": (f"{SYSTEM}/Questionnaire/pss-10", "Perceived Stress Scale (PSS-10)"),
}
ACHIEVEMENT = {  # our status -> http://terminology.hl7.org/CodeSystem/goal-achievement
    "improving": "improving", "worsening": "worsening", "stable": "no-change",
    "not_enough_data": "in-progress",
}


@dataclass(frozen=True)
class PlanItemRecord:
    part_name: str
    strategy_name: str
    instructions: str
    dose: Dose


@dataclass(frozen=True)
class GoalRecord:
    id: int
    description: str
    pain_target: int | None
    target_on: dt.date | None


@dataclass(frozen=True)
class PlanRecord:
    id: int
    version: int
    effective_on: dt.date
    created_at: dt.datetime
    notes: str
    items: tuple[PlanItemRecord, ...]
    goals: tuple[GoalRecord, ...]


@dataclass(frozen=True)
class SessionRecord:
    id: int
    session_on: dt.date
    pain: int
    stress: int
    function: float | None
    questionnaires: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientRecord:
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    email: str
    phone: str
    status: str
    latest_pain: int | None
    plans: tuple[PlanRecord, ...]
    sessions: tuple[SessionRecord, ...]


def _urn(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _timing(dose: Dose) -> dict[str, Any] | None:
    repeat: dict[str, Any] = {}
    if dose.days_per_week:
        repeat.update(frequency=(dose.times_per_day or 1) * dose.days_per_week, period=1,
                      periodUnit="wk")
    elif dose.times_per_day:
        repeat.update(frequency=dose.times_per_day, period=1, periodUnit="d")
    if dose.minutes_min:
        repeat.update(duration=dose.minutes_min, durationUnit="min")
        if dose.minutes_max and dose.minutes_max != dose.minutes_min:
            repeat["durationMax"] = dose.minutes_max
    return {"repeat": repeat} if repeat else None


def _patient(record: ClientRecord) -> Patient:
    telecom = [{"system": "email", "value": record.email}] if record.email else []
    telecom += [{"system": "phone", "value": record.phone}] if record.phone else []
    return Patient(
        id=f"client-{record.id}",
        identifier=[{"system": f"{SYSTEM}/client-id", "value": str(record.id)}],
        name=[{"family": record.family_name, "given": [record.given_name]}],
        birthDate=record.date_of_birth, telecom=telecom or None)


def _goal(record: ClientRecord, goal: GoalRecord, patient: str, current: bool) -> Goal:
    achievement = ACHIEVEMENT.get(record.status, "in-progress")
    if goal.pain_target is not None and record.latest_pain is not None \
            and record.latest_pain <= goal.pain_target:
        achievement = "achieved"
    target = None
    if goal.pain_target is not None or goal.target_on is not None:
        target = [GoalTarget(
            measure=_coding(*MEASURES["pain"]) if goal.pain_target is not None else None,
            detailRange={"high": {"value": goal.pain_target, "system": UCUM, "code": "{score}",
                                  "unit": "score"}} if goal.pain_target is not None else None,
            dueDate=goal.target_on)]
    return Goal(
        id=f"goal-{goal.id}", lifecycleStatus="active" if current else "cancelled",
        achievementStatus=_coding("http://terminology.hl7.org/CodeSystem/goal-achievement",
                                  achievement, achievement.replace("-", " ").capitalize()),
        description={"text": goal.description}, subject={"reference": patient},
        target=target)


def _careplan(plan: PlanRecord, previous: PlanRecord | None, patient: str, current: bool,
              goal_refs: list[str]) -> CarePlan:
    activities = []
    for item in plan.items:
        detail: dict[str, Any] = {
            "status": "in-progress" if current else "stopped",
            "code": {"text": f"{item.strategy_name}: {item.part_name}"},
            "description": f"{item.instructions} Dose: {describe_dose(item.dose)}."}
        timing = _timing(item.dose)
        if timing:
            detail["scheduledTiming"] = timing
        activities.append(CarePlanActivity(detail=CarePlanActivityDetail(**detail)))
    return CarePlan(
        id=f"careplan-{plan.id}", status="active" if current else "revoked", intent="plan",
        title=f"Home-care plan, version {plan.version}",
        description=plan.notes or None, subject={"reference": patient},
        created=plan.created_at, period={"start": plan.effective_on},
        replaces=[{"reference": _urn("CarePlan", previous.id)}] if previous else None,
        goal=[{"reference": ref} for ref in goal_refs] or None, activity=activities or None)


def _observation(session: SessionRecord, measure: str, value: float, patient: str) -> Observation:
    system, code, display = MEASURES[measure]
    return Observation(
        id=f"obs-{session.id}-{measure}", status="final",
        category=[_coding("http://terminology.hl7.org/CodeSystem/observation-category",
                          "survey", "Survey")],
        code=_coding(system, code, display), subject={"reference": patient},
        effectiveDateTime=session.session_on,
        valueQuantity={"value": value, "system": UCUM, "code": "{score}", "unit": "score"})


def _response(session: SessionRecord, key: str, answers: list[int],
              patient: str) -> QuestionnaireResponse:
    instrument = INSTRUMENTS[key]
    canonical, _title = QUESTIONNAIRES[key]
    total = score(key, answers)
    items = [QuestionnaireResponseItem(
        linkId=str(n), text=text,
        answer=[QuestionnaireResponseItemAnswer(valueInteger=value)])
        for n, (text, value) in enumerate(zip(instrument.items, answers, strict=True), start=1)]
    items.append(QuestionnaireResponseItem(
        linkId="total", text=f"Total score (0-{instrument.max_total})",
        answer=[QuestionnaireResponseItemAnswer(valueInteger=total.total)]))
    return QuestionnaireResponse(
        id=f"qr-{session.id}-{key.lower()}", questionnaire=canonical, status="completed",
        subject={"reference": patient}, authored=session.session_on, item=items)


def client_entries(record: ClientRecord) -> list[BundleEntry]:
    patient_urn = _urn("Patient", record.id)
    entries = [BundleEntry(fullUrl=patient_urn, resource=_patient(record))]
    previous = None
    for plan in record.plans:
        current = plan is record.plans[-1]
        goal_refs = []
        for goal in plan.goals:
            urn = _urn("Goal", goal.id)
            goal_refs.append(urn)
            entries.append(BundleEntry(fullUrl=urn,
                                       resource=_goal(record, goal, patient_urn, current)))
        entries.append(BundleEntry(fullUrl=_urn("CarePlan", plan.id), resource=_careplan(
            plan, previous, patient_urn, current, goal_refs)))
        previous = plan
    for session in record.sessions:
        values = {"pain": session.pain, "stress": session.stress, "function": session.function}
        for measure, value in values.items():
            if value is not None:
                entries.append(BundleEntry(fullUrl=_urn("Observation", f"{session.id}/{measure}"),
                                           resource=_observation(session, measure, value,
                                                                 patient_urn)))
        for key, answers in sorted(session.questionnaires.items()):
            entries.append(BundleEntry(fullUrl=_urn("QuestionnaireResponse", f"{session.id}/{key}"),
                                       resource=_response(session, key, answers, patient_urn)))
    return entries


def build_bundle(records: list[ClientRecord], now: dt.datetime) -> Bundle:
    """One Bundle (type collection) holding every given client's record."""
    entries = [entry for record in records for entry in client_entries(record)]
    return Bundle(id=str(uuid.uuid4()), type="collection", timestamp=now,
                  entry=entries or None)


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True, indent=1)
