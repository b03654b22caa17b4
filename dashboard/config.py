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
    # The address clients open the app at ("https://care.example.clinic"): their own links
    # are made from it. Empty: the address the request came to (the CLI uses localhost).
    public_url: str = ""

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
        if environment == "production" and secret_key == DEV_SECRET_KEY:
            raise SettingsError("SECRET_KEY must not be the development default in production")
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
            public_url=env.get("PUBLIC_URL", "").strip().rstrip("/"),
        )
