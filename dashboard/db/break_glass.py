"""Covering a colleague: the clinic-wide name search that finds a client who is not yours,
opening them with a reason (valid for the clinic's day), and the admins' list of openings.
Whether an opening lets someone in is decided in ``auth.access.authorize_client``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dashboard.db.clients import name_matches
from dashboard.db.models import BreakGlassAccess, Client, User
from dashboard.domain.access import CurrentUser
from dashboard.domain.privacy import SEARCH_LIMIT


@dataclass(frozen=True)
class CoverRow:
    """Only what is needed to pick the right person: nothing clinical."""

    id: int
    full_name: str
    date_of_birth: dt.date
    practitioner: str
    yours: bool


def find_clinic_clients(session: Session, user: CurrentUser, text: str,
                        limit: int = SEARCH_LIMIT) -> list[CoverRow]:
    """Clients across the clinic whose given or family names start with the words typed
    (erased clients never), by name; at most ``limit``."""
    query = (select(Client.id, Client.given_name, Client.family_name, Client.date_of_birth,
                    User.name, Client.practitioner_id)
             .join(User, User.id == Client.practitioner_id)
             .where(Client.erased_at.is_(None)))
    query = query.where(*name_matches(text, word_starts=True))
    rows = session.execute(query.order_by(Client.family_name, Client.given_name, Client.id)
                           .limit(limit)).all()
    return [CoverRow(cid, f"{given} {family}", dob, name, pid == user.id)
            for cid, given, family, dob, name, pid in rows]


def open_break_glass(session: Session, *, user_id: int, client_id: int, reason: str,
                     today: dt.date) -> BreakGlassAccess:
    """Record the opening; it lets this user in to this client until the clinic's day ends."""
    access = BreakGlassAccess(user_id=user_id, client_id=client_id, reason=reason,
                              valid_on=today)
    session.add(access)
    session.flush()
    return access


@dataclass(frozen=True)
class BreakGlassRow:
    id: int
    opened_at: dt.datetime
    valid_on: dt.date
    user: str
    client_id: int
    client_name: str
    practitioner: str
    reason: str


def list_break_glass(session: Session, *, page: int = 1,
                     page_size: int = 50) -> tuple[list[BreakGlassRow], int]:
    """Every opening, newest first: who, which client (and whose), why, when."""
    opener = aliased(User)
    owner = aliased(User)
    query = (select(BreakGlassAccess.id, BreakGlassAccess.opened_at, BreakGlassAccess.valid_on,
                    opener.name, opener.email, BreakGlassAccess.client_id, Client.given_name,
                    Client.family_name, owner.name, BreakGlassAccess.reason)
             .join(opener, opener.id == BreakGlassAccess.user_id)
             .join(Client, Client.id == BreakGlassAccess.client_id)
             .join(owner, owner.id == Client.practitioner_id))
    total = session.scalar(select(func.count(BreakGlassAccess.id))) or 0
    rows = session.execute(query.order_by(BreakGlassAccess.opened_at.desc(),
                                          BreakGlassAccess.id.desc())
                           .limit(page_size).offset((max(1, page) - 1) * page_size)).all()
    return [BreakGlassRow(i, at, on, f"{name} ({email})", cid, f"{given} {family}", whose,
                          reason)
            for i, at, on, name, email, cid, given, family, whose, reason in rows], total
