"""Alembic environment: the URL comes from the caller (``dashboard migrate``) or DATABASE_URL."""

from alembic import context

from dashboard.config import Settings
from dashboard.db.engine import make_engine
from dashboard.db.models import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url(), migrating=True)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # On SQLite the engine has foreign keys off (make_engine(migrating=True)): batch mode
    # rebuilds a table (copy, drop, rename), and the drop would fail as soon as other tables
    # hold rows pointing at it. Every reference is checked before the commit instead.
    sqlite = connection.dialect.name == "sqlite"
    # Batch mode lets later migrations alter SQLite tables that carry constraints.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left dangling references: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
