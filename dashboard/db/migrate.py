"""Apply Alembic migrations from code, so the CLI, tests and the Dockerfile share one path."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The key of the PostgreSQL advisory lock held while migrating (any bigint the app owns:
# the bytes of "bpcd-mig"). Every host that starts runs ``dashboard migrate``.
MIGRATION_LOCK = int.from_bytes(b"bpcd-mig", "big") & 0x7FFF_FFFF_FFFF_FFFF


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate to ``revision``. On PostgreSQL, under an advisory lock: when several app
    hosts start together, one migrates and the others wait, then find nothing to do (two
    at once would both create the same tables and one would fail half-way). SQLite serves
    one machine, where ``dashboard setup`` runs once before the server starts."""
    if make_url(database_url).get_backend_name() != "postgresql":
        command.upgrade(alembic_config(database_url), revision)
        return
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(database_url), revision)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()
