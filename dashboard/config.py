"""Settings read from the environment, with safe defaults for local use.

Production (``DASHBOARD_ENV=production``) refuses to start with the development
secret key, so a deployment can never sign cookies with a key that is public.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard.domain.text import has_control
from dashboard.domain.users import EMAIL

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105
# The demo's FHIR namespace: a reserved ".example" domain (RFC 2606) on purpose, so no
# export made with the default can ever be mistaken for a real clinic's identifiers.
# A clinic sets FHIR_BASE_URL to a URL it controls.
DEMO_FHIR_BASE_URL = "https://demo-clinic.example/fhir"
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


@dataclass(frozen=True)
class SmtpSettings:
    """Where email goes (``SMTP_URL``) and whom it is from (``SMTP_FROM``).

    ``smtps://`` is TLS from the first byte (port 465); ``smtp://`` must upgrade with
    STARTTLS (port 587) before any password or message is sent; ``smtp://...?tls=none``
    sends in the clear and is accepted only for a relay on this machine's loopback (a local
    Postfix, the test suite's server), never across a network.
    """

    host: str
    port: int
    security: str  # "tls" (implicit), "starttls" or "none" (loopback only)
    username: str
    password: str = field(repr=False)
    from_address: str
    timeout_seconds: float = 10.0
    # SMTP_VERP=1: each message's envelope sender (Return-Path) is a sub-address of
    # from_address naming it (domain/bounces.py), for the clinic's mailbox to receive
    # bounces at; off, the Return-Path is from_address itself.
    verp: bool = False


SMTP_SECURITY = ("tls", "starttls", "none")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_smtp_url(url: str, from_address: str, *, verp: bool = False) -> SmtpSettings:
    """``SMTP_URL`` and ``SMTP_FROM`` as settings, or SettingsError naming what is wrong.
    The password is percent-decoded (a "@" or ":" in it is written %40, %3A)."""
    example = "for example smtp://user:password@mail.example.org:587"
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingsError(f"SMTP_URL must be smtp://... or smtps://..., {example}")
    options = parse_qs(parts.query)
    tls = options.pop("tls", [""])[-1]
    if options or parts.fragment or parts.path not in ("", "/"):
        raise SettingsError(f"SMTP_URL takes no path or options but ?tls=none, {example}")
    if parts.scheme == "smtps":
        security, default_port = "tls", 465
    elif tls == "none":
        if not _is_loopback(parts.hostname):
            raise SettingsError("SMTP_URL ?tls=none (no encryption) is only allowed for a "
                                "mail relay on this machine (localhost, 127.0.0.1, ::1)")
        security, default_port = "none", 25
    elif tls in ("", "starttls"):
        security, default_port = "starttls", 587
    else:
        raise SettingsError("SMTP_URL ?tls= takes only none or starttls")
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise SettingsError("SMTP_URL has a port that is not a number") from exc
    sender = from_address.strip()
    if not _plain_address(sender):
        raise SettingsError("SMTP_FROM must be set to the address reminders are sent from, "
                            "for example reminders@your-clinic.org")
    return SmtpSettings(host=parts.hostname, port=port, security=security,
                        username=unquote(parts.username or ""),
                        password=unquote(parts.password or ""), from_address=sender,
                        verp=verp)


def _plain_address(address: str) -> bool:
    """One bare address, by the rule client and user addresses follow (no display name,
    spaces or line breaks that could add a header; the clinic's name is added as the
    display name when a message is made)."""
    return bool(EMAIL.match(address)) and not has_control(address) and "," not in address


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
    # Lay out a plan's handout ahead, off the request, when the plan is saved (jobs.py).
    prerender_handouts: bool = True
    # Redis for background work shared by several app hosts (Celery); empty: one machine.
    redis_url: str = ""
    # The addresses (or networks) of the proxies in front of the app: only a request from
    # one of them has its X-Forwarded-For believed (auth/proxies.py). Empty: none is.
    trusted_proxies: tuple[str, ...] = ()
    # The address clients open the app at ("https://care.example.clinic"): their own links
    # are made from it. Empty: the address the request came to (the CLI uses localhost).
    public_url: str = ""
    # FHIR export: the base of the clinic's code systems, questionnaires and identifier
    # systems, and the system of its client identifiers (default: under the base).
    fhir_base_url: str = DEMO_FHIR_BASE_URL
    fhir_patient_id_system: str = ""
    # Email (reminders to clients, safety alerts to practitioners): None is off, and the app
    # says so where the feature would be.
    smtp: SmtpSettings | None = None

    @property
    def fhir_patient_system(self) -> str:
        return self.fhir_patient_id_system or f"{self.fhir_base_url}/sid/client-id"

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
        fhir_base_url = _fhir_url("FHIR_BASE_URL", env.get("FHIR_BASE_URL") or DEMO_FHIR_BASE_URL)
        patient_system = env.get("FHIR_PATIENT_ID_SYSTEM", "")
        if patient_system:
            patient_system = _fhir_url("FHIR_PATIENT_ID_SYSTEM", patient_system)
        smtp_url = env.get("SMTP_URL", "").strip()
        smtp = parse_smtp_url(smtp_url, env.get("SMTP_FROM", ""),
                              verp=env.get("SMTP_VERP", "0") == "1") if smtp_url else None
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
            fhir_base_url=fhir_base_url,
            fhir_patient_id_system=patient_system,
            smtp=smtp,
            redis_url=_redis_url(env.get("REDIS_URL", "").strip()),
            trusted_proxies=_networks("TRUSTED_PROXIES", env.get("TRUSTED_PROXIES", "")),
        )


def _fhir_url(name: str, value: str) -> str:
    """An absolute http(s) URL with no query, fragment, spaces or '|' (it is joined into
    FHIR search tokens such as ``identifier=SYSTEM|VALUE``); a trailing slash is dropped."""
    parts = urlsplit(value)
    if (parts.scheme not in ("http", "https") or not parts.netloc or parts.query
            or parts.fragment or any(c.isspace() or c == "|" for c in value)):
        raise SettingsError(f"{name} must be an absolute http(s) URL without a query, "
                            f"for example https://fhir.your-clinic.org")
    return value.rstrip("/")


def _redis_url(value: str) -> str:
    if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError("REDIS_URL must be a redis:// (or rediss://, unix://) URL, "
                            "for example redis://127.0.0.1:6379/0")
    return value


def _networks(name: str, value: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks (``10.0.0.5, 10.1.0.0/16``), normalised."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise SettingsError(f"{name}: {item!r} is not an IP address or network "
                                f"(for example 10.0.0.5 or 10.0.0.0/24)") from exc
    return tuple(networks)
