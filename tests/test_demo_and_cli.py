"""The demo clinic and the command line."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.db.models import CareSession, Client, PlanVersion, User
from dashboard.demo import DemoRefused, create_demo

TODAY = dt.date(2026, 11, 25)


def _fingerprint(database):
    with database.read() as s:
        return s.execute(select(Client.given_name, Client.family_name, Client.status,
                                Client.latest_pain).order_by(Client.id)).all()


def test_demo_is_believable(db):
    with db.begin() as s:
        counts = create_demo(s, today=TODAY)
    assert counts["users"] == 4 and counts["clients"] == 40
    with db.read() as s:
        statuses = dict(s.execute(
            select(Client.status, func.count()).group_by(Client.status)).all())
        sessions = s.scalar(select(func.count()).select_from(CareSession))
        versions_per_episode = s.execute(
            select(PlanVersion.episode_id, func.count()).group_by(PlanVersion.episode_id)).all()
        first, last = s.execute(select(func.min(CareSession.session_on),
                                       func.max(CareSession.session_on))).one()
        roles = dict(s.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "practitioner": 3}
    assert 400 <= sessions <= 900
    # Most improving, some flat, some worse; never a future session; about six months.
    assert statuses["improving"] > statuses.get("worsening", 0) > 0
    assert statuses.get("stable", 0) > 0
    assert last <= TODAY and (TODAY - first).days >= 120
    assert any(count > 1 for _episode, count in versions_per_episode)


def test_demo_is_deterministic(db, tmp_path, sqlite_template):
    import shutil

    from dashboard.db.engine import Database

    with db.begin() as s:
        create_demo(s, today=TODAY)
    other_path = tmp_path / "other.sqlite3"
    shutil.copy(sqlite_template, other_path)
    other = Database(f"sqlite:///{other_path}")
    with other.begin() as s:
        create_demo(s, today=TODAY)
    assert _fingerprint(db) == _fingerprint(other)
    other.dispose()


def test_demo_refuses_a_database_with_people(db, sqlite_people):
    with pytest.raises(DemoRefused), db.begin() as s:
        create_demo(s, today=TODAY)


def test_cli_creates_a_user_from_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DASHBOARD_PASSWORD", "a long and unusual phrase")
    assert main(["create-user", "--email", "New@Clinic.org", "--name", "New Person",
                 "--role", "practitioner"]) == 0
    with db.read() as s:
        user = s.scalar(select(User).where(User.email == "new@clinic.org"))
    assert user is not None and user.role == "practitioner"
    assert user.password_hash.startswith("$argon2id$")
    monkeypatch.setenv("DASHBOARD_PASSWORD", "short")
    assert main(["create-user", "--email", "x@clinic.org", "--name", "X",
                 "--role", "admin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_cli_demo_refuses_then_is_quiet_when_asked(db, sqlite_people, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["demo"]) == 2
    assert "Refused" in capsys.readouterr().err
    assert main(["demo", "--if-empty"]) == 0


def test_cli_prints_a_two_step_code_that_signs_in_and_resets_a_lost_one(
        db, sqlite_people, monkeypatch, capsys, http):
    from dashboard.auth.totp import accepted_step
    from dashboard.db.models import AuditEntry, User
    from tests.factories import ALICE

    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["totp-code", ALICE]) == 2  # Alice has not set it up
    assert "no two-step secret" in capsys.readouterr().err
    with db.read() as s:
        admin = s.scalars(select(User).where(User.role == "admin")).one()
        secret, email = admin.totp_secret, admin.email
    assert secret, "the test admin is enrolled"
    assert main(["totp-code", email]) == 0
    code = capsys.readouterr().out.strip()
    assert accepted_step(secret, code, None) is not None

    assert main(["reset-totp", email]) == 0
    with db.read() as s:
        admin = s.get(User, admin.id)
        assert admin.totp_secret is None and admin.totp_enabled_at is None
        actions = set(s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_id == admin.id, AuditEntry.entity == "user")))
        assert {"totp_code_shown", "totp_reset"} <= actions
    assert main(["reset-totp", "nobody@clinic.org"]) == 2
