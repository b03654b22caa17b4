"""The per-client summary (dashboard/db/summary.py), on SQLite and PostgreSQL: what the
client list, the homes and the overview sort and count by."""

import datetime as dt

from sqlalchemy import select

from dashboard.db.models import CareSession, Client, Episode, StrategyPart
from dashboard.db.plans import save_plan_version
from dashboard.db.sessions import save_session, session_context, set_deleted
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.domain.sessions import SessionInput
from tests.db.test_clinical_rules import heat_bridge_cbt_plan

START = dt.date(2026, 1, 5)  # the factories' first episode


def saved(s, client, people, day: dt.date, pain: int) -> CareSession:
    return save_session(s, client=client, context=session_context(s, client),
                        data=SessionInput(day, pain, 4, {}, {}), user_id=people.alice_id)


def test_a_client_without_sessions_is_due_on_its_episodes_first_day(any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        refresh_client_summary(s, client)
        assert (client.baseline_pain, client.latest_pain, client.last_session_on) == (
            None, None, None)
        assert (client.status, client.next_due_on, client.episode_state) == (
            "not_enough_data", START, "open")


def test_baseline_latest_and_due_date_follow_live_sessions_and_the_latest_plan(
        any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        first = saved(s, client, people, dt.date(2026, 1, 12), 8)
        saved(s, client, people, dt.date(2026, 1, 26), 3)
        # No plan: due two weeks after the latest session.
        assert (client.baseline_on, client.baseline_pain) == (dt.date(2026, 1, 12), 8)
        assert (client.last_session_on, client.latest_pain) == (dt.date(2026, 1, 26), 3)
        assert client.next_due_on == dt.date(2026, 2, 9)
        assert client.current_plan_version_id is None
        version = heat_bridge_cbt_plan(s, client, people)
        version.review_interval_days = 21
        s.flush()
        refresh_client_summary(s, client)
        assert client.current_plan_version_id == version.id
        assert client.next_due_on == dt.date(2026, 2, 16)  # the plan's 21 days
        # A deleted session counts nowhere: the baseline moves to the next live one.
        set_deleted(s, client=client, care=first, user_id=people.alice_id)
        assert (client.baseline_on, client.baseline_pain) == (dt.date(2026, 1, 26), 3)
        assert client.status == "not_enough_data"  # one live session


def test_a_discharged_episode_is_due_never_and_has_no_current_plan(any_db, people):
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        heat_bridge_cbt_plan(s, client, people)
        saved(s, client, people, dt.date(2026, 1, 12), 6)
        episode = current_episode(s, client.id)
        episode.ended_on, episode.discharge_reason = dt.date(2026, 2, 1), "plateau"
        s.flush()
        refresh_client_summary(s, client)
        assert (client.episode_state, client.next_due_on) == ("discharged", None)
        assert client.current_plan_version_id is None
        assert client.latest_pain == 6
        # A new episode starts from nothing: its own first day, no baseline yet.
        s.add(Episode(client_id=client.id, started_on=dt.date(2026, 3, 1)))
        s.flush()
        refresh_client_summary(s, client)
        assert (client.episode_state, client.next_due_on, client.baseline_pain) == (
            "open", dt.date(2026, 3, 1), None)
        assert s.scalar(select(CareSession.pain)) == 6  # the old episode's session is kept


def test_the_current_plans_strategies_are_kept_on_the_client_while_its_episode_is_open(
        any_db, people):
    """The clinic figures group the clients seen by these (clients.current_strategy_keys)."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        saved(s, client, people, dt.date(2026, 1, 12), 6)
        assert client.current_strategy_keys is None  # no plan yet
        version = heat_bridge_cbt_plan(s, client, people)
        refresh_client_summary(s, client)
        assert client.current_strategy_keys == version.strategy_keys
        assert version.strategy_keys.count(",") >= 3  # heat, bridge and CBT's strategies
        episode = current_episode(s, client.id)
        episode.ended_on, episode.discharge_reason = dt.date(2026, 2, 1), "plateau"
        s.flush()
        refresh_client_summary(s, client)
        assert (client.current_plan_version_id, client.current_strategy_keys) == (None, None)


def test_the_latest_plan_version_sets_the_due_date_and_the_strategies(any_db, people):
    """Two versions with different review intervals and strategies: the newer one counts."""
    with any_db.begin() as s:
        client = s.get(Client, people.alice_client_id)
        saved(s, client, people, dt.date(2026, 1, 12), 6)
        first = heat_bridge_cbt_plan(s, client, people)
        first.review_interval_days = 28
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
        second = save_plan_version(
            s, episode_id=current_episode(s, client.id).id, user_id=people.alice_id,
            today=dt.date(2026, 1, 13),
            draft=PlanDraft((PlanItemDraft(parts["heat"].id, "heat", "heat",
                                           Dose.from_columns(parts["heat"])),),
                            review_interval_days=7))
        s.flush()
        refresh_client_summary(s, client)
        assert second.version > first.version
        assert client.current_plan_version_id == second.id
        assert client.next_due_on == dt.date(2026, 1, 19)  # 7 days, not 28
        assert client.current_strategy_keys == second.strategy_keys != first.strategy_keys
