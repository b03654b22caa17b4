"""Issue 24: the ten-times clinic is the demo clinic copied inside PostgreSQL; each copy is
a clinic of its own, consistent, whose practitioners have their own clients."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dashboard.db.consistency import consistency_problems
from dashboard.db.models import CareSession, Client, Episode, User
from dashboard.demo import create_demo
from dashboard.demo_xlarge import NotPostgres, grow_clinic

TODAY = dt.date(2026, 6, 1)


@pytest.mark.postgres
def test_three_copies_of_the_small_clinic_are_three_clinics(any_db):
    if any_db.engine.dialect.name != "postgresql":
        with any_db.begin() as s, pytest.raises(NotPostgres):
            grow_clinic(s, times=3)
        return
    with any_db.begin() as s:
        create_demo(s, today=TODAY)
        one = {model: s.scalar(select(func.count()).select_from(model))
               for model in (Client, CareSession, User)}
        counts = grow_clinic(s, times=3)
    assert counts["clients"] == 3 * one[Client]
    assert counts["care_sessions"] == 3 * one[CareSession]
    assert counts["users"] == 3 * (one[User] - 1) + 1  # practitioners copied, one admin
    with any_db.read() as s:
        assert consistency_problems(s) == []
        # Every session belongs to its own client's episode, in the same copy.
        crossed = s.scalar(select(func.count()).select_from(CareSession).join(
            Episode, Episode.id == CareSession.episode_id).where(
            Episode.client_id != CareSession.client_id))
        assert crossed == 0
        copy = s.scalar(select(User).where(User.email == "copy2.priya.patel@demo.clinic"))
        original = s.scalar(select(User).where(User.email == "priya.patel@demo.clinic"))
        mine = set(s.scalars(select(Client.id).where(Client.practitioner_id == copy.id)))
        theirs = set(s.scalars(select(Client.id).where(
            Client.practitioner_id == original.id)))
        assert len(mine) == len(theirs) > 0 and not mine & theirs
