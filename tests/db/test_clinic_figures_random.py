"""The clinic figures kept on write (dashboard/db/clinic_figures.py) against a recount after
every transaction of random writes: several writes of different kinds per transaction,
objects expired between them, a client handed over by id or by object (issue 24: a save
now finds its keys from what it wrote; this checks no write path misses one). Seeded:
every run makes the same writes. From an independent review's fuzz test."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
from sqlalchemy import select

from dashboard.db.clients import create_client, reassign_client, set_archived
from dashboard.db.consistency import clinic_figure_problems
from dashboard.db.episodes import discharge, record_intake
from dashboard.db.models import CareSession, Client, Episode, User
from dashboard.db.sessions import set_deleted, update_session
from dashboard.db.summary import current_episode
from dashboard.domain.episodes import DischargeDraft
from dashboard.domain.sessions import SessionInput
from tests.db.test_clinic_figures import START, intake, plan, visit

KINDS = ("visit", "visit", "move", "delete", "discharge", "reassign", "hand_over", "archive",
         "intake", "plan", "expire")


def _last_session_day(s, episode: Episode) -> dt.date:
    return max([*s.scalars(select(CareSession.session_on).where(
        CareSession.episode_id == episode.id)), episode.started_on])


def random_write(s, rng: random.Random, people, clients: list[int]) -> None:
    client = s.get(Client, rng.choice(clients))
    episode = current_episode(s, client.id)
    is_open = episode is not None and episode.ended_on is None
    others = [p for p in (people.alice_id, people.bob_id) if p != client.practitioner_id]
    kind = rng.choice(KINDS)
    if kind == "visit" and is_open:
        # A day outside the episode is refused before anything is written.
        with contextlib.suppress(ValueError):
            visit(s, client.id, rng.randrange(0, 8), rng.randrange(0, 11),
                  rng.choice([None, 5, 15]))
    elif kind == "move":
        care = s.scalars(select(CareSession).where(CareSession.client_id == client.id,
                                                   CareSession.deleted_at.is_(None))).first()
        if care is not None:
            own = s.get(Episode, care.episode_id)
            day = START + dt.timedelta(days=rng.randrange(0, 56))
            if day >= own.started_on and (own.ended_on is None or day <= own.ended_on):
                update_session(s, client=client, care=care, keep_adherence=True,
                               data=SessionInput(day, rng.randrange(0, 11), 3, {}, {}))
    elif kind == "delete":
        care = s.scalars(select(CareSession).where(CareSession.client_id == client.id)).first()
        if care is not None:
            set_deleted(s, client=client, care=care,
                        user_id=None if care.deleted_at else people.admin_id)
    elif kind == "discharge" and is_open:
        ended = _last_session_day(s, episode) + dt.timedelta(days=rng.randrange(0, 3))
        discharge(s, client=client, episode_id=episode.id,
                  draft=DischargeDraft("goals_met", ended, "", {}),
                  user_id=client.practitioner_id)
    elif kind == "reassign":
        reassign_client(s, client=client, practitioner_id=others[0])
    elif kind == "hand_over":  # by object: the id is set by the flush, later
        client.practitioner = s.get(User, others[0])
    elif kind == "archive":
        set_archived(client, not client.archived, START)
    elif kind == "intake" and episode is not None and not is_open:
        record_intake(s, client=client, draft=intake(), user_id=client.practitioner_id,
                      today=episode.ended_on + dt.timedelta(days=1))
    elif kind == "plan" and is_open:
        plan(s, client.id, client.practitioner_id,
             *rng.sample(["heat", "cold", "bridge", "cbt"], rng.randrange(1, 3)))
    elif kind == "expire":
        s.flush()
        s.expire_all()


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_keep_the_figures_equal_to_a_recount(any_db, people, seed):
    rng = random.Random(seed)
    with any_db.begin() as s:
        clients = [people.alice_client_id, people.bob_client_id, *(
            create_client(s, given_name=f"Random{n}", family_name="Writes",
                          date_of_birth=dt.date(1980, 1, 1), email="", phone="",
                          practitioner_id=rng.choice([people.alice_id, people.bob_id]),
                          today=dt.date(2026, 1, 5)).id for n in range(3))]
    for step in range(30):
        with any_db.begin() as s:
            for _ in range(rng.randrange(1, 4)):
                random_write(s, rng, people, clients)
        with any_db.read() as s:
            assert clinic_figure_problems(s) == [], (seed, step)
    with any_db.read() as s:  # the writes did reach discharges and several episodes
        assert len(list(s.scalars(select(Episode)))) > len(clients)
