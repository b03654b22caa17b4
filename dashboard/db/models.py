"""The database schema as SQLAlchemy 2 typed models.

Ranges and required fields are database constraints as well as form checks, so bad
data cannot enter by any path (a script, an import, a future page).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from dashboard.domain import dose, episodes, measures, questionnaires, status
from dashboard.domain import users as domain_users
from dashboard.domain.text import folded_name

# Named constraints let Alembic's batch mode alter SQLite tables later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The allowed values of these columns are owned by the domain (one list each); the CHECK
# constraints below are made from them, and tests/db/test_allowed_values.py checks that the
# migrated database enforces the same.
ROLES = tuple(domain_users.ROLES)
PROFESSIONS = tuple(domain_users.PROFESSIONS)
DOSE_KINDS = tuple(dose.DOSE_KINDS)
STATUSES = tuple(status.STATUS_LABELS)
INSTRUMENTS = tuple(questionnaires.INSTRUMENTS)
EPISODE_STATES = tuple(episodes.EPISODE_STATE_LABELS)
REFERRAL_SOURCES = tuple(episodes.REFERRAL_SOURCES)
DISCHARGE_REASONS = tuple(episodes.DISCHARGE_REASONS)
RED_FLAG_ANSWERS = tuple(episodes.ANSWERS)
MEASURE_FREQUENCIES = tuple(measures.FREQUENCIES)
ASSIGNABLE_MEASURES = tuple(measures.ASSIGNABLE)
# Where a home answer came from: only the client's own page so far (a database concern).
HOME_MEASURE_SOURCES = ("client_home",)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TZDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware timestamps, stored as UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class DoseMixin:
    """A dose of one of three kinds.

    timed: minutes (a range is allowed, "15-20 minutes");
    exercise: sets with repetitions or a hold in seconds;
    advice: no number (diet, hydration, a referral).
    Times per day and days per week apply to every kind that has them.
    """

    dose_kind: Mapped[str] = mapped_column(String(16))
    minutes_min: Mapped[int | None] = mapped_column(Integer)
    minutes_max: Mapped[int | None] = mapped_column(Integer)
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_seconds: Mapped[int | None] = mapped_column(Integer)
    times_per_day: Mapped[int | None] = mapped_column(Integer)
    days_per_week: Mapped[int | None] = mapped_column(Integer)


def dose_constraints() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(_in("dose_kind", DOSE_KINDS), name="dose_kind"),
        CheckConstraint("minutes_min IS NULL OR minutes_min BETWEEN 1 AND 240", name="min_rng"),
        CheckConstraint(
            "minutes_max IS NULL OR "
            "(minutes_min IS NOT NULL AND minutes_max BETWEEN minutes_min AND 240)",
            name="max_rng",
        ),
        CheckConstraint("sets IS NULL OR sets BETWEEN 1 AND 20", name="sets_rng"),
        CheckConstraint("reps IS NULL OR reps BETWEEN 1 AND 100", name="reps_rng"),
        CheckConstraint("hold_seconds IS NULL OR hold_seconds BETWEEN 1 AND 600", name="hold_rng"),
        CheckConstraint("times_per_day IS NULL OR times_per_day BETWEEN 1 AND 12", name="tpd_rng"),
        CheckConstraint("days_per_week IS NULL OR days_per_week BETWEEN 1 AND 7", name="dpw_rng"),
        CheckConstraint("dose_kind <> 'timed' OR minutes_min IS NOT NULL", name="timed_needs_min"),
        CheckConstraint(
            "dose_kind <> 'exercise' OR "
            "(sets IS NOT NULL AND (reps IS NOT NULL OR hold_seconds IS NOT NULL))",
            name="exercise_needs_sets",
        ),
    )


class Clinic(Base):
    """The clinic's own details, edited by admins, shown on handouts and alerts."""

    __tablename__ = "clinic"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_nonempty"),
                      CheckConstraint("client_link_days BETWEEN 1 AND 365",
                                      name="link_days_rng"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    crisis_line_text: Mapped[str] = mapped_column(Text, default="")
    # How long records of discharged or archived clients are kept before an admin may
    # erase them (health-records law commonly asks for about 8 years for adults).
    retention_years: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    # How many days a client's own link stays valid unless the episode is discharged first.
    client_link_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # Email reminders to clients, clinic-wide (only when SMTP_URL is set, and only to
    # clients who consented).
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("length(email) BETWEEN 3 AND 254", name="email_len"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_len"),
        CheckConstraint(_in("profession", ("", *PROFESSIONS)), name="profession"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(50), default="")
    # The profile (issue 19): profession, and the name printed on handouts and summaries
    # when it differs from the account's name ("" prints the account's name).
    profession: Mapped[str] = mapped_column(String(30), default="", server_default="")
    handout_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    # Second factor (RFC 6238 time-based one-time codes). The secret is set when the user
    # enrols; the last accepted time step stops a code from being used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # A one-time password set by an admin works until then (a leaked welcome message
    # cannot be used later to sign in and enrol someone else's phone).
    temporary_password_expires_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())

    @property
    def printed_name(self) -> str:
        """The name on the client's paper and page: the profile's, else the account's."""
        return self.handout_name or self.name


class LoginSession(Base):
    """A server-side record of one login, so logout and deactivation end it at once.

    Only a SHA-256 of the cookie's token is stored: a copy of the database does not
    let anyone take over a live session.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class PendingLogin(Base):
    """A correct password waiting for its second factor, kept on the server: the signed
    cookie holds only a random token whose SHA-256 is here, so knowing SECRET_KEY is not
    enough to skip the password, and it ends when used, after 5 minutes, or with the
    user's other sessions."""

    __tablename__ = "pending_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())


class LoginThrottle(Base):
    """Failed sign-in attempts counted per account, per address and per pair of both
    (domain/throttle.py), checked and counted in one locked step (db/throttle.py)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(340), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())


class LoginAttempt(Base):
    """Failed logins, counted per account and per address to slow down guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email_at", "email", "at"),
                      Index("ix_login_attempts_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)


def _search_name_default(context: DefaultExecutionContext) -> str:
    row = context.get_current_parameters()
    return folded_name(row.get("given_name") or "", row.get("family_name") or "")


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint("length(trim(given_name)) BETWEEN 1 AND 100", name="given_len"),
        CheckConstraint("length(trim(family_name)) BETWEEN 1 AND 100", name="family_len"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("baseline_pain IS NULL OR baseline_pain BETWEEN 0 AND 10", name="bp_rng"),
        CheckConstraint("latest_pain IS NULL OR latest_pain BETWEEN 0 AND 10", name="lp_rng"),
        CheckConstraint(_in("episode_state", EPISODE_STATES), name="episode_state"),
        Index("ix_clients_practitioner_family", "practitioner_id", "family_name"),
        # An admin's lists over the whole clinic, each in its own order, read up to their
        # first page and no further (the home page's sections, the client list by name).
        Index("ix_clients_family_given", "family_name", "given_name", "id"),
        Index("ix_clients_next_due_on", "next_due_on", "id"),
        Index("ix_clients_status_latest_pain", "status", "latest_pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # The name folded for search (domain.text.folded_name), kept in step with the two
    # names: by the validator below for the ORM, by the default for bulk inserts.
    search_name: Mapped[str] = mapped_column(String(201), default=_search_name_default,
                                             server_default="")
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    # A summary kept up to date in the same transaction as each session or plan save,
    # so lists filter and sort by status without reading every session.
    baseline_pain: Mapped[int | None] = mapped_column(Integer)
    latest_pain: Mapped[int | None] = mapped_column(Integer)
    baseline_on: Mapped[dt.date | None] = mapped_column(Date)
    # Indexed: the clinic figures of a day (clinic_figures.py) read the clients last seen then.
    last_session_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    next_due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_enough_data")
    # The current episode's questionnaires (as on Episode), for the client list's filter.
    reliable_change: Mapped[str | None] = mapped_column(String(20))
    recovered: Mapped[bool | None] = mapped_column(Boolean)
    # The open episode's latest plan version, so clinic figures join plans without
    # searching every version for the latest.
    current_plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_versions.id", use_alter=True))
    # That version's strategy keys (PlanVersion.strategy_keys; None without a current plan),
    # kept beside it by the summary: the clinic figures of a day group the clients seen by
    # strategy on every save, and joining each one's plan version took 2.7 ms of a save's
    # SQL at ten times the large clinic (270 clients seen a day), 0.9 without.
    current_strategy_keys: Mapped[str | None] = mapped_column(String(300))
    # The current episode's state (open, flagged by the red-flag screen, discharged).
    episode_state: Mapped[str] = mapped_column(String(20), default="open",
                                               server_default="open")
    archived_on: Mapped[dt.date | None] = mapped_column(Date)
    # Erasure keeps a tombstone row (so the audit log's references stay valid) with every
    # identifying field replaced; erased clients are never listed.
    erased_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    practitioner: Mapped[User] = relationship(lazy="raise", foreign_keys=[practitioner_id])

    @validates("given_name", "family_name")
    def _keep_search_name(self, key: str, value: str) -> str:
        given = value if key == "given_name" else (self.given_name or "")
        family = value if key == "family_name" else (self.family_name or "")
        self.search_name = folded_name(given, family)
        return value


class ClientShare(Base):
    """A client explicitly shared with a second practitioner, who then sees them too."""

    __tablename__ = "client_shares"
    __table_args__ = (UniqueConstraint("client_id", "practitioner_id", name="uq_client_share"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)


class Episode(Base):
    """A client's course of treatment: intake (referral, consent, red-flag screen),
    sessions, discharge. A returning client starts a new episode from a new baseline."""

    __tablename__ = "episodes"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
        CheckConstraint(_in("referral_source", REFERRAL_SOURCES), name="referral_source"),
        CheckConstraint("discharge_reason IS NULL OR " + _in("discharge_reason",
                        DISCHARGE_REASONS), name="discharge_reason"),
        CheckConstraint("(ended_on IS NULL) = (discharge_reason IS NULL)", name="discharged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    # Indexed: the clinic figures of a day read the episodes discharged that day.
    ended_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # Why the client came (the referral's reason, in the practitioner's words).
    reason: Mapped[str] = mapped_column(Text, default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    referral_source: Mapped[str] = mapped_column(String(20), default="self",
                                                 server_default="self")
    referrer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # None until intake is recorded (episodes opened before intake existed have none).
    intake_recorded_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    consent_treatment: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    consent_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_recorded_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    # Consent to be reminded by email (at intake or later), who recorded it and when; it
    # can be withdrawn by the practitioner or by the client's unsubscribe link (withdrawn
    # by nobody: the client). ``email_consent`` is the state now.
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    email_consent_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    email_consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    email_withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Red-flag screen outcome: an urgent flag stays open until a practitioner clears it.
    urgent_flag: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    see_doctor_flag: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    referral_recorded_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    referral_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    referral_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    flag_cleared_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    flag_cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    flag_cleared_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Discharge, and the outcome figures frozen at discharge so clinic comparisons
    # read one row per episode.
    discharge_reason: Mapped[str | None] = mapped_column(String(30))
    discharge_recommendations: Mapped[str] = mapped_column(Text, default="", server_default="")
    discharged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The plan the episode ended on (its latest version at discharge).
    final_plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_versions.id", use_alter=True))
    sessions_attended: Mapped[int | None] = mapped_column(Integer)
    baseline_pain: Mapped[int | None] = mapped_column(Integer)
    discharge_pain: Mapped[int | None] = mapped_column(Integer)
    baseline_stress: Mapped[int | None] = mapped_column(Integer)
    discharge_stress: Mapped[int | None] = mapped_column(Integer)
    baseline_function: Mapped[float | None] = mapped_column(Float)
    discharge_function: Mapped[float | None] = mapped_column(Float)
    # The function figures are means of the activities rated at both the first and the last
    # session (domain/psfs.py): how many were, and how many were rated at only one of them
    # (replaced mid-episode, left out). None/0 for episodes discharged before this rule.
    function_compared: Mapped[int | None] = mapped_column(Integer)
    function_left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outcome: Mapped[str | None] = mapped_column(String(20))
    # Questionnaires (docs/OUTCOMES.md): the first total of the episode, the latest only when
    # given at least twice; reliable change "improvement"/"deterioration"/"none" (None: no
    # questionnaire given twice); recovered None unless at caseness at the start.
    baseline_phq9: Mapped[int | None] = mapped_column(Integer)
    discharge_phq9: Mapped[int | None] = mapped_column(Integer)
    baseline_gad7: Mapped[int | None] = mapped_column(Integer)
    discharge_gad7: Mapped[int | None] = mapped_column(Integer)
    baseline_pss10: Mapped[int | None] = mapped_column(Integer)
    discharge_pss10: Mapped[int | None] = mapped_column(Integer)
    reliable_change: Mapped[str | None] = mapped_column(String(20))
    recovered: Mapped[bool | None] = mapped_column(Boolean)


class RedFlagAnswer(Base):
    """One item of the intake red-flag screen, answered yes, no or not asked."""

    __tablename__ = "red_flag_answers"
    __table_args__ = (
        CheckConstraint(_in("answer", RED_FLAG_ANSWERS), name="answer"),
        UniqueConstraint("episode_id", "item", name="uq_red_flag_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    item: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(10))


class BreakGlassAccess(Base):
    """A practitioner opening a client who is not theirs, with a reason; valid for the day."""

    __tablename__ = "break_glass_access"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) >= 10", name="reason_len"),
        Index("ix_break_glass_user_client_on", "user_id", "client_id", "valid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    valid_on: Mapped[dt.date] = mapped_column(Date)


PICTURE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")


class Picture(Base):
    """A picture of a catalogue part, stored once under the SHA-256 of its bytes.

    In the database, not on disk, so every app host behind a load balancer sees the same
    pictures. Never changed or deleted: a plan version names the picture it was given with
    by its hash, and its handout must print that picture for as long as the plan is kept.
    """

    __tablename__ = "pictures"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha_len"),
        CheckConstraint(_in("media_type", PICTURE_TYPES), name="media_type"),
        CheckConstraint("size_bytes > 0", name="size_pos"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Strategy(Base):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)

    parts: Mapped[list[StrategyPart]] = relationship(
        back_populates="strategy", order_by="StrategyPart.position", lazy="selectin"
    )


class StrategyPart(DoseMixin, Base):
    """One part of a strategy a practitioner can pick, with its default dose.

    ``revision`` goes up with every edit; plans copy the wording they were given with.
    """

    __tablename__ = "strategy_parts"
    __table_args__ = dose_constraints()

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id"), index=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    instructions: Mapped[str] = mapped_column(Text)
    cautions: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # The safe ceiling of one application in minutes (heat 20, cold 15: the seed); plans
    # past it are refused. None: no ceiling beyond the dose limits.
    max_minutes: Mapped[int | None] = mapped_column(Integer)
    # Its picture (by content hash) and the words describing it for anyone who cannot see it.
    picture_sha256: Mapped[str | None] = mapped_column(ForeignKey("pictures.sha256"))
    picture_alt: Mapped[str] = mapped_column(Text, default="", server_default="")
    # True while the picture is the drawing the package ships: a redrawn one in a later
    # release replaces it when the catalogue loads. A clinic's own picture is never replaced.
    picture_from_catalogue: Mapped[bool] = mapped_column(Boolean, default=False,
                                                         server_default=false())

    strategy: Mapped[Strategy] = relationship(back_populates="parts")


class PlanTemplate(Base):
    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    review_interval_days: Mapped[int] = mapped_column(Integer, default=14)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    items: Mapped[list[PlanTemplateItem]] = relationship(
        order_by="PlanTemplateItem.position", lazy="selectin"
    )


class PlanTemplateItem(DoseMixin, Base):
    __tablename__ = "plan_template_items"
    __table_args__ = dose_constraints()

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("plan_templates.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("strategy_parts.id"))
    position: Mapped[int] = mapped_column(Integer)


class PlanVersion(Base):
    """One version of an episode's plan. Saving a changed plan adds a version."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("episode_id", "version", name="uq_plan_version"),
        CheckConstraint("version >= 1", name="version_pos"),
        CheckConstraint("review_interval_days BETWEEN 1 AND 365", name="review_rng"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    review_interval_days: Mapped[int] = mapped_column(Integer, default=14)
    notes: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[int | None] = mapped_column(ForeignKey("plan_templates.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    # The strategies this version uses, as ",key,key," (written with the items, never
    # changed): clinic figures by strategy test one column per client instead of grouping
    # every plan item in the clinic.
    strategy_keys: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Saved while an urgent red flag was open: the practitioner's reason (audited); '' else.
    red_flag_override: Mapped[str] = mapped_column(Text, default="", server_default="")

    items: Mapped[list[PlanItem]] = relationship(
        order_by="PlanItem.position", lazy="selectin", cascade="all, delete-orphan"
    )
    goals: Mapped[list[Goal]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class PlanItem(DoseMixin, Base):
    """A chosen part, with a copy of its wording as given, so catalogue edits never change it."""

    __tablename__ = "plan_items"
    __table_args__ = dose_constraints()

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("strategy_parts.id"))
    part_revision: Mapped[int] = mapped_column(Integer)
    strategy_key: Mapped[str] = mapped_column(String(50))
    strategy_name: Mapped[str] = mapped_column(String(100))
    part_name: Mapped[str] = mapped_column(String(100))
    instructions: Mapped[str] = mapped_column(Text)
    cautions: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    # The part's picture as given, like its wording: a later catalogue change never
    # changes a handout already given. None for parts given before pictures existed.
    picture_sha256: Mapped[str | None] = mapped_column(ForeignKey("pictures.sha256"))
    picture_alt: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The part's safe ceiling of minutes a time as given, and the practitioner's reason for a
    # dose past it ('' for none): printed on the handout beside the dose, and audited.
    max_minutes: Mapped[int | None] = mapped_column(Integer)
    over_ceiling_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("length(trim(description)) BETWEEN 1 AND 500", name="desc_len"),
        CheckConstraint("pain_target IS NULL OR pain_target BETWEEN 0 AND 10", name="target_rng"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    # Set for a pain goal ("pain at or below 3"); empty for an activity goal.
    pain_target: Mapped[int | None] = mapped_column(Integer)
    target_on: Mapped[dt.date | None] = mapped_column(Date)
    # Set at discharge: whether the goal was met (None until then).
    met: Mapped[bool | None] = mapped_column(Boolean)
    # A measurable goal is judged from the scores; a practitioner who judges otherwise
    # gives the reason here (printed on the summary, audited).
    met_override: Mapped[str] = mapped_column(Text, default="", server_default="")


class FunctionalActivity(Base):
    """An activity the client chose for the Patient-Specific Functional Scale."""

    __tablename__ = "functional_activities"
    __table_args__ = (CheckConstraint("length(trim(name)) BETWEEN 1 AND 200", name="name_len"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CareSession(Base):
    """One visit's scores. Named CareSession to keep it apart from database sessions."""

    __tablename__ = "care_sessions"
    __table_args__ = (
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_rng"),
        CheckConstraint("stress BETWEEN 0 AND 10", name="stress_rng"),
        CheckConstraint(
            "function_score IS NULL OR (function_score >= 0 AND function_score <= 10)",
            name="function_rng",
        ),
        CheckConstraint("length(notes) <= 5000", name="notes_len"),
        Index("ix_care_sessions_client_date", "client_id", "session_on"),
        Index("ix_care_sessions_practitioner_date", "practitioner_id", "session_on"),
        # Covers the clinic's sessions-per-week count without reading the rows.
        Index("ix_care_sessions_session_on", "session_on", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    session_on: Mapped[dt.date] = mapped_column(Date)
    pain: Mapped[int] = mapped_column(Integer)
    stress: Mapped[int] = mapped_column(Integer)
    function_score: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    # Deletion is soft: an admin can restore; lists and progress ignore deleted sessions.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    adherence: Mapped[list[Adherence]] = relationship(lazy="raise", cascade="all, delete-orphan")


class Adherence(Base):
    """For one plan part: on how many days of the past week the client did it."""

    __tablename__ = "adherence"
    __table_args__ = (
        CheckConstraint("days_done BETWEEN 0 AND 7", name="days_rng"),
        UniqueConstraint("session_id", "plan_item_id", name="uq_adherence_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("care_sessions.id"), index=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id"))
    days_done: Mapped[int] = mapped_column(Integer)


class FunctionalRating(Base):
    __tablename__ = "functional_ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_rng"),
        UniqueConstraint("session_id", "activity_id", name="uq_functional_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("care_sessions.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("functional_activities.id"))
    score: Mapped[int] = mapped_column(Integer)


class QuestionnaireAnswer(Base):
    """One item answer of a questionnaire (PSS-10, PHQ-9, GAD-7) given at a session."""

    __tablename__ = "questionnaire_answers"
    __table_args__ = (
        CheckConstraint(_in("instrument", INSTRUMENTS), name="instrument"),
        CheckConstraint("item BETWEEN 1 AND 10", name="item_rng"),
        CheckConstraint("value BETWEEN 0 AND 4", name="value_rng"),
        UniqueConstraint("session_id", "instrument", "item", name="uq_questionnaire_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("care_sessions.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    item: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)


class HandoutRecord(Base):
    """A handout as given: the exact PDF and its SHA-256, so it can be shown again."""

    __tablename__ = "handouts"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha_len"),
                      Index("ix_handouts_client_at", "client_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    page_size: Mapped[str] = mapped_column(String(10), default="a4")
    sha256: Mapped[str] = mapped_column(String(64))
    # The rendered HTML's hash: the same content is never laid out twice (reused instead).
    html_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # False for a rendering made ahead of time when the plan was saved (not given to anyone
    # yet); the history shows only handouts actually given.
    given: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Given while an urgent red flag was open: the practitioner's reason (audited); '' else.
    red_flag_override: Mapped[str] = mapped_column(Text, default="", server_default="")


ALERT_KINDS = ("phq9_item9",)
# Where the answer that raised an alert was given: at a session, or by the client at home
# on their own page (``session_id`` is then empty and ``raised_on``/``answer`` say when
# and what, even if the rest of that questionnaire was never completed).
ALERT_SOURCES = ("session", "client_home")


class SafetyAlert(Base):
    """A risk signal (PHQ-9 item 9 above 0) shown until a practitioner acknowledges it."""

    __tablename__ = "safety_alerts"
    __table_args__ = (
        CheckConstraint(_in("kind", ALERT_KINDS), name="kind"),
        CheckConstraint("acknowledged_at IS NULL OR length(action) > 0", name="ack_action"),
        CheckConstraint(_in("source", ALERT_SOURCES), name="source"),
        CheckConstraint("(source = 'session') = (session_id IS NOT NULL)", name="source_ref"),
        CheckConstraint("source = 'session' OR (raised_on IS NOT NULL AND answer BETWEEN 1 "
                        "AND 3)", name="home_answer"),
        Index("ix_safety_alerts_open", "client_id", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("care_sessions.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="session",
                                        server_default="session")
    raised_on: Mapped[dt.date | None] = mapped_column(Date)
    home_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_measure_responses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="phq9_item9")
    raised_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The item 9 answer the alert was raised for: one alert per answer of a session (an
    # edit keeping it raises nothing new); kept even when an incomplete PHQ-9 was not
    # (at home, the only record of the answer: the incomplete questionnaire is not stored).
    answer: Mapped[int | None] = mapped_column(Integer)


HOME_LOG_SOURCES = ("client",)


class ClientLink(Base):
    """A client's own link to their plan and daily log, one episode, no account.

    Only a SHA-256 of the token is stored, to find the link when it is used; the token
    itself is derived from ``token_seed`` with the app's secret key (HMAC), so the page
    can show the link again and print it, while a copy of the database alone cannot open
    it. At most one link per episode is not revoked (a new one revokes the old).
    """

    __tablename__ = "client_links"
    __table_args__ = (
        Index("uq_client_links_episode_live", "episode_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL")),
        CheckConstraint("expires_at > created_at", name="expiry_after_creation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_seed: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(TZDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())


class ClientLinkFailure(Base):
    """An unknown or ended token tried from an address, to slow down guessing."""

    __tablename__ = "client_link_failures"
    __table_args__ = (Index("ix_client_link_failures_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)


class HomeLogEntry(Base):
    """One day of the client's own log between visits: pain and stress if given, and the
    plan parts ticked done (``HomeLogTick``). One per episode and day; a second save of
    the same day corrects the first. ``source`` says who reported it (the client)."""

    __tablename__ = "home_log_entries"
    __table_args__ = (
        UniqueConstraint("episode_id", "log_on", name="uq_home_log_day"),
        CheckConstraint("pain IS NULL OR pain BETWEEN 0 AND 10", name="pain_rng"),
        CheckConstraint("stress IS NULL OR stress BETWEEN 0 AND 10", name="stress_rng"),
        CheckConstraint(_in("source", HOME_LOG_SOURCES), name="source"),
        Index("ix_home_log_entries_client_on", "client_id", "log_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    log_on: Mapped[dt.date] = mapped_column(Date)
    pain: Mapped[int | None] = mapped_column(Integer)
    stress: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), default="client", server_default="client")
    link_id: Mapped[int | None] = mapped_column(ForeignKey("client_links.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())

    ticks: Mapped[list[HomeLogTick]] = relationship(lazy="raise", cascade="all, delete-orphan")


class HomeLogTick(Base):
    """A plan part the client ticked done on a logged day (present means done)."""

    __tablename__ = "home_log_ticks"
    __table_args__ = (UniqueConstraint("entry_id", "plan_item_id", name="uq_home_log_tick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("home_log_entries.id"), index=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id"))


class MeasureAssignment(Base):
    """A questionnaire the practitioner asked the client to complete at home, and how often
    (``domain.measures.FREQUENCIES``), or the PSFS ratings of their own activities (weekly).
    Changing or stopping it ends the row (``ended_at``) and a change starts a new one, so
    what was asked when stays on record."""

    __tablename__ = "measure_assignments"
    __table_args__ = (
        CheckConstraint(_in("instrument", ASSIGNABLE_MEASURES), name="instrument"),
        CheckConstraint(_in("every", MEASURE_FREQUENCIES), name="every"),
        Index("uq_measure_assignments_live", "episode_id", "instrument", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"))
    instrument: Mapped[str] = mapped_column(String(10))
    every: Mapped[str] = mapped_column(String(10))
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class HomeMeasureResponse(Base):
    """A questionnaire the client completed at home on their own page: every item answered
    (``HomeMeasureAnswer``), scored by ``domain.questionnaires`` like a session's answers.
    ``source`` says who gave it and where (the client, at home)."""

    __tablename__ = "home_measure_responses"
    __table_args__ = (
        CheckConstraint(_in("instrument", INSTRUMENTS), name="instrument"),
        CheckConstraint(_in("source", HOME_MEASURE_SOURCES), name="source"),
        CheckConstraint("total >= 0 AND total <= 40", name="total_rng"),
        Index("ix_home_measure_responses_episode", "episode_id", "instrument",
              "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("measure_assignments.id"))
    instrument: Mapped[str] = mapped_column(String(10))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    completed_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(20), default="client_home",
                                        server_default="client_home")
    link_id: Mapped[int | None] = mapped_column(ForeignKey("client_links.id"))
    total: Mapped[int] = mapped_column(Integer)
    band: Mapped[str | None] = mapped_column(String(30))


class HomeMeasureAnswer(Base):
    """One item's answer of a questionnaire completed at home."""

    __tablename__ = "home_measure_answers"
    __table_args__ = (
        CheckConstraint("item BETWEEN 1 AND 10", name="item_rng"),
        CheckConstraint("value BETWEEN 0 AND 4", name="value_rng"),
        UniqueConstraint("response_id", "item", name="uq_home_measure_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("home_measure_responses.id"),
                                             index=True)
    item: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)


class HomeFunctionResponse(Base):
    """The client's PSFS ratings of their own activities, made at home on their own page
    (``HomeFunctionRating``, one per activity), with their mean scored by the same code as
    a session's (``domain.sessions.psfs_score``)."""

    __tablename__ = "home_function_responses"
    __table_args__ = (
        CheckConstraint(_in("source", HOME_MEASURE_SOURCES), name="source"),
        CheckConstraint("score >= 0 AND score <= 10", name="score_rng"),
        Index("ix_home_function_responses_episode", "episode_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("measure_assignments.id"))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    completed_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(20), default="client_home",
                                        server_default="client_home")
    link_id: Mapped[int | None] = mapped_column(ForeignKey("client_links.id"))
    score: Mapped[float] = mapped_column(Float)


class HomeFunctionRating(Base):
    """One activity's rating (0-10) in a PSFS rating made at home."""

    __tablename__ = "home_function_ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_rng"),
        UniqueConstraint("response_id", "activity_id", name="uq_home_function_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("home_function_responses.id"),
                                             index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("functional_activities.id"))
    score: Mapped[int] = mapped_column(Integer)


EMAIL_KINDS = ("reminder", "safety_alert")
EMAIL_STATUSES = ("pending", "sending", "sent", "failed", "bounced")
REMINDER_REASONS = ("measure_due", "no_log")


class EmailMessage(Base):
    """One email the app sends (or tried to): a reminder to a client, or a safety alert's
    notice to a practitioner. Its ``dedupe_key`` is unique ("reminder:<client>:<day>",
    "safety_alert:<alert>:<user>"), so however many hosts or cron runs try, one row is
    claimed and at most one message goes. Never holds what the message said beyond its
    reason: the messages carry no health data (domain/reminders.py)."""

    __tablename__ = "email_messages"
    __table_args__ = (
        CheckConstraint(_in("kind", EMAIL_KINDS), name="kind"),
        CheckConstraint(_in("status", EMAIL_STATUSES), name="status"),
        CheckConstraint("reason IS NULL OR " + _in("reason", REMINDER_REASONS), name="reason"),
        CheckConstraint("(kind = 'safety_alert') = (safety_alert_id IS NOT NULL)",
                        name="alert_ref"),
        Index("ix_email_messages_client_created", "client_id", "created_at"),
        Index("ix_email_messages_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    safety_alert_id: Mapped[int | None] = mapped_column(ForeignKey("safety_alerts.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    for_day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())
    error: Mapped[str] = mapped_column(String(300), default="")
    # The unsubscribe link's token is derived from the seed with the secret key (like a
    # client link's); only its SHA-256 is looked up.
    unsubscribe_seed: Mapped[str | None] = mapped_column(String(64))
    unsubscribe_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(TZDateTime())


class DischargeFigures:
    """Sums over discharged episodes, each a count or a plain sum (never a mean), so that
    any range of days adds up: the columns of dashboard.db.clinic_figures.DISCHARGE_SUMS,
    in that order, which GroupOutcomes is made from."""

    discharged: Mapped[int] = mapped_column(Integer, default=0)
    pain_improved: Mapped[int] = mapped_column(Integer, default=0)
    pain_change_sum: Mapped[int] = mapped_column(Integer, default=0)
    pain_changes: Mapped[int] = mapped_column(Integer, default=0)
    sessions_sum: Mapped[int] = mapped_column(Integer, default=0)
    with_sessions: Mapped[int] = mapped_column(Integer, default=0)
    pain_judged: Mapped[int] = mapped_column(Integer, default=0)
    questionnaires_judged: Mapped[int] = mapped_column(Integer, default=0)
    reliable_improvement: Mapped[int] = mapped_column(Integer, default=0)
    reliable_deterioration: Mapped[int] = mapped_column(Integer, default=0)
    at_caseness: Mapped[int] = mapped_column(Integer, default=0)
    recovered: Mapped[int] = mapped_column(Integer, default=0)
    baseline_pain_sum: Mapped[int] = mapped_column(Integer, default=0)
    baseline_pains: Mapped[int] = mapped_column(Integer, default=0)
    baseline_phq9_sum: Mapped[int] = mapped_column(Integer, default=0)
    baseline_phq9s: Mapped[int] = mapped_column(Integer, default=0)


# The clinic overview's figures kept up to date in the same transaction as every write
# that changes them (dashboard/db/clinic_figures.py), so the whole clinic's overview reads
# a row per day instead of every session and client. Each row is recomputed from its
# source rows, never incremented, and dashboard.db.consistency checks them.
class ClinicDay(Base):
    """One clinic day: sessions held (not deleted), and the active clients whose latest
    session it was, by their status."""

    __tablename__ = "clinic_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    seen_improving: Mapped[int] = mapped_column(Integer, default=0)
    seen_stable: Mapped[int] = mapped_column(Integer, default=0)
    seen_worsening: Mapped[int] = mapped_column(Integer, default=0)
    seen_not_enough_data: Mapped[int] = mapped_column(Integer, default=0)


class ClinicDayStrategy(DischargeFigures, Base):
    """Per day and strategy: the active clients last seen that day whose current plan uses
    it (with their pain change since baseline), and the episodes discharged that day on a
    final plan that used it."""

    __tablename__ = "clinic_day_strategies"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    strategy_key: Mapped[str] = mapped_column(String(50), primary_key=True)
    seen_clients: Mapped[int] = mapped_column(Integer, default=0)
    seen_pain_change_sum: Mapped[int] = mapped_column(Integer, default=0)
    seen_pain_changes: Mapped[int] = mapped_column(Integer, default=0)


class ClinicDayPractitioner(DischargeFigures, Base):
    """Per day and practitioner: the episodes discharged that day among the clients the
    practitioner is responsible for now (a reassigned client's episodes move with them)."""

    __tablename__ = "clinic_day_practitioners"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class PractitionerCaseload(Base):
    """Active clients (not archived, episode open or flagged) per practitioner."""

    __tablename__ = "practitioner_caseloads"

    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    active_clients: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """Who did what to which record, when and from where. Written in the same transaction."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_client_at", "client_id", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(TZDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    # Set on entries made under "break glass" access (a client opened without being theirs).
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


__all__ = [
    "Adherence",
    "AuditEntry",
    "Base",
    "BreakGlassAccess",
    "CareSession",
    "Client",
    "ClientLink",
    "ClientLinkFailure",
    "ClientShare",
    "Clinic",
    "ClinicDay",
    "ClinicDayPractitioner",
    "ClinicDayStrategy",
    "EmailMessage",
    "Episode",
    "FunctionalActivity",
    "FunctionalRating",
    "Goal",
    "HandoutRecord",
    "HomeFunctionRating",
    "HomeFunctionResponse",
    "HomeLogEntry",
    "HomeLogTick",
    "HomeMeasureAnswer",
    "HomeMeasureResponse",
    "LoginAttempt",
    "LoginSession",
    "MeasureAssignment",
    "Picture",
    "PlanItem",
    "PlanTemplate",
    "PlanTemplateItem",
    "PlanVersion",
    "PractitionerCaseload",
    "QuestionnaireAnswer",
    "RedFlagAnswer",
    "SafetyAlert",
    "Strategy",
    "StrategyPart",
    "User",
]
