"""Client links and the home log in the database: one live link per episode, the token
never stored, days unique per episode, scores in range, retention counting home days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dashboard.db.client_links import (
    NoOpenEpisode,
    create_link,
    link_for_token,
    live_link,
    revoke_links,
)
from dashboard.db.home_log import home_entries, save_day
from dashboard.db.models import (
    ClientLink,
    Clinic,
    Episode,
    HomeLogEntry,
    HomeLogTick,
    PlanItem,
    utcnow,
)
from dashboard.db.retention import records_past_retention
from dashboard.db.summary import current_episode
from dashboard.domain.home_log import DayLog, token_hash

KEY = "test-secret"


def _episode(s, client_id):
    return current_episode(s, client_id).id


def test_a_link_stores_only_the_token_s_hash_and_a_new_one_revokes_the_old(any_db, people):
    now = utcnow()
    with any_db.begin() as s:
        first = create_link(s, client_id=people.alice_client_id, secret_key=KEY,
                            user_id=people.alice_id, now=now)
        second = create_link(s, client_id=people.alice_client_id, secret_key=KEY,
                             user_id=people.alice_id, now=now)
    assert first.token and second.token and first.token != second.token
    assert len(second.token) == 32  # 24 random-looking bytes: 192 bits
    with any_db.read() as s:
        rows = s.scalars(select(ClientLink).order_by(ClientLink.id)).all()
        assert [r.revoked_at is not None for r in rows] == [True, False]
        for row in rows:  # the token itself is in no column
            assert first.token not in (row.token_hash, row.token_seed)
            assert second.token not in (row.token_hash, row.token_seed)
        assert rows[1].token_hash == token_hash(second.token)
        assert link_for_token(s, first.token, now=now) is None
        access = link_for_token(s, second.token, now=now)
        assert access and access.client_id == people.alice_client_id
        # Default expiry: the clinic's setting, 90 days.
        assert rows[1].expires_at - rows[1].created_at == dt.timedelta(days=90)
        # With another secret key the stored seed opens nothing and shows no token.
        assert live_link(s, client_id=people.alice_client_id, secret_key="other",
                         now=now).token is None


def test_the_database_refuses_two_live_links_for_one_episode(any_db, people):
    now = utcnow()
    with any_db.begin() as s:
        link = create_link(s, client_id=people.alice_client_id, secret_key=KEY,
                           user_id=people.alice_id, now=now)
    with pytest.raises(IntegrityError), any_db.begin() as s:
        s.add(ClientLink(episode_id=link.episode_id, client_id=people.alice_client_id,
                         token_hash="b" * 64, token_seed="c" * 64, created_at=now,
                         expires_at=now + dt.timedelta(days=1)))
        s.flush()


def test_links_end_at_expiry_revocation_and_discharge(any_db, people):
    now = utcnow()
    with any_db.begin() as s:
        s.execute(Clinic.__table__.update().values(client_link_days=3))
        link = create_link(s, client_id=people.alice_client_id, secret_key=KEY,
                           user_id=people.alice_id, now=now)
    with any_db.read() as s:
        assert link.expires_at - link.created_at == dt.timedelta(days=3)
        assert link_for_token(s, link.token, now=now + dt.timedelta(days=2, hours=23))
        assert link_for_token(s, link.token, now=now + dt.timedelta(days=3)) is None
    with any_db.begin() as s:
        s.get(Episode, link.episode_id).ended_on = dt.date(2026, 2, 1)
        s.get(Episode, link.episode_id).discharge_reason = "goals_met"
    with any_db.read() as s:
        assert link_for_token(s, link.token, now=now) is None
        assert live_link(s, client_id=people.alice_client_id, secret_key=KEY, now=now) is None
    with pytest.raises(NoOpenEpisode), any_db.begin() as s:
        create_link(s, client_id=people.alice_client_id, secret_key=KEY,
                    user_id=people.alice_id, now=now)
    with any_db.begin() as s:
        other = create_link(s, client_id=people.bob_client_id, secret_key=KEY,
                            user_id=people.bob_id, now=now, days=10)
        assert revoke_links(s, client_id=people.bob_client_id, user_id=people.bob_id,
                            now=now) == [other.id]
    with any_db.read() as s:
        assert link_for_token(s, other.token, now=now) is None


def test_a_day_is_saved_once_per_episode_and_a_second_save_corrects_it(any_db, people,
                                                                          ):
    with any_db.begin() as s:
        episode = _episode(s, people.alice_client_id)
        item = _plan_item(s, episode, people.alice_id)
        day = dt.date(2026, 2, 3)
        save_day(s, client_id=people.alice_client_id, episode_id=episode, link_id=None,
                 day=DayLog(day, 7, 4, frozenset({item})), now=utcnow())
        _, created = save_day(s, client_id=people.alice_client_id, episode_id=episode,
                              link_id=None, day=DayLog(day, 5, None, frozenset()), now=utcnow())
        assert not created
    with any_db.read() as s:
        assert s.scalar(select(func.count(HomeLogEntry.id))) == 1
        assert s.scalar(select(func.count(HomeLogTick.id))) == 0
        entries = home_entries(s, client_id=people.alice_client_id)
        assert [(e.log_on, e.pain, e.stress, e.source) for e in entries] == [
            (day, 5, None, "client")]
    for field, value in (("pain", 11), ("pain", -1), ("stress", 12), ("source", "practitioner")):
        with pytest.raises(IntegrityError), any_db.begin() as s:
            s.add(HomeLogEntry(episode_id=episode, client_id=people.alice_client_id,
                               log_on=dt.date(2026, 2, 4), **{field: value}))
            s.flush()
    with pytest.raises(IntegrityError), any_db.begin() as s:
        s.add(HomeLogEntry(episode_id=episode, client_id=people.alice_client_id, log_on=day))
        s.flush()


def _plan_item(s, episode_id, user_id) -> int:
    from dashboard.db.models import StrategyPart
    from dashboard.db.plans import save_plan_version
    from dashboard.domain.dose import Dose
    from dashboard.domain.plans import PlanDraft, PlanItemDraft

    part = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
    version = save_plan_version(s, episode_id=episode_id, draft=PlanDraft(
        (PlanItemDraft(part.id, part.name, part.strategy.name, Dose.from_columns(part)),),
        14, "", ()), user_id=user_id, today=dt.date(2026, 1, 5))
    return s.scalar(select(PlanItem.id).where(PlanItem.plan_version_id == version.id))


def test_a_day_logged_at_home_counts_as_activity_for_retention(any_db, people):
    today = dt.date(2035, 6, 1)
    with any_db.begin() as s:
        episode = s.get(Episode, _episode(s, people.alice_client_id))
        episode.ended_on, episode.discharge_reason = dt.date(2026, 2, 1), "goals_met"
    with any_db.read() as s:
        assert people.alice_client_id in [r.id for r in records_past_retention(s, today, 8)]
    with any_db.begin() as s:
        s.add(HomeLogEntry(episode_id=episode.id, client_id=people.alice_client_id,
                           log_on=dt.date(2027, 7, 1), pain=3))
    with any_db.read() as s:
        assert people.alice_client_id not in [r.id for r in records_past_retention(s, today, 8)]
