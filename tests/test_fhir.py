"""FHIR export through the app and the command line: a valid R4B Bundle whose contents
match the record, a discharged episode exported finished, transactions that load again
without duplicates; access and audit."""

import datetime as dt
import json

from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.db.episodes import discharge
from dashboard.db.home_log import save_day
from dashboard.db.models import (
    AuditEntry,
    CareSession,
    Client,
    FunctionalActivity,
    FunctionalRating,
    Goal,
    PlanItem,
    QuestionnaireAnswer,
    StrategyPart,
)
from dashboard.db.plans import save_plan_version
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.demo import create_demo
from dashboard.domain.dose import Dose
from dashboard.domain.episodes import DischargeDraft
from dashboard.domain.home_log import DayLog
from dashboard.domain.plans import GoalDraft, PlanDraft, PlanItemDraft
from tests.conftest import login
from tests.fhir_checks import check_bundle, parse, resources

DEMO_PASSWORD = "backcare-demo-2026"


def kinds(bundle) -> dict[str, int]:
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
    text = response.get_data(as_text=True)
    data = check_bundle(text)  # every resource valid R4B; references, canonicals, codes
    with db.read() as s:
        kept = (CareSession.client_id == 1, CareSession.deleted_at.is_(None))
        sessions = s.scalar(select(func.count()).select_from(CareSession).where(*kept))
        with_function = s.scalar(select(func.count()).select_from(CareSession).where(
            *kept, CareSession.function_score.is_not(None)))
        with_ratings = s.scalar(select(func.count(func.distinct(FunctionalRating.session_id)))
                                .join(CareSession).where(*kept))
        filled = (select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument)
                  .join(CareSession, CareSession.id == QuestionnaireAnswer.session_id)
                  .where(*kept).distinct().subquery())
        questionnaires = s.scalar(select(func.count()).select_from(filled))
    counts = kinds(parse(text))
    assert counts["Patient"] == 1 and counts["CarePlan"] >= 1
    assert sessions and questionnaires and with_ratings
    # Pain and stress per session, the PSFS mean, a total per questionnaire filled ...
    assert counts["Observation"] == 2 * sessions + with_function + questionnaires
    # ... each derived from the response to its form.
    assert counts["QuestionnaireResponse"] == 2 * sessions + with_ratings + questionnaires
    assert counts["Questionnaire"] == 6 and counts["CodeSystem"] == 1
    pain = next(o for o in resources(data, "Observation")
                if o["code"]["coding"][0]["code"] == "72514-3")
    assert pain["valueQuantity"]["value"] is not None and pain["derivedFrom"]
    with db.read() as s:
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "fhir_exported")) == "fhir_exported"


def test_plan_versions_link_to_the_one_they_replaced(http, planned):
    login(http, "alice@test.clinic")
    data = check_bundle(http.get(f"/clients/{planned}/fhir.json").get_data(as_text=True))
    plans = [e for e in data["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert [p["resource"]["status"] for p in plans] == ["revoked", "active"]
    assert plans[1]["resource"]["replaces"][0]["reference"] == plans[0]["fullUrl"]
    assert plans[0]["resource"]["period"]["end"] == plans[1]["resource"]["period"]["start"]
    heat = plans[0]["resource"]["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert (heat["duration"], heat["durationMax"]) == (15, 20)
    assert (heat["frequency"], heat["period"], heat["periodUnit"]) == (2, 1, "d")
    goals = resources(data, "Goal")
    assert {g["description"]["text"] for g in goals} == {"Pain at or below 3",
                                                          "Carry my shopping"}


def _discharged_client(db, people):
    """Alice's client: one plan with a pain goal and an activity goal, two sessions with a
    PHQ-9 and PSFS ratings, discharged with pain 6 and only the activity goal ticked."""
    cid = people.alice_client_id
    with db.begin() as s:
        client = s.get(Client, cid)
        episode = current_episode(s, cid)
        cold = s.scalar(select(StrategyPart).where(StrategyPart.key == "cold"))
        plan = save_plan_version(s, episode_id=episode.id, draft=PlanDraft(
            (PlanItemDraft(cold.id, cold.name, cold.strategy.name, Dose.from_columns(cold)),),
            14, "", (GoalDraft("Pain at or below 3", 3, None),
                     GoalDraft("Carry my shopping", None, None))),
            user_id=people.alice_id, today=dt.date(2026, 2, 1))
        activity = FunctionalActivity(client_id=cid, name="Carrying shopping", position=1)
        s.add(activity)
        for n, pain in enumerate((8, 6)):
            care = CareSession(client_id=cid, episode_id=episode.id,
                               practitioner_id=people.alice_id, plan_version_id=plan.id,
                               session_on=dt.date(2026, 2, 1) + dt.timedelta(days=14 * n),
                               pain=pain, stress=5, function_score=4.0 + n)
            s.add(care)
            s.flush()
            s.add(FunctionalRating(session_id=care.id, activity_id=activity.id, score=4 + n))
            s.add_all([QuestionnaireAnswer(session_id=care.id, instrument="PHQ9", item=i,
                                           value=1) for i in range(1, 10)])
        s.flush()
        refresh_client_summary(s, client)
        goals = {g.description: g.id for g in s.scalars(select(Goal))}
        discharge(s, client=client, episode_id=episode.id, user_id=people.alice_id,
                  draft=DischargeDraft("plateau", dt.date(2026, 3, 1), "Keep moving",
                                       {goals["Pain at or below 3"]: False,
                                        goals["Carry my shopping"]: True}))
    return cid


def test_discharged_episode_exports_finished(http, db, sqlite_people):
    cid = _discharged_client(db, sqlite_people)
    login(http, "alice@test.clinic")
    data = check_bundle(http.get(f"/clients/{cid}/fhir.json").get_data(as_text=True))
    (plan,) = resources(data, "CarePlan")
    assert plan["status"] == "completed" and plan["period"]["end"] == "2026-03-01"
    assert {a["detail"]["status"] for a in plan["activity"]} == {"completed"}
    goals = {g["description"]["text"]: g for g in resources(data, "Goal")}
    assert {g["lifecycleStatus"] for g in goals.values()} == {"completed"}
    achieved = {name: g["achievementStatus"]["coding"][0]["code"] for name, g in goals.items()}
    assert achieved == {"Pain at or below 3": "not-achieved", "Carry my shopping": "achieved"}
    totals = [o for o in resources(data, "Observation")
              if o["code"]["coding"][0]["code"] == "44261-6"]
    assert [t["valueQuantity"]["value"] for t in totals] == [9, 9]


def _keys(path):
    data = check_bundle(path.read_text())
    return data["type"], [(e["fullUrl"], e["request"]["ifNoneExist"]) for e in data["entry"]]


def test_transaction_export_twice_gives_identical_conditional_keys(db, sqlite_people,
                                                                   monkeypatch, tmp_path):
    cid = _discharged_client(db, sqlite_people)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FHIR_BASE_URL", "https://fhir.northside-physio.org")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    for out in (first, second):
        assert main(["export-fhir", str(cid), "--type", "transaction", "-o", str(out)]) == 0
    kind, keys = _keys(first)
    assert kind == "transaction" and _keys(second) == (kind, keys)
    searches = [search for _, search in keys]
    assert len(set(searches)) == len(searches)
    assert all(s.startswith("identifier=https://fhir.northside-physio.org/") for s in searches)
    assert json.loads(first.read_text())["entry"][0]["request"]["method"] == "POST"
    # The client's copy stays a collection.
    assert main(["export-fhir", str(cid), "-o", str(first)]) == 0
    assert json.loads(first.read_text())["type"] == "collection"


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
    assert kinds(check_bundle(out.read_text()) and parse(out.read_text()))["Patient"] == 2
    assert main(["export-fhir", "-o", str(out)]) == 2


def test_command_line_never_exports_an_erased_client(db, sqlite_people, monkeypatch, tmp_path):
    with db.begin() as s:
        s.get(Client, sqlite_people.bob_client_id).erased_at = dt.datetime.now(dt.UTC)
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "clinic.json"
    assert main(["export-fhir", "--all", "-o", str(out)]) == 0
    (patient,) = resources(check_bundle(out.read_text()), "Patient")
    assert patient["identifier"][0]["value"] == str(sqlite_people.alice_client_id)
    assert main(["export-fhir", str(sqlite_people.bob_client_id), "-o", str(out)]) == 2


def test_days_the_client_logged_at_home_export_with_the_client_as_performer(
        http, db, planned, sqlite_people):
    with db.begin() as s:
        episode = current_episode(s, planned)
        cold = s.scalar(select(PlanItem).where(PlanItem.part_name == "Cold"))
        for day, done in ((dt.date(2026, 3, 3), {cold.id}), (dt.date(2026, 3, 4), set())):
            save_day(s, client_id=planned, episode_id=episode.id, link_id=None,
                     day=DayLog(day, 4 if done else None, 6 if done else None,
                                frozenset(done)),
                     now=dt.datetime(2026, 3, 4, 20, 0, tzinfo=dt.UTC))
    login(http, "alice@test.clinic")
    data = check_bundle(http.get(f"/clients/{planned}/fhir.json").get_data(as_text=True))
    patient_url = next(e["fullUrl"] for e in data["entry"]
                       if e["resource"]["resourceType"] == "Patient")
    home = [o for o in resources(data, "Observation") if o.get("performer")]
    assert {(o["code"]["coding"][0]["code"], o["valueQuantity"]["value"]) for o in home} == {
        ("72514-3", 4), ("stress-0-10", 6)}
    assert all(o["performer"] == [{"reference": patient_url}]
               and o["effectiveDateTime"] == "2026-03-03" for o in home)
    # The part ticked done that day is progress on the plan's activity, by the client.
    current = next(p for p in resources(data, "CarePlan") if p["status"] == "active")
    (activity,) = current["activity"]
    assert activity["progress"] == [{"authorReference": {"reference": patient_url},
                                     "time": "2026-03-03",
                                     "text": "Done (reported by the client at home)."}]
