"""The FHIR Bundle built from plain records: LOINC-coded totals and answers, Questionnaires
that resolve, the episode's state, schedules, the clinic's names, transactions."""

import datetime as dt
import json

import pytest

from dashboard.config import DEMO_FHIR_BASE_URL, Settings, SettingsError
from dashboard.domain.dose import Dose
from dashboard.domain.export_record import (
    ClientRecord,
    EpisodeRecord,
    GoalRecord,
    HomeReportRecord,
    PlanItemRecord,
    PlanRecord,
    SessionRecord,
)
from dashboard.domain.questionnaires import INSTRUMENTS, score
from dashboard.fhir.bundle import build_bundle, bundle_json
from dashboard.fhir.forms import SCORED_FORMS
from dashboard.fhir.naming import FhirNames
from tests.fhir_checks import by_full_url, check_bundle, resources

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
NAMES = FhirNames.from_settings(Settings.from_env({}))
PHQ = [0, 1, 2, 3, 1, 0, 2, 1, 0]
GAD = [1, 2, 1, 0, 3, 2, 1]
PSS = [0, 1, 2, 4, 0, 3, 1, 4, 2, 1]
TWICE_DAILY = Dose("timed", minutes_min=10, minutes_max=15, times_per_day=2, days_per_week=7)


def record(*, episode=None, status="improving", latest_pain=5, goals=None, dose=TWICE_DAILY,
           plans=1):
    goals = goals if goals is not None else (
        GoalRecord(31, "Pain at or below 3", 3, dt.date(2027, 3, 1)),
        GoalRecord(32, "Carry my shopping", None, None))
    versions = tuple(
        PlanRecord(10 + n, n + 1, dt.date(2026, 2, 1) + dt.timedelta(days=30 * n),
                   NOW, "", (PlanItemRecord("Cold", "Heat or cold therapy", "Ice it.", dose),),
                   goals if n == plans - 1 else ())
        for n in range(plans))
    session = SessionRecord(7, dt.date(2026, 2, 8), latest_pain, 4, 5.5,
                            {"PHQ9": PHQ, "GAD7": GAD, "PSS10": PSS},
                            (("Gardening", 5), ("Carrying shopping", 6)))
    return ClientRecord(3, "Carol", "Alison", dt.date(1980, 5, 17), "", "", status,
                        latest_pain, versions, (session,),
                        episode or EpisodeRecord(5, dt.date(2026, 1, 5), None))


def export(*records, names=NAMES, bundle_type="collection"):
    return check_bundle(bundle_json(build_bundle(list(records), NOW, names, bundle_type)))


def observation(data, code):
    return next(o for o in resources(data, "Observation") if o["code"]["coding"][0]["code"] == code)


@pytest.mark.parametrize("key,code", [("PHQ9", "44261-6"), ("GAD7", "70274-6"),
                                      ("PSS10", "106860-0")])
def test_totals_are_loinc_observations_derived_from_their_response(key, code):
    data = export(record())
    total = observation(data, code)
    answers = {"PHQ9": PHQ, "GAD7": GAD, "PSS10": PSS}[key]
    assert total["code"]["coding"][0]["system"] == "http://loinc.org"
    assert total["valueQuantity"]["value"] == score(key, answers).total
    response = by_full_url(data)[total["derivedFrom"][0]["reference"]]
    assert response["resourceType"] == "QuestionnaireResponse"
    form = next(q for q in resources(data, "Questionnaire")
                if q["url"] == response["questionnaire"])
    assert form["code"][0]["code"] == SCORED_FORMS[key].panel[0]
    # The answers are LOINC answer codes whose scores add up to the total, as LOINC's form
    # scores them (the PSS-10's positive items reversed).
    options = {i["linkId"]: {o["valueCoding"]["code"]: o["extension"][0]["valueDecimal"]
                             for o in i.get("answerOption", [])} for i in form["item"]}
    points = [options[i["linkId"]][i["answer"][0]["valueCoding"]["code"]]
              for i in response["item"] if "valueCoding" in i["answer"][0]]
    assert len(points) == len(answers) and sum(points) == total["valueQuantity"]["value"]


def test_phq9_items_carry_loinc_item_and_answer_codes():
    data = export(record())
    response = next(r for r in resources(data, "QuestionnaireResponse")
                    if r["questionnaire"].endswith("/phq-9"))
    first = response["item"][0]
    assert first["linkId"] == "44250-9"
    assert first["answer"][0]["valueCoding"] == {
        "system": "http://loinc.org", "code": "LA6568-5", "display": "Not at all"}
    assert response["item"][3]["answer"][0]["valueCoding"]["code"] == "LA6571-9"
    assert response["item"][-1] == {"linkId": "44261-6", "text": SCORED_FORMS["PHQ9"].total[1],
                                    "answer": [{"valueInteger": 10}]}
    assert observation(data, "44261-6")["interpretation"][0]["text"] == "moderate"


def test_loinc_answer_lists_say_what_the_app_asks():
    for key, form in SCORED_FORMS.items():
        assert [display for _, display in form.answers] == list(INSTRUMENTS[key].answer_labels)
        assert len(form.item_codes) == len(INSTRUMENTS[key].items)


def test_every_form_is_in_the_bundle_and_every_response_points_at_one():
    data = export(record())
    urls = {q["url"] for q in resources(data, "Questionnaire")}
    assert {u.rsplit("/", 1)[1] for u in urls} == {
        "phq-9", "gad-7", "pss-10", "pain", "stress", "psfs"}
    assert all(u.startswith(DEMO_FHIR_BASE_URL) for u in urls)
    answered = {r["questionnaire"] for r in resources(data, "QuestionnaireResponse")}
    assert answered == urls
    psfs = next(r for r in resources(data, "QuestionnaireResponse")
                if r["questionnaire"].endswith("/psfs"))
    assert [[a["answer"][0] for a in group["item"]] for group in psfs["item"]] == [
        [{"valueString": "Gardening"}, {"valueInteger": 5}],
        [{"valueString": "Carrying shopping"}, {"valueInteger": 6}]]
    function = next(o for o in resources(data, "Observation")
                    if o["code"]["coding"][0]["code"] == "psfs-mean")
    assert by_full_url(data)[function["derivedFrom"][0]["reference"]] is psfs


def test_local_codes_are_published_under_the_clinic_s_base_url():
    names = FhirNames.from_settings(Settings.from_env({
        "FHIR_BASE_URL": "https://fhir.northside-physio.org/", }))
    data = export(record(), names=names)
    (codes,) = resources(data, "CodeSystem")
    assert codes["url"] == "https://fhir.northside-physio.org/CodeSystem/measures"
    stress = next(o for o in resources(data, "Observation")
                  if o["code"]["coding"][0]["system"] == codes["url"])
    assert stress["code"]["coding"][0]["code"] == "stress-0-10"
    (patient,) = resources(data, "Patient")
    assert patient["identifier"] == [{"system": "https://fhir.northside-physio.org/sid/client-id",
                                      "value": "3"}]
    assert "example" not in json.dumps(data)
    own = FhirNames.from_settings(Settings.from_env({
        "FHIR_BASE_URL": "https://fhir.northside-physio.org",
        "FHIR_PATIENT_ID_SYSTEM": "https://id.northside-physio.org/mrn"}))
    (patient,) = resources(export(record(), names=own), "Patient")
    assert patient["identifier"][0]["system"] == "https://id.northside-physio.org/mrn"


@pytest.mark.parametrize("value", ["fhir.clinic.org", "ftp://clinic.org", "https://a b.org",
                                   "https://clinic.org/fhir?x=1", "https://clinic.org/a|b"])
def test_a_base_url_a_token_cannot_carry_is_refused(value):
    with pytest.raises(SettingsError, match="FHIR_BASE_URL"):
        Settings.from_env({"FHIR_BASE_URL": value})


def repeat_of(data):
    (plan,) = resources(data, "CarePlan")
    return plan["activity"][0]["detail"]["scheduledTiming"]


@pytest.mark.parametrize("dose,repeat,text", [
    (TWICE_DAILY, {"frequency": 2, "period": 1, "periodUnit": "d", "duration": 10,
                   "durationMax": 15, "durationUnit": "min"}, "twice a day, every day"),
    (Dose("advice", times_per_day=3), {"frequency": 3, "period": 1, "periodUnit": "d"},
     "3 times a day"),
    (Dose("exercise", sets=2, reps=10, days_per_week=3),
     {"frequency": 3, "period": 1, "periodUnit": "wk"}, "3 days a week"),
    (Dose("exercise", sets=2, reps=10, times_per_day=1, days_per_week=7),
     {"frequency": 1, "period": 1, "periodUnit": "d"}, "once a day, every day"),
    (Dose("timed", minutes_min=5, times_per_day=2, days_per_week=3),
     {"frequency": 2, "period": 1, "periodUnit": "d", "duration": 5, "durationUnit": "min"},
     "twice a day, 3 days a week"),
])
def test_timing_keeps_the_daily_schedule(dose, repeat, text):
    timing = repeat_of(export(record(dose=dose)))
    assert timing["repeat"] == repeat and timing["code"]["text"] == text


def goals_of(data):
    return {g["description"]["text"]: g for g in resources(data, "Goal")}


def achievement(goal):
    return goal.get("achievementStatus", {}).get("coding", [{}])[0].get("code")


def test_open_episode_goals_activity_goal_is_not_judged_by_pain():
    data = export(record(status="worsening", latest_pain=6))
    goals = goals_of(data)
    assert achievement(goals["Pain at or below 3"]) == "worsening"
    assert achievement(goals["Carry my shopping"]) == "in-progress"
    assert {g["lifecycleStatus"] for g in goals.values()} == {"active"}
    (plan,) = resources(data, "CarePlan")
    assert plan["status"] == "active" and "end" not in plan["period"]
    assert plan["activity"][0]["detail"]["status"] == "in-progress"
    goals = goals_of(export(record(status="worsening", latest_pain=3)))
    assert achievement(goals["Pain at or below 3"]) == "achieved"
    assert achievement(goals["Carry my shopping"]) == "in-progress"


def test_discharged_episode_is_finished_and_each_goal_judged_by_its_own_tick():
    ended = dt.date(2026, 4, 20)
    episode = EpisodeRecord(5, dt.date(2026, 1, 5), ended, "plateau", discharge_pain=6)
    goals = (GoalRecord(31, "Pain at or below 3", 3, None, met=None),
             GoalRecord(32, "Carry my shopping", None, None, met=True),
             GoalRecord(33, "Walk the dog", None, None, met=False),
             GoalRecord(34, "Sleep through", None, None, met=None))
    data = export(record(episode=episode, goals=goals, plans=2, status="worsening"))
    old, final = resources(data, "CarePlan")
    assert (final["status"], final["period"]["end"]) == ("completed", "2026-04-20")
    assert {a["detail"]["status"] for a in final["activity"]} == {"completed"}
    assert (old["status"], old["period"]["end"]) == ("revoked", final["period"]["start"])
    goals = goals_of(data)
    assert {g["lifecycleStatus"] for g in goals.values()} == {"completed"}
    assert {g["statusDate"] for g in goals.values()} == {"2026-04-20"}
    assert achievement(goals["Pain at or below 3"]) == "not-achieved"  # pain 6 at discharge
    assert achievement(goals["Carry my shopping"]) == "achieved"  # ticked, whatever the pain
    assert achievement(goals["Walk the dog"]) == "not-achieved"
    assert achievement(goals["Sleep through"]) is None  # not ticked either way: unknown


def keys(data):
    return [(e["fullUrl"], e["request"]["method"], e["request"]["url"],
             e["request"]["ifNoneExist"]) for e in data["entry"]]


def test_transaction_creates_each_resource_once_by_its_identifier():
    first = export(record(), bundle_type="transaction")
    assert first["type"] == "transaction"
    again = export(record(), bundle_type="transaction")
    assert keys(first) == keys(again)
    searches = [k[3] for k in keys(first)]
    assert len(set(searches)) == len(searches)
    assert f"identifier={DEMO_FHIR_BASE_URL}/sid/questionnaire|phq-9-v1" in searches
    for entry in first["entry"]:
        resource = entry["resource"]
        identifier = resource["identifier"]
        identifier = identifier if isinstance(identifier, dict) else identifier[0]
        assert entry["request"]["ifNoneExist"] == (
            f"identifier={identifier['system']}|{identifier['value']}")
        assert entry["request"]["url"] == resource["resourceType"] and "id" not in resource
    # A server applying the conditional creates twice holds each resource once.
    server: dict[tuple[str, str], dict] = {}
    for load in (first, again):
        for entry in load["entry"]:
            server.setdefault((entry["request"]["url"], entry["request"]["ifNoneExist"]),
                              entry["resource"])
    assert len(server) == len(first["entry"])


def test_clinic_bundle_publishes_forms_once_for_many_clients():
    other = record()
    other = ClientRecord(4, "Dave", "Bobson", other.date_of_birth, "", "", "stable", 5, (), (),
                         None)
    data = export(record(), other)
    assert len(resources(data, "Questionnaire")) == 6
    assert len(resources(data, "CodeSystem")) == 1
    assert len(resources(data, "Patient")) == 2


def test_home_reports_are_observations_performed_by_the_client():
    base = record()
    reports = (HomeReportRecord(dt.date(2026, 2, 10), 4, None),
               HomeReportRecord(dt.date(2026, 2, 11), 3, 2))
    data = export(ClientRecord(**{**base.__dict__, "home_reports": reports}))
    (patient_url,) = [e["fullUrl"] for e in data["entry"]
                      if e["resource"]["resourceType"] == "Patient"]
    by_client = [o for o in resources(data, "Observation") if "performer" in o]
    assert [(o["effectiveDateTime"], o["code"]["coding"][0]["code"], o["valueQuantity"]["value"])
            for o in by_client] == [("2026-02-10", "72514-3", 4), ("2026-02-11", "72514-3", 3),
                                    ("2026-02-11", "stress-0-10", 2)]
    assert all(o["performer"] == [{"reference": patient_url}] for o in by_client)
    # Scores taken at a session are not marked as the client's own report.
    assert len(resources(data, "Observation")) - len(by_client) == len(
        resources(export(base), "Observation"))
