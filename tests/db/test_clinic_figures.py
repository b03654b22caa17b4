"""Issues 23 and 24: the clinic overview's figures kept per day (dashboard/db/clinic_figures.py)
equal the same figures counted from the sessions, clients and episodes after every kind of
write, on SQLite and PostgreSQL, and the whole clinic's overview shows what it showed when
it counted them on every request."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, text, update

from dashboard.db.clients import reassign_client, set_archived
from dashboard.db.clinic_figures import rebuild_clinic_figures
from dashboard.db.consistency import clinic_figure_problems, consistency_problems
from dashboard.db.csv_data import import_clients, import_sessions
from dashboard.db.episodes import discharge, record_intake
from dashboard.db.erasure import erase_client
from dashboard.db.migrate import upgrade
from dashboard.db.models import (
    CareSession,
    Client,
    ClinicDay,
    ClinicDayPractitioner,
    ClinicDayStrategy,
    PractitionerCaseload,
    StrategyPart,
    User,
)
from dashboard.db.outcomes import discharge_outcomes, discharge_outcomes_from_rows
from dashboard.db.plans import save_plan_version
from dashboard.db.progress import clinic_summary, clinic_summary_from_rows
from dashboard.db.sessions import save_session, session_context, set_deleted, update_session
from dashboard.db.summary import current_episode
from dashboard.domain.access import CurrentUser
from dashboard.domain.clients import ClientInput
from dashboard.domain.dose import Dose
from dashboard.domain.episodes import RED_FLAG_ITEMS, DischargeDraft, IntakeDraft
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.domain.sessions import SessionInput

START = dt.date(2026, 2, 2)
# The overview's ranges checked after each write: everything, and a few weeks inside it.
RANGES = ((dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
          (START + dt.timedelta(days=10), START + dt.timedelta(days=40)))


def phq9(total: int) -> list[int]:
    """PHQ-9 item answers adding up to ``total`` (item 9 at 0: no safety alert)."""
    values = [min(3, max(0, total - 3 * i)) for i in range(8)]
    return [*values, 0]


def admin_of(people) -> CurrentUser:
    return CurrentUser(people.admin_id, "a", "A", "admin", 0, "t")


def assert_figures_true(database, people) -> None:
    """The stored figures equal a recount, and the whole clinic's overview read from them
    equals the overview counted from the rows, for every range checked."""
    admin = admin_of(people)
    with database.read() as s:
        assert clinic_figure_problems(s) == []
        for start, end in RANGES:
            assert clinic_summary(s, admin, start=start, end=end) == \
                clinic_summary_from_rows(s, admin, start=start, end=end)
            assert discharge_outcomes(s, admin, start=start, end=end) == \
                discharge_outcomes_from_rows(s, admin, start=start, end=end)


def plan(s, client_id: int, user_id: int, *part_keys: str) -> None:
    parts = {p.key: p for p in s.scalars(select(StrategyPart))}
    save_plan_version(s, episode_id=current_episode(s, client_id).id, draft=PlanDraft(tuple(
        PlanItemDraft(parts[k].id, parts[k].name, parts[k].strategy.name,
                      Dose.from_columns(parts[k])) for k in part_keys)),
        user_id=user_id, today=START)


def visit(s, client_id: int, week: int, pain: int, phq9_total: int | None = None
          ) -> CareSession:
    client = s.get(Client, client_id)
    data = SessionInput(START + dt.timedelta(days=7 * week), pain, 5, {}, {},
                        questionnaires={} if phq9_total is None else {"PHQ9": phq9(phq9_total)})
    return save_session(s, client=client, context=session_context(s, client), data=data,
                        user_id=client.practitioner_id)


def intake() -> IntakeDraft:
    return IntakeDraft("self", "", "Back pain again", True, True,
                       {item.key: "no" for item in RED_FLAG_ITEMS})


def test_every_kind_of_write_keeps_the_figures_equal_to_a_recount(any_db, people):
    alice_client, bob_client = people.alice_client_id, people.bob_client_id
    with any_db.begin() as s:
        plan(s, alice_client, people.alice_id, "heat", "bridge")
        plan(s, bob_client, people.bob_id, "cold")
    assert_figures_true(any_db, people)

    # Sessions saved, one with questionnaires, two clients on the same day.
    with any_db.begin() as s:
        for week, pain in enumerate((8, 7, 5)):
            visit(s, alice_client, week, pain, phq9_total=16 - 5 * week)
        visit(s, bob_client, 0, 6)
        visit(s, bob_client, 3, 7)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        first_day = s.get(ClinicDay, START)
        assert (first_day.sessions, first_day.seen_improving) == (2, 0)
        last = s.get(ClinicDay, START + dt.timedelta(days=14))
        assert (last.sessions, last.seen_improving) == (1, 1)  # Alice's client: 8 -> 5

    # A session edited onto another day with another pain; one deleted, one restored.
    with any_db.begin() as s:
        care = s.scalars(select(CareSession).where(CareSession.client_id == bob_client)
                         .order_by(CareSession.session_on.desc())).first()
        update_session(s, client=s.get(Client, bob_client), care=care, keep_adherence=True,
                       data=SessionInput(START + dt.timedelta(days=30), 2, 3, {}, {}))
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        set_deleted(s, client=s.get(Client, bob_client), care=care, user_id=people.admin_id)
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        set_deleted(s, client=s.get(Client, bob_client), care=s.get(CareSession, care.id),
                    user_id=None)
    assert_figures_true(any_db, people)

    # Discharge: by practitioner and by strategy (heat and bridge: two strategies).
    ended = START + dt.timedelta(days=20)
    with any_db.begin() as s:
        client = s.get(Client, alice_client)
        discharge(s, client=client, episode_id=current_episode(s, alice_client).id,
                  draft=DischargeDraft("goals_met", ended, "", {}), user_id=people.alice_id)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        assert s.get(ClinicDayPractitioner, (ended, people.alice_id)).discharged == 1
        assert s.get(ClinicDayPractitioner, (ended, people.alice_id)).reliable_improvement == 1
        assert {r.strategy_key for r in s.scalars(select(ClinicDayStrategy).where(
            ClinicDayStrategy.day == ended))} == {"heat_cold", "stretch_strengthen"}
        assert s.get(PractitionerCaseload, people.alice_id) is None  # no active client left

    # Reopened (a new episode after the discharge), then reassigned to Bob: the discharged
    # episode now counts under Bob, and so does the caseload.
    with any_db.begin() as s:
        record_intake(s, client=s.get(Client, alice_client), draft=intake(),
                      user_id=people.alice_id, today=ended + dt.timedelta(days=5))
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        reassign_client(s, client=s.get(Client, alice_client), practitioner_id=people.bob_id)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        assert s.get(ClinicDayPractitioner, (ended, people.bob_id)).discharged == 1
        assert s.get(PractitionerCaseload, people.bob_id).active_clients == 2

    # Archived; then a CSV import of clients and of their sessions.
    with any_db.begin() as s:
        set_archived(s.get(Client, bob_client), True, START + dt.timedelta(days=60))
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        import_clients(s, [(ClientInput("Erin", "Imported", dt.date(1990, 1, 1)),
                            people.alice_id),
                           (ClientInput("Finn", "Imported", dt.date(1991, 1, 1)),
                            people.alice_id)], START, lambda *_: None)
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        imported = list(s.scalars(select(Client.id).where(Client.family_name == "Imported")))
        import_sessions(s, [(cid, SessionInput(START + dt.timedelta(days=d), pain, 4, {}, {}))
                            for cid in imported for d, pain in ((0, 7), (7, 4), (30, 3))],
                        lambda *_: None)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        assert s.get(ClinicDay, START).sessions == 4  # two here, two imported

    # Erased: one keeping the scores for clinic figures, one with everything.
    with any_db.begin() as s:
        erase_client(s, s.get(Client, imported[0]), by_user_id=people.admin_id,
                     keep_scores=True)
    assert_figures_true(any_db, people)
    with any_db.begin() as s:
        erase_client(s, s.get(Client, alice_client), by_user_id=people.admin_id,
                     keep_scores=False)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        assert s.get(ClinicDay, START).sessions == 3  # Alice's client's first session went
        assert consistency_problems(s) == []


def test_a_practitioner_given_through_the_relationship_moves_the_figures(any_db, people):
    """A client handed to another practitioner by object (``client.practitioner = user``),
    not by id: the flush sets the id only later, yet the old practitioner's caseload and
    the discharged episode's figures must move too (found by review, issue 24)."""
    with any_db.begin() as s:
        plan(s, people.alice_client_id, people.alice_id, "heat")
        visit(s, people.alice_client_id, 0, 6)
        client = s.get(Client, people.alice_client_id)
        discharge(s, client=client, episode_id=current_episode(s, client.id).id,
                  draft=DischargeDraft("goals_met", START + dt.timedelta(days=3), "", {}),
                  user_id=people.alice_id)
    with any_db.begin() as s:  # Bob's client in active care, to Alice
        s.get(Client, people.bob_client_id).practitioner = s.get(User, people.alice_id)
    assert_figures_true(any_db, people)
    with any_db.begin() as s:  # the discharged episode's client, to Bob
        s.get(Client, people.alice_client_id).practitioner = s.get(User, people.bob_id)
    assert_figures_true(any_db, people)
    with any_db.read() as s:
        ended = START + dt.timedelta(days=3)
        assert s.get(ClinicDayPractitioner, (ended, people.bob_id)).discharged == 1
        assert s.get(ClinicDayPractitioner, (ended, people.alice_id)) is None


def test_the_consistency_check_finds_a_figure_that_drifted(any_db, people):
    with any_db.begin() as s:
        plan(s, people.alice_client_id, people.alice_id, "heat")
        visit(s, people.alice_client_id, 0, 6)
    with any_db.begin() as s:
        # Written past the ORM and without saying so: what the check is for.
        s.execute(update(ClinicDay).where(ClinicDay.day == START).values(sessions=5))
    drifted = (f"clinic figures (days) {START}: stored {{'sessions': 5, 'seen_improving': 0, "
               "'seen_stable': 0, 'seen_worsening': 0, 'seen_not_enough_data': 1}, from the "
               "sources {'sessions': 1, 'seen_improving': 0, 'seen_stable': 0, "
               "'seen_worsening': 0, 'seen_not_enough_data': 1}")
    with any_db.read() as s:
        assert clinic_figure_problems(s) == [drifted]
        assert drifted in consistency_problems(s)  # the database's checks include it
    with any_db.begin() as s:
        rebuild_clinic_figures(s)
    with any_db.read() as s:
        assert clinic_figure_problems(s) == []


def test_the_migrations_fill_the_figures_of_the_rows_already_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0020")
    from dashboard.db.engine import Database

    db = Database(url)
    with db.begin() as s:
        s.execute(text("INSERT INTO users (email, name, role, password_hash, active, "
                       "must_change_password, phone, created_at, profession) VALUES "
                       "('a@b.c', 'A', 'practitioner', 'x', 1, 0, '', '2026-01-01 00:00:00', "
                       "'physical_therapist')"))
        s.execute(text("INSERT INTO clients (given_name, family_name, date_of_birth, email, "
                       "phone, practitioner_id, archived, created_at, status, baseline_pain, "
                       "latest_pain, last_session_on, episode_state, search_name) VALUES "
                       "('C', 'D', '1980-01-01', '', '', 1, 0, '2026-01-01 00:00:00', "
                       "'improving', 8, 4, '2026-01-20', 'open', 'c d')"))
        s.execute(text("INSERT INTO episodes (client_id, started_on, reason) "
                       "VALUES (1, '2026-01-01', '')"))
        s.execute(text("INSERT INTO plan_versions (episode_id, version, effective_on, "
                       "created_by_id, created_at, review_interval_days, notes, "
                       "strategy_keys) VALUES "
                       "(1, 1, '2026-01-02', 1, '2026-01-02 10:00:00', 14, '', ',heat,movement,')"))
        s.execute(text("UPDATE clients SET current_plan_version_id = 1"))
        for day, pain in (("2026-01-02", 8), ("2026-01-20", 4)):
            s.execute(text("INSERT INTO care_sessions (client_id, episode_id, practitioner_id, "
                           "session_on, pain, stress, notes, created_at) VALUES "
                           "(1, 1, 1, :d, :p, 5, '', '2026-01-02 10:00:00')"),
                      {"d": day, "p": pain})
    upgrade(url)
    with db.read() as s:
        assert clinic_figure_problems(s) == []
        assert s.scalar(select(func.sum(ClinicDay.sessions))) == 2
        assert s.get(ClinicDay, dt.date(2026, 1, 20)).seen_improving == 1
        assert s.get(PractitionerCaseload, 1).active_clients == 1
        # 0023: the client's current plan's strategies, and the day's figures by strategy.
        assert s.get(Client, 1).current_strategy_keys == ",heat,movement,"
        assert s.get(ClinicDayStrategy, (dt.date(2026, 1, 20), "heat")).seen_clients == 1
    db.dispose()


@pytest.mark.postgres
def test_two_sessions_saved_at_once_on_postgresql_are_both_counted(any_db, people):
    """Two transactions recount the same day at the same moment: the later one waits for
    the earlier one's commit (an advisory lock on the day) and counts its session too.
    (SQLite runs one writer at a time.)"""
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing can overlap")
    with any_db.begin() as s:
        plan(s, people.alice_client_id, people.alice_id, "heat")
        plan(s, people.bob_client_id, people.bob_id, "cold")
    both_flushed = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def save(client_id: int) -> None:
        try:
            with any_db.begin() as s:
                visit(s, client_id, 0, 6)
                s.flush()
                both_flushed.wait()  # neither has committed: both recount at once
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(cid,))
               for cid in (people.alice_client_id, people.bob_client_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with any_db.read() as s:
        assert s.get(ClinicDay, START).sessions == 2
        assert clinic_figure_problems(s) == []


@pytest.mark.postgres
def test_four_writers_on_one_client_leave_the_figures_true_on_postgresql(any_db, people):
    """Each writer moves the client's latest session to another day: a writer that waited
    for another's row lock must recount the day the other one left, not the one it read
    before waiting (the rows are read under that lock first)."""
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing can overlap")
    from tests.db.test_concurrency import _write_once

    errors: list[str] = []

    def writer(tag: str) -> None:
        try:
            for n in range(25):
                _write_once(any_db, tag, n, people.alice_client_id, people.alice_id)
        except Exception as error:  # reported by the test below
            errors.append(repr(error))

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []  # no deadlock either
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareSession)) == 4 * 20
        assert clinic_figure_problems(s) == []
