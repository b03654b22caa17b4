"""Privacy life cycle: break glass, the client's copy, retention, erasure."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, String, Text, func, select

from dashboard.auth.access import AccessDenied, CurrentUser, authorize_client
from dashboard.context import clinic_today
from dashboard.db.audit import record_audit
from dashboard.db.client_links import create_link
from dashboard.db.clients import ClientFilters, list_clients
from dashboard.db.erasure import checkpoint_sqlite, erase_client
from dashboard.db.home_log import save_day
from dashboard.db.models import (
    AuditEntry,
    Base,
    BreakGlassAccess,
    CareSession,
    Client,
    ClientLink,
    ClientShare,
    Clinic,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    HandoutRecord,
    HomeLogEntry,
    HomeLogTick,
    PlanItem,
    PlanVersion,
    QuestionnaireAnswer,
    SafetyAlert,
    StrategyPart,
    utcnow,
)
from dashboard.db.plans import save_plan_version
from dashboard.db.retention import records_past_retention
from dashboard.db.summary import current_episode
from dashboard.domain.dates import format_day
from dashboard.domain.dose import Dose
from dashboard.domain.home_log import DayLog
from dashboard.domain.plans import GoalDraft, PlanDraft, PlanItemDraft
from dashboard.domain.privacy import add_years, clean_reason, confirmation_matches
from dashboard.handout.documents import make_handout
from dashboard.jobs import job_cache
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_break_glass as bg_ids
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.pages.ids import client_erase as erase_ids
from dashboard.pages.ids import cover as cover_ids
from tests.conftest import login
from tests.dash_client import invoke, open_page
from tests.factories import ADMIN, ALICE, BOB, make_client

GIVEN, FAMILY = "Zebedee", "Quixotic-Marchbanks"
SECRETS = (GIVEN, FAMILY, "zebedee@example.org", "07700 900 461", "Xylophone grumble 7731",
           "Plan note kumquat", "Goal: walk to Tobermory", "Activity: lift Wilhelmina",
           "Referrer Dr Okonkwo-Ferris", "Alert note pomegranate", "Reason mentions Zebedee")


def as_user(uid: int, role: str) -> CurrentUser:
    return CurrentUser(id=uid, email="x@y", name="X", role=role, login_session_id=0, token="t")


# --- Break glass --------------------------------------------------------------------------


def _bg(http, client_id, reason):
    return invoke(http, ids.BG_RESULT, {f"{ids.BG_OPEN}.n_clicks": 1,
                                        f"{ids.BG_REASON}.value": reason,
                                        f"{ids.BG_CLIENT_ID}.data": client_id})


def test_break_glass_needs_a_reason_then_lets_in_for_the_day_with_every_entry_flagged(
        http, db, sqlite_people, app):
    dave = sqlite_people.bob_client_id
    login(http, ALICE)
    body = open_page(http, f"/clients/{dave}").get_data(as_text=True)
    assert "not in your care" in body and "Dave" not in body and "Bobson" not in body

    for reason in (None, "", "   busy   "):
        answer = _bg(http, dave, reason).get_data(as_text=True)
        assert "at least 10 characters" in answer and "Dave" not in answer
    with db.read() as s:
        assert s.scalar(select(func.count(BreakGlassAccess.id))) == 0
        # Nothing read or written: only the refusals, recorded under the client asked for.
        assert s.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.client_id == dave, AuditEntry.action != "access_denied")) == 0
    assert "Dave" not in open_page(http, f"/clients/{dave}").get_data(as_text=True)

    answer = json.loads(_bg(http, dave, "Covering Bob's clinic; client rang in pain")
                        .get_data(as_text=True))
    assert answer["response"][ids.BG_GO]["href"] == f"/clients/{dave}"
    body = open_page(http, f"/clients/{dave}").get_data(as_text=True)
    assert "Dave Bobson" in body and "Covering a colleague" in body
    # A write under break glass: archiving; flagged too.
    assert invoke(http, ids.ARCHIVE, {f"{ids.ARCHIVE}.n_clicks": 1,
                                           f"{ids.CLIENT_ID}.data": dave}).status_code == 200
    # Lists stay the caller's own: break glass opens one record, deliberately.
    with db.read() as s:
        listed = {r.id for r in list_clients(s, as_user(sqlite_people.alice_id, "practitioner"),
                                             ClientFilters(), dt.date(2026, 6, 1))[0]}
        assert dave not in listed
        with app.server.app_context():
            today = clinic_today()
        access = s.scalars(select(BreakGlassAccess)).one()
        assert (access.user_id, access.client_id, access.valid_on) == (
            sqlite_people.alice_id, dave, today)
        entries = s.execute(select(AuditEntry.action, AuditEntry.flagged).where(
            AuditEntry.client_id == dave, AuditEntry.action != "access_denied")
            .order_by(AuditEntry.id)).all()
        assert entries == [("break_glass_opened", True), ("client_viewed", True),
                           ("client_archived", True)]
        # The next clinic day the opening no longer counts; Bob (his own) is never flagged.
        alice = as_user(sqlite_people.alice_id, "practitioner")
        authorize_client(s, alice, dave, today=today)
        with pytest.raises(AccessDenied):
            authorize_client(s, alice, dave, today=today + dt.timedelta(days=1))
    with db.begin() as s:
        authorize_client(s, as_user(sqlite_people.bob_id, "practitioner"), dave, today=today)
        entry = record_audit(s, user_id=sqlite_people.bob_id, action="x", client_id=dave)
        s.flush()
        assert entry.flagged is False

    # Admins see the opening with who, which client, why and when; practitioners may not.
    assert _openings(http).status_code == 403
    http.post("/logout")
    login(http, ADMIN)
    body = _openings(http).get_data(as_text=True)
    assert "Covering Bob" in body and "Dave Bobson" in body and "alice@test.clinic" in body
    assert "1 openings" in body


def _openings(http):
    return invoke(http, bg_ids.TABLE, {f"{bg_ids.PAGES}.active_page": 1})


def test_break_glass_is_for_practitioners_and_unknown_ids_reveal_nothing(http, db,
                                                                          sqlite_people):
    login(http, ALICE)
    body = _bg(http, 999_999, "A perfectly long reason").get_data(as_text=True)
    assert "no such client" in body
    http.post("/logout")
    login(http, ADMIN)
    assert _bg(http, sqlite_people.bob_client_id, "A perfectly long reason").status_code == 403
    with db.read() as s:
        assert s.scalar(select(func.count(BreakGlassAccess.id))) == 0


def test_clinic_search_shows_little_needs_three_letters_and_is_audited(http, db, sqlite_people):
    login(http, ALICE)

    def search(text):
        return invoke(http, cover_ids.RESULTS, {f"{cover_ids.SEARCH}.value": text}).get_data(
            as_text=True)

    assert "at least 3 letters" in search("bo")
    body = search("bobs")
    assert "Dave Bobson" in body and "1980" in body and "Bob Practitioner" in body
    assert "17 May" not in body  # the full date of birth only once a reason is given
    assert "Carol" not in body
    with db.begin() as s:
        for i in range(25):
            make_client(s, practitioner_id=sqlite_people.bob_id, given=f"Many{i:02d}",
                        family="Samename")
    body = search("samename")
    assert body.count("Samename") == 20 and "first 20" in body
    with db.read() as s:
        details = list(s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "clinic_search")))
    assert len(details) == 2 and json.loads(details[0])["shown"] == [  # "bo" showed nothing
        sqlite_people.bob_client_id]
    assert not any("bobs" in d.lower() for d in details)  # the words typed are not kept
    http.post("/logout")
    login(http, ADMIN)
    assert invoke(http, cover_ids.RESULTS, {f"{cover_ids.SEARCH}.value": "bobs"}).status_code == 403


def test_reason_rules():
    assert clean_reason("  0123456789  ") == ("0123456789", None)
    assert clean_reason("012345678")[1] and clean_reason(42)[1] and clean_reason("x" * 501)[1]


# --- The client's copy --------------------------------------------------------------------


def _add_sessions(s, client_id, practitioner_id, count, *, notes=""):
    episode = current_episode(s, client_id)
    sessions = []
    for i in range(count):
        care = CareSession(client_id=client_id, episode_id=episode.id,
                           practitioner_id=practitioner_id,
                           session_on=dt.date(2026, 1, 6) + dt.timedelta(days=7 * i),
                           pain=(i * 3) % 11, stress=(i * 7) % 11, notes=notes)
        s.add(care)
        sessions.append(care)
    s.flush()
    return sessions


def test_client_copy_holds_every_session_in_pdf_csv_and_fhir(http, db, planned, sqlite_people,
                                                             tmp_path):
    with db.begin() as s:
        cares = _add_sessions(s, planned, sqlite_people.alice_id, 14, notes="Tired =SUM(A1)")
        s.add_all(QuestionnaireAnswer(session_id=cares[0].id, instrument="GAD7", item=n,
                                      value=2) for n in range(1, 8))
        expected = [(c.id, c.session_on, c.pain, c.stress) for c in cares]
        # Two days the client logged at home on their own page (issue 21).
        episode = current_episode(s, planned)
        cold = s.scalar(select(PlanItem.id).join(PlanVersion).where(
            PlanVersion.episode_id == episode.id, PlanVersion.version == 2))
        save_day(s, client_id=planned, episode_id=episode.id, link_id=None,
                 day=DayLog(dt.date(2026, 3, 2), 8, None, frozenset({cold})), now=utcnow())
        save_day(s, client_id=planned, episode_id=episode.id, link_id=None,
                 day=DayLog(dt.date(2026, 3, 3), None, 2, frozenset()), now=utcnow())
    login(http, ALICE)
    response = invoke(http, ids.COPY_FILE, {f"{ids.COPY}.n_clicks": 1,
                                                 f"{ids.CLIENT_ID}.data": planned})
    assert response.status_code == 200
    answer = json.loads(response.get_data(as_text=True))["response"]
    assert "14 sessions" in json.dumps(answer[ids.COPY_STATUS])
    data = answer[ids.COPY_FILE]["data"]
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"])))
    assert data["filename"].endswith(".zip")
    assert set(archive.namelist()) == {"README.txt", "record.pdf", "sessions.csv", "fhir.json",
                                       "home_log.csv"}
    home_rows = list(csv.DictReader(io.StringIO(archive.read("home_log.csv").decode())))
    assert [(r["date"], r["pain"], r["stress"], r["parts_done"], r["reported_by"])
            for r in home_rows] == [("2026-03-02", "8", "", "Cold", "client (own page)"),
                                    ("2026-03-03", "", "2", "", "client (own page)")]

    path = tmp_path / "record.pdf"
    path.write_bytes(archive.read("record.pdf"))
    (Path(__file__).resolve().parents[1] / "test-results").mkdir(exist_ok=True)
    (Path(__file__).resolve().parents[1] / "test-results" / "client-copy.pdf").write_bytes(
        path.read_bytes())
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert "Health record of Carol Alison" in text and "Sessions (14)" in text
    assert "GAD7 14" in text and "Pain at or below 3" in text
    assert "Reported at home by you (2 days)" in text and "2 Mar 2026 8 — Cold" in text
    assert "<script>" in text  # the plan's note, printed as text
    for _sid, on, pain, stress in expected:
        assert f"{format_day(on)} {pain} {stress}" in text, on

    rows = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode())))
    assert [(int(r["session_id"]), r["date"], int(r["pain"]), int(r["stress"])) for r in rows] \
        == [(sid, on.isoformat(), pain, stress) for sid, on, pain, stress in expected]
    assert rows[0]["notes"] == "Tired =SUM(A1)"  # starts with a letter: no formula guard
    assert rows[0]["GAD7"] == "14"
    bundle = json.loads(archive.read("fhir.json"))
    assert bundle["resourceType"] == "Bundle"
    assert sum(e["resource"]["resourceType"] == "Observation" for e in bundle["entry"]) >= 28
    with db.read() as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "client_copy_made", AuditEntry.client_id == planned)) == 1

    # Not for a colleague, even one the client is shared with: the practitioner or an admin.
    with db.begin() as s:
        s.add(ClientShare(client_id=planned, practitioner_id=sqlite_people.bob_id))
    http.post("/logout")
    login(http, BOB)
    assert invoke(http, ids.COPY_FILE, {f"{ids.COPY}.n_clicks": 1,
                                             f"{ids.CLIENT_ID}.data": planned}).status_code == 403


# --- Retention ----------------------------------------------------------------------------


def test_records_past_retention(any_db, people):
    today = dt.date(2030, 6, 1)
    with any_db.begin() as s:
        def client(name, **fields):
            c = make_client(s, practitioner_id=people.alice_id, given=name, family="R")
            for key, value in fields.items():
                setattr(c, key, value)
            return c

        old_archive = client("OldArchive", archived=True, archived_on=dt.date(2021, 5, 1))
        recent_archive = client("RecentArchive", archived=True, archived_on=dt.date(2023, 1, 1))
        discharged = client("Discharged")
        episode = current_episode(s, discharged.id)
        episode.started_on = dt.date(2020, 1, 1)
        episode.ended_on, episode.discharge_reason = dt.date(2022, 1, 10), "goals_met"
        _add_sessions(s, discharged.id, people.alice_id, 1)  # 6 Jan 2026: the clock restarts
        old_discharged = client("OldDischarged")
        episode = current_episode(s, old_discharged.id)
        episode.started_on = dt.date(2020, 1, 1)
        episode.ended_on, episode.discharge_reason = dt.date(2021, 3, 1), "plateau"
        open_old = client("OpenOld", created_at=dt.datetime(2010, 1, 1, tzinfo=dt.UTC))
        erased = client("Erased", archived=True, archived_on=dt.date(2010, 1, 1),
                        erased_at=utcnow())
        s.flush()
        by_name = {c.given_name: c.id for c in (old_archive, recent_archive, discharged,
                                                  old_discharged, open_old, erased)}
    with any_db.read() as s:
        rows = records_past_retention(s, today, 8)  # longest overdue first
        assert [r.full_name for r in rows] == ["OldDischarged R", "OldArchive R"]
        assert [r.kept_until for r in rows] == [dt.date(2029, 3, 1), dt.date(2029, 5, 1)]
        assert [r.id for r in records_past_retention(s, today, 5)] == [
            by_name["OldDischarged"], by_name["OldArchive"], by_name["RecentArchive"]]
        assert records_past_retention(s, today, 10) == []
        assert by_name["Discharged"] in [r.id for r in records_past_retention(s, today, 4)]
        assert by_name["OpenOld"] not in [r.id for r in records_past_retention(s, today, 1)]
        assert by_name["Erased"] not in [r.id for r in records_past_retention(s, today, 1)]
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_retention_setting_is_validated_saved_audited_and_admins_only(http, db, sqlite_people):
    def save(value):
        return invoke(http, clinic_ids.RETENTION_RESULT,
                      {f"{clinic_ids.RETENTION_FORM}.n_submit": 1,
                       f"{clinic_ids.RETENTION_YEARS}.value": value})

    login(http, ALICE)
    assert save("5").status_code == 403
    assert "Admins only" in open_page(http, "/admin/retention").get_data(as_text=True)
    http.post("/logout")
    login(http, ADMIN)
    for bad, message in (("abc", "whole number"), ("0", "Between 1 and 100"),
                         ("101", "Between 1 and 100"), ("", "whole number")):
        assert message in save(bad).get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(Clinic.retention_years)) == 8
    assert "kept 10 years" in save(" 10 ").get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(Clinic.retention_years)) == 10
        detail = s.scalar(select(AuditEntry.detail).where(
            AuditEntry.action == "retention_updated"))
        assert json.loads(detail) == {"from": 8, "to": 10}
    assert "kept for 10 years" in open_page(http, "/admin/retention").get_data(as_text=True)


def test_archiving_sets_and_clears_the_archive_date(http, db, sqlite_people):
    login(http, ALICE)
    carol = sqlite_people.alice_client_id
    values = {f"{ids.ARCHIVE}.n_clicks": 1, f"{ids.CLIENT_ID}.data": carol}
    invoke(http, ids.ARCHIVE, values)
    with db.read() as s:
        client = s.get(Client, carol)
        assert client.archived and client.archived_on is not None
    invoke(http, ids.ARCHIVE, values)
    with db.read() as s:
        client = s.get(Client, carol)
        assert not client.archived and client.archived_on is None


# --- Erasure ------------------------------------------------------------------------------


def _sensitive_client(database, people) -> dict:
    """A client with identifying data and free text in every place the schema allows."""
    with database.begin() as s:
        client = make_client(s, practitioner_id=people.alice_id, given=GIVEN, family=FAMILY,
                             dob=dt.date(1977, 7, 7))
        client.email, client.phone = "zebedee@example.org", "07700 900 461"
        episode = current_episode(s, client.id)
        episode.reason = f"Back pain; {GIVEN} is a carer"
        episode.referrer_name = "Referrer Dr Okonkwo-Ferris"
        episode.referral_note = "Xylophone grumble 7731 in the referral"
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
        version = save_plan_version(s, episode_id=episode.id, draft=PlanDraft(
            (PlanItemDraft(parts["heat"].id, "Heat", "Heat", Dose.from_columns(parts["heat"])),),
            14, f"Plan note kumquat for {GIVEN}",
            (GoalDraft("Goal: walk to Tobermory", None, None),)),
            user_id=people.alice_id, today=dt.date(2026, 1, 5))
        activity = FunctionalActivity(client_id=client.id, name="Activity: lift Wilhelmina",
                                      position=1)
        s.add(activity)
        cares = _add_sessions(s, client.id, people.alice_id, 20,
                              notes=f"Xylophone grumble 7731; {GIVEN} {FAMILY} said so")
        s.add(FunctionalRating(session_id=cares[0].id, activity_id=activity.id, score=4))
        s.add_all(QuestionnaireAnswer(session_id=cares[1].id, instrument="PHQ9", item=n,
                                      value=1) for n in range(1, 10))
        s.add(SafetyAlert(client_id=client.id, session_id=cares[1].id,
                          acknowledged_at=utcnow(), acknowledged_by_id=people.alice_id,
                          action="Safety plan reviewed", note="Alert note pomegranate"))
        s.add(ClientShare(client_id=client.id, practitioner_id=people.bob_id))
        s.add(BreakGlassAccess(user_id=people.bob_id, client_id=client.id,
                               reason="Reason mentions Zebedee", valid_on=dt.date(2026, 1, 6)))
        # The client's own link and two days logged at home (tables of issue 21).
        link = create_link(s, client_id=client.id, secret_key="k", user_id=people.alice_id,
                           now=utcnow())
        for day in (dt.date(2026, 1, 6), dt.date(2026, 1, 7)):
            save_day(s, client_id=client.id, episode_id=episode.id, link_id=link.id,
                     day=DayLog(day, 6, 5, frozenset({version.items[0].id})), now=utcnow())
        record_audit(s, user_id=people.alice_id, action="session_updated", entity="session",
                     entity_id=cares[0].id, client_id=client.id,
                     detail={"before": {"notes": "Xylophone grumble 7731"}})
        record_audit(s, user_id=people.alice_id, action="client_updated", entity="client",
                     entity_id=client.id, detail={"given_name": GIVEN})
        make_handout(s, client=client, version=version.version, page_size="a4",
                     user_id=people.alice_id)
        s.flush()
        return {"id": client.id, "sessions": len(cares), "version": version.id}


def _home_log_rows(session, client_id: int) -> tuple[int, int, int]:
    entries = select(HomeLogEntry.id).where(HomeLogEntry.client_id == client_id)
    return (session.scalar(select(func.count()).select_from(entries.subquery())),
            session.scalar(select(func.count(HomeLogTick.id))
                           .where(HomeLogTick.entry_id.in_(entries))),
            session.scalar(select(func.count(ClientLink.id))
                           .where(ClientLink.client_id == client_id)))


def _traces(session) -> list[str]:
    """Every text and binary column of every table, searched for every secret."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                for secret in SECRETS:
                    n = session.scalar(select(func.count()).select_from(table).where(
                        func.lower(column).contains(secret.lower(), autoescape=True)))
                    if n:
                        found.append(f"{table.name}.{column.name}: {secret}")
            elif isinstance(column.type, LargeBinary):
                for (blob,) in session.execute(select(column).where(column.is_not(None))):
                    if any(secret.encode() in blob for secret in SECRETS):
                        found.append(f"{table.name}.{column.name}")
    return found


def _stats(session):
    return (session.scalar(select(func.count(CareSession.id))),
            session.scalar(select(func.sum(CareSession.pain))),
            session.scalar(select(func.count(QuestionnaireAnswer.id))),
            session.scalar(select(func.count(Client.id))))


@pytest.mark.parametrize("keep_scores", [True, False])
def test_erasure_leaves_no_trace_anywhere(any_db, people, keep_scores, tmp_path):
    info = _sensitive_client(any_db, people)
    with any_db.begin() as s:  # a neighbour whose record must not change
        _add_sessions(s, people.bob_client_id, people.bob_id, 3, notes="Bob's own note")
    with any_db.read() as s:
        before = _stats(s)
        assert len(_traces(s)) >= len(SECRETS)  # the search finds them while they are there
        assert s.scalar(select(func.count(HandoutRecord.id))) == 1
        assert _home_log_rows(s, info["id"]) == (2, 2, 1)
    with any_db.begin() as s:
        client = s.get(Client, info["id"])
        result = erase_client(s, client, by_user_id=people.admin_id, keep_scores=keep_scores,
                              now=utcnow())
        record_audit(s, user_id=people.admin_id, action="client_erased", client_id=info["id"],
                     detail={"scores_kept": keep_scores})
    assert checkpoint_sqlite(any_db)
    with any_db.read() as s:
        assert _traces(s) == []
        assert s.scalar(select(func.count(HandoutRecord.id))) == 0
        assert s.scalar(select(func.count(ClientShare.id))) == 0
        client = s.get(Client, info["id"])
        assert (client.given_name, client.family_name, client.date_of_birth, client.email) == (
            "Erased", f"client #{info['id']}", dt.date(1900, 1, 1), "")
        assert client.erased_at is not None and client.erased_by_id == people.admin_id
        after = _stats(s)
        if keep_scores:
            assert after == before and result.sessions_kept == 20
            assert s.scalar(select(func.count(SafetyAlert.id))) == 1
        else:
            assert after[0] == before[0] - 20 and after[2] == before[2] - 9
            assert after[3] == before[3] and result.sessions_deleted == 20
        # The neighbour keeps everything, notes included.
        assert s.scalar(select(func.count(CareSession.id)).where(
            CareSession.notes == "Bob's own note")) == 3
        # The audit log keeps that things happened, by whom and when; only details go.
        actions = s.execute(select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.client_id == info["id"]).order_by(AuditEntry.id)).all()
        assert [a for a, _ in actions] == ["session_updated", "client_erased"]
        # The client's link is gone; the days logged at home stay as scores only if chosen.
        assert _home_log_rows(s, info["id"]) == ((2, 2, 0) if keep_scores else (0, 0, 0))
        assert actions[0][1] == "" and "scores_kept" in actions[1][1]
        assert s.scalar(select(BreakGlassAccess.reason)) == "(erased with the client's record)"
        assert s.scalar(select(Episode.referrer_name).where(
            Episode.client_id == info["id"])) == ""

    if any_db.engine.dialect.name == "sqlite":
        database_file = Path(any_db.engine.url.database)
        raw = b"".join(p.read_bytes() for p in (database_file,
                                                 Path(f"{database_file}-wal"))
                       if p.exists())
        leaks = [secret for secret in SECRETS if secret.encode() in raw]
        assert leaks == [], leaks


def test_sqlite_file_held_the_secrets_before_erasure(db, sqlite_people):
    """The raw-bytes check above can fail: before erasure the file does hold them."""
    _sensitive_client(db, sqlite_people)
    assert checkpoint_sqlite(db)
    raw = Path(db.engine.url.database).read_bytes()
    assert FAMILY.encode() in raw and b"Xylophone grumble 7731" in raw


def test_erasure_through_the_page_asks_for_the_exact_name(http, db, sqlite_people, app):
    info = _sensitive_client(db, sqlite_people)
    cache = job_cache(app.server.extensions["dashboard.settings"].data_dir)
    cache.set("leftover-batch-result", f"handout for {GIVEN}")
    cache.close()

    def erase(typed, keep="keep", client_id=info["id"]):
        return invoke(http, erase_ids.RESULT, {
            f"{erase_ids.SUBMIT}.n_clicks": 1, f"{erase_ids.CLIENT_ID}.data": client_id,
            f"{erase_ids.KEEP}.value": keep, f"{erase_ids.CONFIRM}.value": typed})

    login(http, ALICE)
    assert erase(f"{GIVEN} {FAMILY}").status_code == 403
    assert "Admins only" in open_page(http, f"/clients/{info['id']}/erase").get_data(
        as_text=True)
    http.post("/logout")
    login(http, ADMIN)
    page = open_page(http, f"/clients/{info['id']}/erase").get_data(as_text=True)
    assert f"Erase {GIVEN} {FAMILY}" in page and "20 sessions" in page
    for typed in ("", GIVEN, f"{GIVEN.lower()} {FAMILY}", f"{GIVEN}  {FAMILY}"):
        assert "nothing was erased" in erase(typed).get_data(as_text=True)
    assert "Choose whether" in erase(f"{GIVEN} {FAMILY}", keep="maybe").get_data(as_text=True)
    with db.read() as s:
        assert s.get(Client, info["id"]).erased_at is None

    body = erase(f"  {GIVEN} {FAMILY} ").get_data(as_text=True)
    assert "was erased" in body and "20 sessions kept" in body and GIVEN not in body
    with db.read() as s:
        assert _traces(s) == []
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "client_erased")).one()
        assert (entry.user_id, entry.client_id) == (sqlite_people.admin_id, info["id"])
        assert GIVEN not in entry.detail
    cache = job_cache(app.server.extensions["dashboard.settings"].data_dir)
    assert "leftover-batch-result" not in cache
    cache.close()
    # Erased: never listed, not searchable, its page says so; a second erasure is refused.
    page = open_page(http, f"/clients/{info['id']}").get_data(as_text=True)
    assert "This record was erased" in page
    again = erase(f"Erased client #{info['id']}")  # a second tab: told, nothing done
    assert again.status_code == 200 and "already been erased" in again.get_data(as_text=True)
    assert erase("anything", client_id=10**6).status_code == 403
    with db.read() as s:
        admin = as_user(sqlite_people.admin_id, "admin")
        for archived in (False, True):
            rows, _ = list_clients(s, admin, ClientFilters(archived=archived),
                                   dt.date(2026, 6, 1))
            assert info["id"] not in {r.id for r in rows}


def test_confirmation_rule():
    assert confirmation_matches(" Ann Lee ", "Ann", "Lee")
    assert not confirmation_matches("ann lee", "Ann", "Lee")
    assert not confirmation_matches(None, "Ann", "Lee")


def test_a_covering_colleague_sees_the_clients_open_safety_alert(http, db, sqlite_people):
    """A risk signal must reach whoever is looking after the client today."""
    from dashboard.db.models import CareSession, SafetyAlert
    from dashboard.db.summary import current_episode

    dave = sqlite_people.bob_client_id
    with db.begin() as s:
        care = CareSession(client_id=dave, episode_id=current_episode(s, dave).id,
                           practitioner_id=sqlite_people.bob_id,
                           session_on=dt.date(2026, 3, 1), pain=6, stress=7)
        s.add(care)
        s.flush()
        s.add(SafetyAlert(client_id=dave, session_id=care.id, kind="phq9_item9"))
    login(http, ALICE)
    assert "PHQ-9 item 9" not in open_page(http, f"/clients/{dave}").get_data(as_text=True)
    _bg(http, dave, "Covering Bob's clinic; client rang in pain")
    body = open_page(http, f"/clients/{dave}").get_data(as_text=True)
    assert "Dave Bobson" in body and "PHQ-9 item 9" in body


@pytest.mark.parametrize("forged", [True, 1.9, "١", " 1", "1e0", None, [1], {"id": 1}])
def test_forged_client_id_types_are_refused_not_coerced(db, sqlite_people, forged):
    """Only an int or its ASCII digits name a client: nothing is read as client 1."""
    with db.read() as s, pytest.raises(AccessDenied):
        authorize_client(s, as_user(sqlite_people.admin_id, "admin"), forged)


def test_break_glass_reason_and_search_refuse_control_characters_and_a_second_tab(
        http, db, sqlite_people):
    from dashboard.domain.privacy import clean_reason, search_problem

    assert clean_reason("covering Sam\x00\x1b today")[1] is not None
    assert search_problem("ab\x00c")[1] is not None
    dave = sqlite_people.bob_client_id
    login(http, ALICE)
    assert "invisible control" in _bg(http, dave, "Covering Bob\x00 today, pain").get_data(
        as_text=True)
    for _ in range(2):  # the form submitted from two tabs: one opening
        _bg(http, dave, "Covering Bob's clinic; client rang in pain")
    with db.read() as s:
        assert s.scalar(select(func.count(BreakGlassAccess.id))) == 1
