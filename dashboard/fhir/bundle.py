"""A client's record as a FHIR R4B Bundle.

Per client: Patient; a CarePlan per plan version (each replacing the one before) with its
Goals; per session a QuestionnaireResponse per form filled (pain, stress, the PSFS, PHQ-9,
GAD-7, PSS-10) and an Observation per score derived from it (the questionnaire totals under
their LOINC codes). Once per Bundle: the Questionnaires the responses point to and the
clinic's CodeSystem, so every reference and canonical resolves inside the Bundle.

The state of the episode is carried through: a discharged episode's final CarePlan is
completed with its end date, its activities completed and its Goals completed with
whether each was met. Every resource carries an identifier under the clinic's base URL;
a ``transaction`` Bundle creates each one only if no resource has that identifier yet, so
a server can load the same export again without duplicates.

Each resource is built with ``fhir.resources.R4B`` so it is validated as it is made. Input
is plain data (``ClientRecord``); nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from dashboard.domain.dose import Dose, describe_dose, describe_frequency
from dashboard.domain.episodes import pain_goal_met
from dashboard.domain.export_record import ClientRecord, GoalRecord, PlanRecord, SessionRecord
from dashboard.domain.questionnaires import score
from dashboard.fhir.forms import (
    PAIN_CODE,
    PAIN_FORM,
    PSFS_ACTIVITY,
    PSFS_FORM,
    SCORED_FORMS,
    STRESS_FORM,
    UCUM,
    ScoredForm,
    code_system,
    coding,
    concept,
    local_concept,
    questionnaires,
)
from dashboard.fhir.naming import FhirNames

BundleType = Literal["collection", "transaction"]
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACHIEVEMENT_DISPLAY = {"in-progress": "In Progress", "improving": "Improving",
                       "worsening": "Worsening", "no-change": "No Change",
                       "achieved": "Achieved", "not-achieved": "Not Achieved"}
# The client's pain status (dashboard.domain.status) as a pain goal's progress.
PAIN_STATUS_ACHIEVEMENT = {"improving": "improving", "worsening": "worsening",
                           "stable": "no-change", "not_enough_data": "in-progress"}


@dataclass(frozen=True)
class Entry:
    """A resource with the identifier it is created under (its conditional key)."""

    full_url: str
    resource: Resource
    identifier: str  # "SYSTEM|VALUE", the search a transaction's ifNoneExist makes


class _Builder:
    def __init__(self, names: FhirNames) -> None:
        self.names = names
        self.entries: list[Entry] = []

    def add(self, resource_type: type[Resource], key: object, **fields: Any) -> str:
        """Build the resource with its identifier; its full URL for references."""
        system = self.names.identifier_system(resource_type.__resource_type__)
        resource = resource_type(identifier=_identifiers(resource_type, system, key), **fields)
        full_url = self.names.urn(resource_type.__resource_type__, key)
        self.entries.append(Entry(full_url, resource, f"{system}|{key}"))
        return full_url

    def add_built(self, resource: Resource, key: str) -> None:
        """A resource that carries its identifier already (Questionnaire, CodeSystem)."""
        kind = resource.__resource_type__
        self.entries.append(Entry(self.names.urn(kind, key), resource,
                                  f"{self.names.identifier_system(kind)}|{key}"))


def _identifiers(resource_type: type[Resource], system: str, key: object) -> Any:
    identifier = {"system": system, "value": str(key)}
    # QuestionnaireResponse has a single identifier; the others a list.
    return identifier if resource_type is QuestionnaireResponse else [identifier]


def _timing(dose: Dose) -> dict[str, Any] | None:
    """The dose's schedule, per day where it is given per day: "twice a day, every day" is
    2 per 1 day (never 14 a week). A dose records how many days a week, not which days, so
    no dayOfWeek is sent; "twice a day, 3 days a week" is 2 per day with the days in the
    timing's text (FHIR's repeat cannot say both)."""
    times, days = dose.times_per_day, dose.days_per_week
    repeat: dict[str, Any] = {}
    if (times and times > 1) or (days in (None, 7) and (times or days)):
        repeat.update(frequency=times or 1, period=1, periodUnit="d")
    elif days:
        repeat.update(frequency=days, period=1, periodUnit="wk")  # once on each of the days
    if dose.minutes_min:
        repeat.update(duration=dose.minutes_min, durationUnit="min")
        if dose.minutes_max and dose.minutes_max != dose.minutes_min:
            repeat["durationMax"] = dose.minutes_max
    if not repeat:
        return None
    often = describe_frequency(dose)
    return {"repeat": repeat, **({"code": {"text": often}} if often else {})}


def _achievement(code: str | None) -> dict[str, Any] | None:
    return concept(GOAL_ACHIEVEMENT, code, ACHIEVEMENT_DISPLAY[code]) if code else None


def _goal_state(record: ClientRecord, goal: GoalRecord, final: bool) -> tuple[str, str | None]:
    """(lifecycleStatus, achievement code). A goal of a replaced plan version was set aside
    with it. At discharge each goal is finished and judged by its own tick (a pain goal left
    unticked by the discharge pain); while the episode is open a pain goal follows the pain,
    an activity goal is in progress (pain says nothing about carrying the shopping)."""
    episode = record.episode
    if not final:
        return "cancelled", None
    if episode is not None and episode.discharged:
        met = goal.met
        if met is None:
            met = pain_goal_met(goal.pain_target, episode.discharge_pain)
        return "completed", None if met is None else ("achieved" if met else "not-achieved")
    if goal.pain_target is None:
        return "active", "in-progress"
    if pain_goal_met(goal.pain_target, record.latest_pain):
        return "active", "achieved"
    return "active", PAIN_STATUS_ACHIEVEMENT.get(record.status, "in-progress")


def _add_goal(b: _Builder, record: ClientRecord, plan: PlanRecord, goal: GoalRecord,
              patient: str, final: bool) -> str:
    lifecycle, achievement = _goal_state(record, goal, final)
    target = None
    if goal.pain_target is not None or goal.target_on is not None:
        target = [{
            "measure": concept(*PAIN_CODE) if goal.pain_target is not None else None,
            "detailRange": {"high": {"value": goal.pain_target, "system": UCUM,
                                     "code": "{score}", "unit": "score"}}
            if goal.pain_target is not None else None,
            "dueDate": goal.target_on}]
    ended = record.episode.ended_on if record.episode and lifecycle == "completed" else None
    return b.add(Goal, goal.id, id=f"goal-{goal.id}", lifecycleStatus=lifecycle,
                 achievementStatus=_achievement(achievement),
                 description={"text": goal.description}, subject={"reference": patient},
                 startDate=plan.effective_on, statusDate=ended, target=target)


def _add_careplan(b: _Builder, record: ClientRecord, plan: PlanRecord,
                  following: PlanRecord | None, previous: str | None, patient: str,
                  goal_refs: list[str]) -> str:
    episode = record.episode
    end: dt.date | None
    if following is not None:  # replaced by a later version
        status, activity_status, end = "revoked", "stopped", following.effective_on
    elif episode is not None and episode.discharged:
        status, activity_status, end = "completed", "completed", episode.ended_on
    else:
        status, activity_status, end = "active", "in-progress", None
    activities = []
    for item in plan.items:
        detail: dict[str, Any] = {
            "status": activity_status,
            "code": {"text": f"{item.strategy_name}: {item.part_name}"},
            "description": f"{item.instructions} Dose: {describe_dose(item.dose)}."}
        timing = _timing(item.dose)
        if timing:
            detail["scheduledTiming"] = timing
        # Each day the client ticked it done on their own page, by the client.
        progress = [{"authorReference": {"reference": patient}, "time": day,
                     "text": "Done (reported by the client at home)."}
                    for day in item.done_at_home]
        activities.append({"detail": detail, "progress": progress or None})
    period: dict[str, Any] = {"start": plan.effective_on}
    if end is not None:
        period["end"] = end
    return b.add(CarePlan, plan.id, id=f"careplan-{plan.id}", status=status, intent="plan",
                 title=f"Home-care plan, version {plan.version}",
                 description=plan.notes or None, subject={"reference": patient},
                 created=plan.created_at, period=period,
                 replaces=[{"reference": previous}] if previous else None,
                 goal=[{"reference": ref} for ref in goal_refs] or None,
                 activity=activities or None)


def _add_observation(b: _Builder, key: str, day: dt.date, code: dict[str, Any],
                     value: float, patient: str, derived_from: str | None,
                     interpretation: str | None = None, by_client: bool = False) -> None:
    b.add(Observation, key, id=f"obs-{key}", status="final",
          category=[concept(OBSERVATION_CATEGORY, "survey", "Survey")], code=code,
          subject={"reference": patient}, effectiveDateTime=day,
          valueQuantity={"value": value, "system": UCUM, "code": "{score}", "unit": "score"},
          interpretation=[{"text": interpretation}] if interpretation else None,
          derivedFrom=[{"reference": derived_from}] if derived_from else None,
          # Reported by the client at home (their own page), not measured at a session.
          performer=[{"reference": patient}] if by_client else None,
          note=[{"text": "Reported by the client at home."}] if by_client else None)


def _add_response(b: _Builder, session: SessionRecord, slug: str, patient: str,
                  items: list[dict[str, Any]]) -> str:
    return _add_answers(b, f"{session.id}-{slug}", session.session_on, slug, patient, items)


def _add_answers(b: _Builder, key: str, day: dt.date, slug: str, patient: str,
                 items: list[dict[str, Any]], by_client: bool = False) -> str:
    # ``source``: who answered, when it was the client themselves (at home on their own
    # page) rather than the practitioner recording a session.
    return b.add(QuestionnaireResponse, key, id=f"qr-{key}",
                 questionnaire=b.names.questionnaire(slug), status="completed",
                 subject={"reference": patient}, authored=day, item=items,
                 source={"reference": patient} if by_client else None)


def _add_scored(b: _Builder, session: SessionRecord, form: ScoredForm, answers: list[int],
                patient: str) -> None:
    _add_questionnaire(b, f"{session.id}-{form.slug}", session.session_on, form, answers,
                       patient)


def _add_questionnaire(b: _Builder, key: str, day: dt.date, form: ScoredForm,
                       answers: list[int], patient: str, by_client: bool = False) -> None:
    """A PHQ-9, GAD-7 or PSS-10 item by item, and its total as an Observation derived from
    it; marked as the client's own report when completed at home."""
    total = score(form.instrument.key, answers)
    items: list[dict[str, Any]] = [
        {"linkId": form.link_id(number), "text": text,
         "answer": [{"valueCoding": coding("http://loinc.org", *form.answers[value])}]}
        for number, (text, value) in enumerate(
            zip(form.instrument.items, answers, strict=True), start=1)]
    items.append({"linkId": form.total_link_id, "text": form.total[1],
                  "answer": [{"valueInteger": total.total}]})
    response = _add_answers(b, key, day, form.slug, patient, items, by_client)
    _add_observation(b, key, day, concept("http://loinc.org", *form.total), total.total,
                     patient, response, interpretation=total.band, by_client=by_client)


def _add_psfs(b: _Builder, key: str, day: dt.date, ratings: tuple[tuple[str, int], ...],
              patient: str, by_client: bool = False) -> str:
    """The PSFS activity by activity (name and 0-10), at a session or by the client at
    home (then ``source`` is the Patient)."""
    return _add_answers(b, key, day, PSFS_FORM[0], patient, [
        {"linkId": PSFS_ACTIVITY, "item": [
            {"linkId": "activity-name", "answer": [{"valueString": name}]},
            {"linkId": "activity-score", "answer": [{"valueInteger": rating}]}]}
        for name, rating in ratings], by_client)


def _add_session(b: _Builder, session: SessionRecord, patient: str) -> None:
    names = b.names
    pain = _add_response(b, session, PAIN_FORM[0], patient, [
        {"linkId": "pain", "text": "Pain (0-10)", "answer": [{"valueInteger": session.pain}]}])
    _add_observation(b, f"{session.id}-pain", session.session_on, concept(*PAIN_CODE),
                     session.pain, patient, pain)
    stress = _add_response(b, session, STRESS_FORM[0], patient, [
        {"linkId": "stress", "text": "Stress (0-10)",
         "answer": [{"valueInteger": session.stress}]}])
    _add_observation(b, f"{session.id}-stress", session.session_on,
                     local_concept(names, "stress-0-10"), session.stress, patient, stress)
    psfs = _add_psfs(b, f"{session.id}-{PSFS_FORM[0]}", session.session_on,
                     session.ratings, patient) if session.ratings else None
    if session.function is not None:
        _add_observation(b, f"{session.id}-function", session.session_on,
                         local_concept(names, "psfs-mean"), session.function, patient, psfs)
    for key, answers in sorted(session.questionnaires.items()):
        _add_scored(b, session, SCORED_FORMS[key], answers, patient)


def _add_client(b: _Builder, record: ClientRecord) -> None:
    telecom = [{"system": "email", "value": record.email}] if record.email else []
    telecom += [{"system": "phone", "value": record.phone}] if record.phone else []
    patient = b.add(Patient, record.id, id=f"client-{record.id}",
                    name=[{"family": record.family_name, "given": [record.given_name]}],
                    birthDate=record.date_of_birth, telecom=telecom or None)
    previous = None
    for number, plan in enumerate(record.plans):
        following = record.plans[number + 1] if number + 1 < len(record.plans) else None
        goal_refs = [_add_goal(b, record, plan, goal, patient, final=following is None)
                     for goal in plan.goals]
        previous = _add_careplan(b, record, plan, following, previous, patient, goal_refs)
    for session in record.sessions:
        _add_session(b, session, patient)
    for report in record.home_reports:
        # One log per episode and day: the day keys it.
        key = f"home-{record.episode.id if record.episode else 0}-{report.log_on.isoformat()}"
        if report.pain is not None:
            _add_observation(b, f"{key}-pain", report.log_on, concept(*PAIN_CODE), report.pain,
                             patient, None, by_client=True)
        if report.stress is not None:
            _add_observation(b, f"{key}-stress", report.log_on,
                             local_concept(b.names, "stress-0-10"), report.stress, patient,
                             None, by_client=True)
    for done in record.home_questionnaires:
        form = SCORED_FORMS[done.instrument]
        _add_questionnaire(b, f"homeq-{done.id}-{form.slug}", done.completed_on, form,
                           list(done.answers), patient, by_client=True)
    for rated in record.home_function:
        # The mean as an Observation performed by the client, derived from the ratings.
        key = f"homef-{rated.id}"
        psfs = _add_psfs(b, f"{key}-{PSFS_FORM[0]}", rated.completed_on, rated.ratings,
                         patient, by_client=True)
        _add_observation(b, f"{key}-function", rated.completed_on,
                         local_concept(b.names, "psfs-mean"), rated.score, patient, psfs,
                         by_client=True)


def _first_identifier(identifiers: list[Any] | None) -> str:
    """The value of a resource's first identifier (the clinic's own resources have one)."""
    return (identifiers or [])[0].value or ""


def bundle_entries(records: list[ClientRecord], names: FhirNames) -> list[Entry]:
    """The clinic's CodeSystem and the Questionnaires once, then each client's resources."""
    b = _Builder(names)
    codes = code_system(names)
    b.add_built(codes, _first_identifier(codes.identifier))
    for questionnaire in questionnaires(names):
        b.add_built(questionnaire, _first_identifier(questionnaire.identifier))
    for record in records:
        _add_client(b, record)
    return b.entries


def build_bundle(records: list[ClientRecord], now: dt.datetime, names: FhirNames,
                 bundle_type: BundleType = "collection") -> Bundle:
    """One Bundle holding every given client's record: a ``collection`` (a client's copy),
    or a ``transaction`` of conditional creates a FHIR server can load again and again."""
    entries = []
    for entry in bundle_entries(records, names):
        if bundle_type == "transaction":
            kind = entry.resource.__resource_type__
            # A server assigns its own ids to what it creates.
            resource = entry.resource.model_copy(update={"id": None})
            entries.append(BundleEntry(fullUrl=entry.full_url, resource=resource, request={
                "method": "POST", "url": kind, "ifNoneExist": f"identifier={entry.identifier}"}))
        else:
            entries.append(BundleEntry(fullUrl=entry.full_url, resource=entry.resource))
    return Bundle(id=str(uuid.uuid4()), type=bundle_type, timestamp=now, entry=entries or None)


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True, indent=1)
