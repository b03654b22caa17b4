"""Issue 24: several app hosts starting together each run ``dashboard migrate``; on
PostgreSQL one migrates and the others wait for it (an advisory lock), never two at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from dashboard.db.migrate import alembic_config
from dashboard.db.models import Base

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def test_three_hosts_migrating_an_empty_database_at_once_all_succeed(pg_cluster):
    if pg_cluster is None:
        pytest.skip("PostgreSQL is not installed here")
    name = f"migrate_once_{os.getpid()}"
    admin = create_engine(pg_cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_cluster.url(name)
    env = {**os.environ, "DATABASE_URL": url, "DASHBOARD_ENV": "test"}
    hosts = [subprocess.Popen([sys.executable, "-m", "dashboard.cli", "migrate"], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(3)]
    outputs = [host.communicate(timeout=180)[0] for host in hosts]
    assert [host.returncode for host in hosts] == [0, 0, 0], outputs
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert versions == [head]
    assert set(Base.metadata.tables) <= tables
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()
