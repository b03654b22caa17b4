"""Retention: the clinic's setting, and the records kept past it (clients archived, or
whose latest episode is discharged, with no activity for longer than the setting). A day
the client logged at home counts as activity, like a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.models import CareSession, Client, Episode, HomeLogEntry, User
from dashboard.domain.privacy import last_activity, retention_ends

DEFAULT_YEARS = 8


def retention_years(session: Session) -> int:
    clinic = get_clinic(session)
    return clinic.retention_years if clinic and clinic.retention_years else DEFAULT_YEARS


@dataclass(frozen=True)
class RetentionRow:
    id: int
    full_name: str
    practitioner: str
    archived: bool
    discharged_on: dt.date | None
    last_session_on: dt.date | None
    last_activity: dt.date
    kept_until: dt.date


def records_past_retention(session: Session, today: dt.date,
                           years: int | None = None) -> list[RetentionRow]:
    """Clients (never erased ones) archived or discharged whose last activity (latest of
    last session, discharge and archiving; the record's creation if none) is more than
    ``years`` ago, longest overdue first."""
    years = years or retention_years(session)
    last_session = (select(CareSession.client_id, func.max(CareSession.session_on).label("on"))
                    .group_by(CareSession.client_id).subquery())
    last_home_log = (select(HomeLogEntry.client_id,
                            func.max(HomeLogEntry.log_on).label("on"))
                     .group_by(HomeLogEntry.client_id).subquery())
    episodes = (select(Episode.client_id,
                       func.max(Episode.ended_on).label("ended"),
                       func.count(Episode.id).label("n"),
                       func.count(Episode.ended_on).label("n_ended"))
                .group_by(Episode.client_id).subquery())
    discharged = (episodes.c.n > 0) & (episodes.c.n == episodes.c.n_ended)
    rows = session.execute(
        select(Client.id, Client.given_name, Client.family_name, User.name, Client.archived,
               Client.archived_on, Client.created_at, episodes.c.ended, discharged,
               last_session.c.on, last_home_log.c.on)
        .join(User, User.id == Client.practitioner_id)
        .outerjoin(episodes, episodes.c.client_id == Client.id)
        .outerjoin(last_session, last_session.c.client_id == Client.id)
        .outerjoin(last_home_log, last_home_log.c.client_id == Client.id)
        .where(Client.erased_at.is_(None), or_(Client.archived.is_(True), discharged))).all()
    result = []
    for cid, given, family, who, archived, archived_on, created, ended, is_discharged, \
            session_on, home_log_on in rows:
        discharged_on = ended if is_discharged else None
        last = last_activity(session_on, discharged_on, archived_on,
                             home_log_on) or created.date()
        kept_until = retention_ends(last, years)
        if kept_until < today:
            result.append(RetentionRow(cid, f"{given} {family}", who, archived, discharged_on,
                                       session_on, last, kept_until))
    return sorted(result, key=lambda r: (r.kept_until, r.id))
