"""Backup and restore round-trip a populated clinic, on SQLite and PostgreSQL."""

import datetime as dt

from sqlalchemy import delete, select

from dashboard.cli import main
from dashboard.db.models import Adherence, Base, CareSession, SafetyAlert
from dashboard.demo import create_demo


def snapshot(database):
    with database.read() as s:
        return {table.name: s.execute(select(table).order_by(*table.primary_key.columns)).all()
                for table in Base.metadata.sorted_tables}


def test_backup_then_restore_brings_back_every_row(any_db, monkeypatch, tmp_path, capsys):
    with any_db.begin() as s:
        create_demo(s, today=dt.date(2026, 11, 25))
    before = snapshot(any_db)
    monkeypatch.setenv("DATABASE_URL", any_db.url)
    path = tmp_path / "clinic.backup"
    assert main(["backup", str(path)]) == 0
    with any_db.begin() as s:  # damage after the backup
        s.execute(delete(SafetyAlert))
        s.execute(delete(Adherence))
        s.execute(CareSession.__table__.update().values(notes="changed after the backup"))
    assert snapshot(any_db) != before
    assert main(["restore", str(path)]) == 2  # refuses without --yes
    any_db.dispose()
    assert main(["restore", str(path), "--yes"]) == 0
    after = snapshot(any_db)
    assert after == before
    assert sum(len(rows) for rows in after.values()) > 5000
    assert "Restored" in capsys.readouterr().out
