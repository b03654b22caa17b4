"""Consistent backups while the app runs, and restoring them.

SQLite: the online backup API copies a consistent snapshot even while others write.
PostgreSQL: pg_dump (custom format) and pg_restore, from Debian's postgresql-client.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def _pg_args(database_url: str) -> tuple[list[str], dict[str, str]]:
    url = make_url(database_url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432),
            "--username", url.username or "postgres", "--dbname", url.database or "postgres"]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the database to ``target``."""
    source = _sqlite_path(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    args, env = _pg_args(database_url)
    subprocess.run([_tool("pg_dump"), "--format=custom", "--file", str(target), *args],  # noqa: S603 - fixed tool, args from our own settings
                   check=True, env={**_base_env(), **env}, capture_output=True)


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup (stop the app first)."""
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    target = _sqlite_path(database_url)
    if target is not None:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    args, env = _pg_args(database_url)
    subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",  # noqa: S603
                    "--single-transaction", *args, str(source)],
                   check=True, env={**_base_env(), **env}, capture_output=True)


def _base_env() -> dict[str, str]:
    return dict(os.environ)
