"""Settings read from the environment, with safe defaults for local use.

Production (``DASHBOARD_ENV=production``) refuses to start with the development
secret key, so a deployment can never sign cookies with a key that is public.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(RuntimeError):
    """The environment describes a configuration the app must not run with."""


# Whoever knows the key can sign any cookie (a login's, a pending second step's): in
# production it must be long and random, never one of the well-known placeholders.
MIN_SECRET_KEY_BYTES = 32
KNOWN_SECRET_KEYS = frozenset({DEV_SECRET_KEY, "test-secret", "secret", "changeme",
                               "change-me", "dev", "development", "password", "secret-key"})


def secret_key_problem(key: str) -> str | None:
    """Why this key must not sign production cookies, or None if it may."""
    advice = ("Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return f"SECRET_KEY is a well-known default; production needs its own. {advice}"
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        return f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production. {advice}"
    # A long key made of a few characters repeated ("changeme" x 4) is guessable.
    if len(set(key)) < 10 or any(key.lower().startswith(k) for k in KNOWN_SECRET_KEYS
                                 if len(k) >= 6):
        return f"SECRET_KEY looks guessable (few distinct characters or a default). {advice}"
    return None


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'dashboard.sqlite3').resolve()}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    environment: str = "development"
    timezone: str = "Europe/London"
    idle_timeout_minutes: int = 30
    absolute_timeout_hours: int = 12
    secure_cookies: bool = False
    data_dir: Path = Path("var")
    # Lay out a plan's handout in a background thread when the plan is saved.
    prerender_handouts: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        environment = env.get("DASHBOARD_ENV", "development")
        if environment not in ENVIRONMENTS:
            raise SettingsError(f"DASHBOARD_ENV must be one of {', '.join(ENVIRONMENTS)}")
        data_dir = Path(env.get("DASHBOARD_DATA_DIR", "var"))
        database_url = env.get("DATABASE_URL") or default_database_url(data_dir)
        secret_key = env.get("SECRET_KEY", "")
        if not secret_key:
            if environment == "production":
                raise SettingsError("SECRET_KEY must be set in production")
            secret_key = DEV_SECRET_KEY
        if environment == "production":
            problem = secret_key_problem(secret_key)
            if problem:
                raise SettingsError(problem)
        timezone = env.get("CLINIC_TIMEZONE", "Europe/London")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"CLINIC_TIMEZONE {timezone!r} is not a known time zone") from exc
        secure_default = "1" if environment == "production" else "0"
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            environment=environment,
            timezone=timezone,
            idle_timeout_minutes=int(env.get("SESSION_IDLE_MINUTES", "30")),
            absolute_timeout_hours=int(env.get("SESSION_ABSOLUTE_HOURS", "12")),
            secure_cookies=env.get("SECURE_COOKIES", secure_default) == "1",
            data_dir=data_dir,
        )
