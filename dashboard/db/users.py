"""Users and their login sessions."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from dashboard.db.models import LoginAttempt, LoginSession, PendingLogin, User, utcnow
from dashboard.domain.ids import parse_id

# How long a password set by an admin (new account, reset) may be used for the first sign-in.
TEMPORARY_PASSWORD_LIFETIME = dt.timedelta(hours=72)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session, *, email: str, name: str, role: str, password_hash: str,
    must_change_password: bool = False, phone: str = "",
) -> User:
    user = User(email=normalise_email(email), name=name.strip(), role=role,
                password_hash=password_hash, must_change_password=must_change_password,
                phone=phone, active=True,
                temporary_password_expires_at=utcnow() + TEMPORARY_PASSWORD_LIFETIME
                if must_change_password else None)
    session.add(user)
    session.flush()
    return user


def list_practitioners(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).where(User.role == "practitioner", User.active.is_(True)).order_by(User.name)))


def start_login_session(
    session: Session, *, user_id: int, token_hash: str, ip: str, user_agent: str
) -> LoginSession:
    row = LoginSession(user_id=user_id, token_hash=token_hash, ip=ip[:64],
                       user_agent=user_agent[:300])
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class LiveLogin:
    """A login session not ended, with what a request needs of its user."""

    login_id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    user_id: int
    email: str
    name: str
    role: str
    active: bool
    must_change_password: bool
    totp_enabled: bool


@functools.cache
def _live_login_query() -> Select:
    """Read on every request: its columns only (not the user's whole row, with its password
    hash and second-factor secret), built once per process with the token's hash as the
    parameter ``token_hash``."""
    return (select(LoginSession.id, LoginSession.created_at, LoginSession.last_seen_at,
                   User.id, User.email, User.name, User.role, User.active,
                   User.must_change_password, User.totp_enabled_at.is_not(None))
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == bindparam("token_hash"),
                   LoginSession.ended_at.is_(None)).limit(1))


def find_live_login(session: Session, token_hash: str) -> LiveLogin | None:
    row = session.execute(_live_login_query(), {"token_hash": token_hash}).first()
    return LiveLogin(*row) if row else None


def touch_login_session(session: Session, login_id: int, at: dt.datetime) -> None:
    session.execute(update(LoginSession).where(LoginSession.id == login_id)
                    .values(last_seen_at=at))


def end_login_session(session: Session, login_id: int) -> None:
    session.execute(update(LoginSession)
                    .where(LoginSession.id == login_id, LoginSession.ended_at.is_(None))
                    .values(ended_at=utcnow()))


def end_all_login_sessions(session: Session, user_id: int, *, keep: int | None = None) -> int:
    """End every open session of a user (deactivation, password change or reset, second
    factor reset), and any sign-in waiting for its code; ``keep`` spares the caller's own."""
    now = utcnow()
    condition = [LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)]
    if keep is not None:
        condition.append(LoginSession.id != keep)
    result = session.execute(update(LoginSession).where(*condition).values(ended_at=now))
    session.execute(update(PendingLogin).where(
        PendingLogin.user_id == user_id, PendingLogin.ended_at.is_(None)).values(ended_at=now))
    return result.rowcount or 0  # type: ignore[attr-defined]


def start_pending_login(session: Session, *, user_id: int, token_hash: str) -> None:
    session.add(PendingLogin(user_id=user_id, token_hash=token_hash))


def pending_login_user(session: Session, token_hash: str, *, since: dt.datetime) -> int | None:
    """The user whose password step this token stands for, if it is live and recent."""
    return session.scalar(select(PendingLogin.user_id).where(
        PendingLogin.token_hash == token_hash, PendingLogin.ended_at.is_(None),
        PendingLogin.created_at >= since))


def end_pending_login(session: Session, token_hash: str) -> bool:
    """Use the pending step once: False if it was already used or ended."""
    result = session.execute(update(PendingLogin).where(
        PendingLogin.token_hash == token_hash, PendingLogin.ended_at.is_(None))
        .values(ended_at=utcnow()))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_failed_login(session: Session, *, email: str, ip: str) -> None:
    session.add(LoginAttempt(email=normalise_email(email)[:254], ip=ip[:64]))



def active_practitioner_id(session: Session, candidate: object) -> int | None:
    """The id if it names an active practitioner; None for anything else a request may hold."""
    candidate = parse_id(candidate)
    if candidate is None:
        return None
    return session.scalar(select(User.id).where(
        User.id == candidate, User.role == "practitioner", User.active.is_(True)))


def set_password_hash(session: Session, user_id: int, password_hash: str,
                      must_change: bool | None = None) -> None:
    values: dict[str, object] = {"password_hash": password_hash}
    if must_change is not None:
        values["must_change_password"] = must_change
        values["temporary_password_expires_at"] = (
            utcnow() + TEMPORARY_PASSWORD_LIFETIME if must_change else None)
    session.execute(update(User).where(User.id == user_id).values(**values))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.name)))


def active_admin_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True))) or 0


def get_user(session: Session, user_id: object) -> User | None:
    """The user with this id; None for anything that is not an int (it may come from a form)."""
    user_id = parse_id(user_id)
    return None if user_id is None else session.get(User, user_id)


def start_totp_enrolment(session: Session, user_id: int, secret: str) -> None:
    """Keep a new secret, not yet enabled: it only counts once a code from it is confirmed."""
    session.execute(update(User).where(User.id == user_id, User.totp_enabled_at.is_(None))
                    .values(totp_secret=secret, totp_last_step=None))


def use_totp_step(session: Session, user_id: int, step: int, *, enable: bool = False) -> bool:
    """Record ``step`` as the last accepted code's, if no later or equal one was accepted.

    One conditional UPDATE, so two requests racing with the same code cannot both win: the
    second finds the step already taken and is refused. ``enable`` also turns TOTP on.
    """
    values: dict[str, object] = {"totp_last_step": step}
    if enable:
        values["totp_enabled_at"] = utcnow()
    result = session.execute(
        update(User)
        .where(User.id == user_id, User.totp_secret.is_not(None),
               User.totp_last_step.is_(None) | (User.totp_last_step < step))
        .values(**values))
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


def clear_totp(session: Session, user_id: int) -> None:
    """Second factor off (the user disabled it, or an admin reset it for a lost phone)."""
    session.execute(update(User).where(User.id == user_id)
                    .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None))


def set_role_and_active(session: Session, *, user: User, role: str, active: bool) -> None:
    """Change an account's role or whether it may sign in (the caller ends its sessions)."""
    user.role, user.active = role, active
    session.flush()


PROFILE_FIELDS = ("handout_name", "phone", "profession")


def update_profile(session: Session, *, user: User, handout_name: str, phone: str,
                   profession: str) -> dict[str, dict[str, str]]:
    """Set a user's profile; what changed, as {field: {"from": old, "to": new}} for the
    audit log (empty when nothing did)."""
    new = {"handout_name": handout_name, "phone": phone, "profession": profession}
    changed = {f: {"from": getattr(user, f), "to": v} for f, v in new.items()
               if getattr(user, f) != v}
    for field, value in new.items():
        setattr(user, field, value)
    session.flush()
    return changed
