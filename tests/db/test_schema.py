"""The schema: migrations match the models, and constraints refuse bad data on both backends."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dashboard.cli import DATA_DIR
from dashboard.db.catalogue import load_catalogue
from dashboard.db.models import Base, CareSession, Client, Episode, StrategyPart, User
from dashboard.domain.catalogue import read_catalogue


def test_migrations_match_the_models(any_db):
    with any_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_catalogue_loads_once(any_db):
    strategies, templates = read_catalogue(DATA_DIR)
    with any_db.begin() as s:
        before = s.scalar(select(func.count()).select_from(StrategyPart))
        assert load_catalogue(s, strategies=strategies, templates=templates) == 0
        assert s.scalar(select(func.count()).select_from(StrategyPart)) == before == 16


@pytest.mark.parametrize(
    ("field", "value"),
    [("pain", 11), ("pain", -1), ("stress", 12), ("function_score", 10.5)],
)
def test_out_of_range_scores_cannot_enter(any_db, people, field, value):
    with any_db.begin() as s:
        episode_id = s.scalar(select(Episode.id).where(Episode.client_id == people.alice_client_id))
    values = dict(client_id=people.alice_client_id, episode_id=episode_id,
                  practitioner_id=people.alice_id, session_on=dt.date(2026, 2, 1),
                  pain=5, stress=5, function_score=5.0)
    values[field] = value
    with pytest.raises(IntegrityError), any_db.begin() as s:
        s.add(CareSession(**values))
        s.flush()
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareSession)) == 0


def test_roles_names_and_doses_are_constrained(any_db, people, password_hash):
    with pytest.raises(IntegrityError), any_db.begin() as s:
        s.add(User(email="x@y.z", name="X", role="superuser", password_hash=password_hash))
        s.flush()
    with pytest.raises(IntegrityError), any_db.begin() as s:
        s.add(Client(given_name="  ", family_name="Y", date_of_birth=dt.date(1990, 1, 1),
                     practitioner_id=people.alice_id, status="stable"))
        s.flush()
    with pytest.raises(IntegrityError), any_db.begin() as s:
        part = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        part.minutes_max = 5  # below minutes_min
        s.flush()


def test_timestamps_come_back_timezone_aware(any_db, people):
    with any_db.read() as s:
        user = s.get(User, people.alice_id)
        assert user.created_at.tzinfo is not None


def test_upgrading_from_the_first_migration_keeps_data(tmp_path):
    from sqlalchemy import text

    from dashboard.db.engine import Database
    from dashboard.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0001")
    db = Database(url)
    with db.begin() as s:
        s.execute(text("INSERT INTO users (email, name, role, password_hash, active, "
                       "must_change_password, phone, created_at) VALUES ('a@b.c', 'A', "
                       "'practitioner', 'x', 1, 0, '', '2026-01-01 00:00:00')"))
        s.execute(text("INSERT INTO clients (given_name, family_name, date_of_birth, email, "
                       "phone, practitioner_id, archived, created_at, status) VALUES ('Kept', "
                       "'Client', '1980-01-01', '', '', 1, 0, '2026-01-01 00:00:00', "
                       "'stable')"))
        # Rows pointing at the client: rebuilding its table must not trip over them.
        s.execute(text("INSERT INTO episodes (client_id, started_on, reason) "
                       "VALUES (1, '2026-01-01', '')"))
        s.execute(text("INSERT INTO care_sessions (client_id, episode_id, practitioner_id, "
                       "session_on, pain, stress, notes, created_at) VALUES "
                       "(1, 1, 1, '2026-01-02', 6, 5, 'kept', '2026-01-02 10:00:00')"))
    upgrade(url)
    with db.read() as s:
        assert s.scalar(select(Client.given_name)) == "Kept"
        assert s.scalar(text("SELECT notes FROM care_sessions")) == "kept"
        assert s.scalar(text("PRAGMA foreign_keys")) == 1  # back on for the app
        assert s.scalar(text("SELECT version_num FROM alembic_version")) >= "0002"
    db.dispose()
