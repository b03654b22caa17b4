"""Test fixtures: one Dash app per test session (pages register globally), a fresh
database per test (SQLite by default; PostgreSQL too for tests that take ``any_db``)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text

from dashboard.app import create_app
from dashboard.auth.passwords import hash_password
from dashboard.cli import DATA_DIR
from dashboard.config import Settings
from dashboard.context import DB_KEY
from dashboard.db.catalogue import load_catalogue
from dashboard.db.clinic import ensure_clinic
from dashboard.db.engine import Database
from dashboard.db.migrate import upgrade
from dashboard.db.models import FunctionalActivity, StrategyPart, User
from dashboard.db.plans import save_plan_version
from dashboard.db.sessions import set_activities
from dashboard.db.summary import current_episode
from dashboard.domain.catalogue import read_catalogue
from dashboard.domain.dose import Dose
from dashboard.domain.plans import GoalDraft, PlanDraft, PlanItemDraft
from tests.pg import PgCluster, find_pg_bin, start_cluster
from tests.redis_server import RedisServer, find_redis, start_redis

PASSWORD = "correct-horse-battery"
NOTE = 'Go gently. <script>alert("x")</script> <b>not bold</b>'


def _prepare(url: str) -> None:
    upgrade(url)
    strategies, templates = read_catalogue(DATA_DIR)
    db = Database(url)
    with db.begin() as session:
        load_catalogue(session, strategies=strategies, templates=templates)
        ensure_clinic(session, name="Test Clinic", phone="01632 960 999",
                      crisis_line_text="Call the crisis line on 116 123.")
    db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the catalogue, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | None]:
    if find_pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries are missing in CI: the test command installs them")
        yield None
        return
    cluster = start_cluster()
    _prepare(cluster.url("postgres"))
    engine = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE template_dashboard TEMPLATE postgres"))
    engine.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """Debian's redis-server on loopback (the cluster test); the test command installs it."""
    if find_redis() is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing in CI: the test command installs it")
        pytest.skip("redis-server is not installed here (the test command installs it)")
    server = start_redis()
    yield server
    server.stop()


_counter = itertools.count()


class BrowserLikeClient(FlaskClient):
    """Flask's test client sending what every browser adds to a request from the app's own
    page (``Sec-Fetch-Site: same-origin``): the cross-site guard refuses a POST without it.
    A test that passes its own ``Origin`` or ``Sec-Fetch-Site`` header overrides it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"


@pytest.fixture(scope="session")
def app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Dash:
    settings = Settings(database_url=f"sqlite:///{sqlite_template}", secret_key="test-secret",
                        environment="test", data_dir=tmp_path_factory.mktemp("data"),
                        # No background threads writing into a test's database after it ends.
                        prerender_handouts=False)
    app = create_app(settings)
    app.server.test_client_class = BrowserLikeClient
    return app


def _sqlite_db(sqlite_template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, path)
    return Database(f"sqlite:///{path}")


def _pg_db(cluster: PgCluster) -> Database:
    name = f"test_{os.getpid()}_{next(_counter)}"
    engine = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template_dashboard'))
    engine.dispose()
    return Database(cluster.url(name))


@pytest.fixture
def db(app: Dash, sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database, also installed as the app's database for this test."""
    database = _sqlite_db(sqlite_template, tmp_path)
    app.server.extensions[DB_KEY] = database
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, app: Dash, sqlite_template: Path,
           tmp_path: Path) -> Iterator[Database]:
    """A fresh database on each backend: the same test runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        database = _sqlite_db(sqlite_template, tmp_path)
    else:
        cluster = request.getfixturevalue("pg_cluster")
        if cluster is None:
            pytest.skip("PostgreSQL is not installed here (the test command installs it; "
                        "in CI these tests must run)")
        database = _pg_db(cluster)
    app.server.extensions[DB_KEY] = database
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    # argon2 takes ~100 ms a hash: hash the shared test password once.
    return hash_password(PASSWORD)


@dataclass
class People:
    admin_id: int
    alice_id: int  # practitioner
    bob_id: int  # practitioner
    alice_client_id: int
    bob_client_id: int


@pytest.fixture
def people(any_db: Database, password_hash: str) -> People:
    from tests.factories import make_people

    return make_people(any_db, password_hash)


@pytest.fixture
def sqlite_people(db: Database, password_hash: str) -> People:
    from tests.factories import make_people

    return make_people(db, password_hash)


@pytest.fixture
def http(app: Dash) -> FlaskClient:
    return app.server.test_client()


def next_totp_code(server: Flask, email: str) -> str:
    """The code a user's authenticator would show now, for a time step not used yet.

    Reads the secret and the last used step from the app's database (the test owns it).
    A step is accepted once, with one step of drift: a test signing in twice in the same
    30 s uses the next step's code, and waits for the clock if both are used already.
    """
    database: Database = server.extensions[DB_KEY]
    with database.read() as s:
        user = s.scalar(select(User).where(User.email == email))
        assert user is not None and user.totp_secret, f"{email} has no TOTP secret"
        secret, last = user.totp_secret, user.totp_last_step
    totp = pyotp.TOTP(secret)
    step = max(totp.timecode(dt.datetime.now(dt.UTC)), (last or 0) + 1)
    while step > totp.timecode(dt.datetime.now(dt.UTC)) + 1:
        time.sleep(1)
    return totp.generate_otp(step)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real forms; the two-step code too when the user has it set up."""
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code == 200 and b'action="/login/code"' in response.data:
        response = client.post("/login/code", data={
            "code": next_totp_code(client.application, email)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def planned(db, sqlite_people):
    """Alice's client with version 1 (heat, bridge) and version 2 (cold only)."""
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
        episode = current_episode(s, cid).id

        def item(key, **dose):
            part = parts[key]
            base = Dose.from_columns(part)
            return PlanItemDraft(part.id, part.name, part.strategy.name,
                                 Dose(**{**base.__dict__, **dose}))

        save_plan_version(s, episode_id=episode, draft=PlanDraft(
            (item("heat", times_per_day=2), item("bridge")), 14, NOTE,
            (GoalDraft("Pain at or below 3", 3, dt.date(2027, 3, 1)),
             GoalDraft("Carry my shopping", None, None))),
            user_id=sqlite_people.alice_id, today=dt.date(2026, 2, 1))
        save_plan_version(s, episode_id=episode, draft=PlanDraft((item("cold"),), 7, "", ()),
                          user_id=sqlite_people.alice_id, today=dt.date(2026, 3, 1))
    return cid


@pytest.fixture
def linked(app, planned, db, sqlite_people):
    """Alice's client (plan version 2: cold) with a link Alice made; a fresh browser."""
    from tests.factories import ALICE, make_client_link

    practitioner = app.server.test_client()
    login(practitioner, ALICE)
    token = make_client_link(practitioner, planned)
    return {"token": token, "client_id": planned, "practitioner": practitioner,
            "browser": app.server.test_client()}


@pytest.fixture
def setup(db, sqlite_people):
    """Alice's client with two activities and a plan of heat and bridge."""
    cid = sqlite_people.alice_client_id
    with db.begin() as s:
        set_activities(s, cid, ["Lifting", "Driving"])
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
        episode = current_episode(s, cid)
        version = save_plan_version(s, episode_id=episode.id, draft=PlanDraft((
            PlanItemDraft(parts["heat"].id, "Heat", "Heat", Dose.from_columns(parts["heat"])),
            PlanItemDraft(parts["bridge"].id, "Bridge", "S", Dose.from_columns(parts["bridge"])),
        )), user_id=sqlite_people.alice_id, today=dt.date(2026, 1, 5))
        items = [i.id for i in version.items]
        activities = list(s.scalars(select(FunctionalActivity.id).order_by(
            FunctionalActivity.position)))
    return {"client": cid, "items": items, "activities": activities}
