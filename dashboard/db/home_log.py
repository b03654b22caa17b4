"""The client's daily log between visits: what their page shows, saving a day, and what
practitioners (progress, the session form, home, the client's copy, FHIR) read of it."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from dashboard.db.access import visible_clients
from dashboard.db.models import (
    Client,
    Clinic,
    Goal,
    HomeLogEntry,
    HomeLogTick,
    PlanItem,
    PlanVersion,
    User,
)
from dashboard.db.rows import episode_param
from dashboard.domain.access import CurrentUser
from dashboard.domain.dates import format_day_long
from dashboard.domain.dose import LIMITS, Dose, ceiling_note, describe_dose
from dashboard.domain.home_log import (
    LOG_DAYS,
    DayLog,
    HomeEntry,
    HomePoint,
    adherence_since_last_session,
    home_pain_rose,
    is_tickable,
    loggable_days,
)
from dashboard.domain.pictures import PictureRef, picture_ref
from dashboard.domain.progress import AdherenceRecord


@dataclass(frozen=True)
class PagePart:
    id: int
    name: str
    dose: str
    instructions: str
    cautions: str
    tickable: bool
    picture: PictureRef | None = None  # the picture the plan was given with
    ceiling_note: str = ""  # a dose past the part's safe ceiling: the limit and the reason


@dataclass(frozen=True)
class PageStrategy:
    name: str
    parts: tuple[PagePart, ...]


@dataclass(frozen=True)
class LoggedDay:
    log_on: dt.date
    pain: int | None
    stress: int | None
    done_item_ids: frozenset[int]


@dataclass(frozen=True)
class ClientPageData:
    """Everything the client's own page shows; nothing else of the record is read."""

    first_name: str
    practitioner_name: str
    clinic_name: str
    clinic_phone: str
    crisis_line_text: str
    strategies: tuple[PageStrategy, ...]
    goals: tuple[str, ...]
    days: tuple[LoggedDay, ...]  # today first, then the six days before (empty if not logged)

    @property
    def tickable_ids(self) -> frozenset[int]:
        return frozenset(p.id for s in self.strategies for p in s.parts if p.tickable)


# The page and its saves read the plan as plain rows, not ORM objects: a client's page is
# the busiest request in the product (every client, every day), and loading the plan version
# with its items and goals as entities cost more CPU than everything else on the page.
_DOSE_COLUMNS = (PlanItem.dose_kind, *(getattr(PlanItem, name) for name in LIMITS))
_PAGE_ITEM_COLUMNS = (PlanItem.id, PlanItem.strategy_name, PlanItem.part_name,
                      PlanItem.instructions, PlanItem.cautions, PlanItem.picture_sha256,
                      PlanItem.picture_alt, PlanItem.max_minutes, PlanItem.over_ceiling_reason,
                      *_DOSE_COLUMNS)


def _current_plan_id(episode_id: int) -> ScalarSelect[int]:
    """The episode's current plan version (its newest), as ``plans.current_version``."""
    return (select(PlanVersion.id).where(PlanVersion.episode_id == episode_id)
            .order_by(PlanVersion.version.desc()).limit(1).scalar_subquery())


def tickable_item_ids(session: Session, episode_id: int) -> frozenset[int]:
    """The parts of the episode's current plan that the client may tick."""
    return frozenset(row.id for row in session.execute(
        select(PlanItem.id, *_DOSE_COLUMNS)
        .where(PlanItem.plan_version_id == _current_plan_id(episode_id)))
        if is_tickable(Dose.from_columns(row)))


def logged_days(session: Session, *, episode_id: int, start: dt.date,
                end: dt.date) -> dict[dt.date, LoggedDay]:
    """The days logged between ``start`` and ``end``, with their ticks (one query)."""
    found: dict[dt.date, tuple[int | None, int | None, set[int]]] = {}
    for log_on, pain, stress, item_id in session.execute(
            select(HomeLogEntry.log_on, HomeLogEntry.pain, HomeLogEntry.stress,
                   HomeLogTick.plan_item_id)
            .outerjoin(HomeLogTick, HomeLogTick.entry_id == HomeLogEntry.id)
            .where(HomeLogEntry.episode_id == episode_id, HomeLogEntry.log_on >= start,
                   HomeLogEntry.log_on <= end)):
        day = found.setdefault(log_on, (pain, stress, set()))
        if item_id is not None:
            day[2].add(item_id)
    return {log_on: LoggedDay(log_on, pain, stress, frozenset(done))
            for log_on, (pain, stress, done) in found.items()}


def client_page_data(session: Session, *, client_id: int, episode_id: int,
                     today: dt.date) -> ClientPageData | None:
    """What the page shows, in five small queries; None if the client is gone (the link was
    found live a moment ago, in the same transaction, so only a race could get here)."""
    person = session.execute(
        select(Client.given_name, User.handout_name, User.name)
        .outerjoin(User, User.id == Client.practitioner_id)
        .where(Client.id == client_id)).first()
    if person is None:
        return None
    clinic = session.execute(select(Clinic.name, Clinic.phone, Clinic.crisis_line_text)
                             .order_by(Clinic.id).limit(1)).first()
    plan_id = _current_plan_id(episode_id)
    strategies: dict[str, list[PagePart]] = {}
    for item in session.execute(select(*_PAGE_ITEM_COLUMNS)
                                .where(PlanItem.plan_version_id == plan_id)
                                .order_by(PlanItem.position)):
        dose = Dose.from_columns(item)
        strategies.setdefault(item.strategy_name, []).append(PagePart(
            item.id, item.part_name, describe_dose(dose), item.instructions,
            item.cautions, is_tickable(dose),
            picture_ref(item.picture_sha256, item.picture_alt),
            ceiling_note(dose, item.max_minutes, item.over_ceiling_reason)))
    goals = tuple(description + (f" by {format_day_long(target_on)}" if target_on else "")
                  for description, target_on in session.execute(
                      select(Goal.description, Goal.target_on)
                      .where(Goal.plan_version_id == plan_id).order_by(Goal.id)))
    days = loggable_days(today)
    logged = logged_days(session, episode_id=episode_id, start=days[-1], end=days[0])
    given_name, handout_name, account_name = person
    return ClientPageData(
        first_name=given_name,
        # The practitioner's printed name (``User.printed_name``): the profile's, else the
        # account's.
        practitioner_name=handout_name or account_name or "",
        clinic_name=clinic.name if clinic else "",
        clinic_phone=clinic.phone if clinic else "",
        crisis_line_text=clinic.crisis_line_text if clinic else "",
        strategies=tuple(PageStrategy(name, tuple(parts)) for name, parts in strategies.items()),
        goals=goals,
        days=tuple(logged.get(d, LoggedDay(d, None, None, frozenset())) for d in days))


def save_day(session: Session, *, client_id: int, episode_id: int, link_id: int | None,
             day: DayLog, now: dt.datetime) -> tuple[int, bool]:
    """Write the day's entry (a second save of the same day replaces the first) and its
    ticks. The caller has checked every part id against ``tickable_item_ids``. Returns the
    entry's id and whether it was new. Plain statements, not the unit of work: this runs
    inside the write lock, once for every client's every save."""
    entry_id = session.scalar(select(HomeLogEntry.id).where(
        HomeLogEntry.episode_id == episode_id, HomeLogEntry.log_on == day.log_on))
    values = {"pain": day.pain, "stress": day.stress, "link_id": link_id}
    created = entry_id is None
    if entry_id is None:
        entry_id = session.execute(
            insert(HomeLogEntry).values(episode_id=episode_id, client_id=client_id,
                                        log_on=day.log_on, source="client", created_at=now,
                                        **values)
            .returning(HomeLogEntry.id)).scalar_one()
    else:
        session.execute(update(HomeLogEntry).where(HomeLogEntry.id == entry_id)
                        .values(updated_at=now, **values))
        session.execute(delete(HomeLogTick).where(HomeLogTick.entry_id == entry_id))
    if day.done_item_ids:  # one executemany, not an INSERT ... RETURNING per tick
        session.execute(insert(HomeLogTick), [
            {"entry_id": entry_id, "plan_item_id": item_id}
            for item_id in sorted(day.done_item_ids)])
    return entry_id, created


# --- What practitioners read -------------------------------------------------------------

def home_entries(session: Session, *, client_id: int,
                 episode_id: int | None = None) -> list[HomeEntry]:
    """Every day the client logged at home (one episode, or all of theirs), oldest first,
    with the names of the parts ticked: for progress, the client's copy and the FHIR
    export (each entry is reported by the client, ``source`` says so)."""
    query = (select(HomeLogEntry.id, HomeLogEntry.log_on, HomeLogEntry.pain,
                    HomeLogEntry.stress, HomeLogEntry.source)
             .where(HomeLogEntry.client_id == client_id)
             .order_by(HomeLogEntry.log_on, HomeLogEntry.id))
    if episode_id is not None:
        query = query.where(HomeLogEntry.episode_id == episode_id)
    entries = session.execute(query).all()
    names: dict[int, list[str]] = defaultdict(list)
    if entries:
        for entry_id, name in session.execute(
                select(HomeLogTick.entry_id, PlanItem.part_name)
                .join(PlanItem, PlanItem.id == HomeLogTick.plan_item_id)
                .where(HomeLogTick.entry_id.in_([e.id for e in entries]))
                .order_by(PlanItem.position)):
            names[entry_id].append(name)
    return [HomeEntry(e.log_on, e.pain, e.stress, tuple(names[e.id]), e.source)
            for e in entries]


def tick_days_by_item(session: Session, *, episode_id: int, start: dt.date,
                      end: dt.date) -> dict[int, set[dt.date]]:
    """For each plan part, the days between ``start`` and ``end`` the client ticked it."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for item_id, log_on in session.execute(
            select(HomeLogTick.plan_item_id, HomeLogEntry.log_on)
            .join(HomeLogEntry, HomeLogEntry.id == HomeLogTick.entry_id)
            .where(HomeLogEntry.episode_id == episode_id, HomeLogEntry.log_on >= start,
                   HomeLogEntry.log_on <= end)):
        days[item_id].add(log_on)
    return days


@dataclass(frozen=True)
class HomeSummary:
    days_logged: int  # of the last 7 days, today included
    latest_home_pain: int | None  # the latest pain logged after the last session


def home_summaries(session: Session, *, client_ids: list[int],
                   today: dt.date) -> dict[int, HomeSummary]:
    """Per client: days logged in the last 7, and the latest home pain given after their
    last session (for the rise flag on home). One query for the whole list."""
    if not client_ids:
        return {}
    start = today - dt.timedelta(days=6)
    counts = dict(session.execute(
        select(HomeLogEntry.client_id, func.count(HomeLogEntry.id))
        .where(HomeLogEntry.client_id.in_(client_ids), HomeLogEntry.log_on >= start,
               HomeLogEntry.log_on <= today)
        .group_by(HomeLogEntry.client_id)).all())
    latest: dict[int, int] = {}
    for cid, pain in session.execute(
            select(HomeLogEntry.client_id, HomeLogEntry.pain)
            .join(Client, Client.id == HomeLogEntry.client_id)
            .where(HomeLogEntry.client_id.in_(client_ids), HomeLogEntry.pain.is_not(None),
                   HomeLogEntry.log_on > func.coalesce(Client.last_session_on,
                                                       dt.date(1900, 1, 1)))
            .order_by(HomeLogEntry.client_id, HomeLogEntry.log_on)):
        if pain is not None:  # (the query asks for pain given; this tells the type checker)
            latest[cid] = pain  # ordered by day: the last one wins
    return {cid: HomeSummary(counts.get(cid, 0), latest.get(cid)) for cid in client_ids}


@dataclass(frozen=True)
class HomeLogRow:
    """A client who logged at home in the last 7 days, for the practitioner's home page."""

    client_id: int
    client_name: str
    days_logged: int
    latest_home_pain: int | None
    last_session_pain: int | None

    @property
    def pain_rose(self) -> bool:
        return home_pain_rose(last_session_pain=self.last_session_pain,
                              home_pain=self.latest_home_pain)


def home_log_overview(session: Session, user: CurrentUser, *, today: dt.date,
                      limit: int = 50) -> list[HomeLogRow]:
    """Clients this user may see who logged at home in the last 7 days: on how many days,
    and whether their latest home pain since their last session is 2 or more above that
    session's. Rising pain first, then the most days logged."""
    start = today - dt.timedelta(days=LOG_DAYS - 1)
    recent = (select(HomeLogEntry.client_id, func.count(HomeLogEntry.id).label("n"))
              .where(HomeLogEntry.log_on >= start, HomeLogEntry.log_on <= today)
              .group_by(HomeLogEntry.client_id).subquery())
    rows = session.execute(
        select(Client.id, Client.given_name, Client.family_name, Client.latest_pain,
               recent.c.n)
        .join(recent, recent.c.client_id == Client.id)
        .where(visible_clients(user), Client.erased_at.is_(None),
               Client.archived.is_(False))
        .order_by(Client.family_name, Client.id).limit(limit)).all()
    summaries = home_summaries(session, client_ids=[r.id for r in rows], today=today)
    result = [HomeLogRow(r.id, f"{r.given_name} {r.family_name}", r.n,
                         summaries[r.id].latest_home_pain, r.latest_pain) for r in rows]
    return sorted(result, key=lambda r: (not r.pain_rose, -r.days_logged, r.client_name))


@functools.cache
def home_days_query() -> Select:
    """Built once per process (dashboard/db/rows.py): the progress view reads it each time."""
    return (select(HomeLogEntry.log_on, HomeLogEntry.pain, HomeLogEntry.stress)
            .where(HomeLogEntry.episode_id == episode_param())
            .order_by(HomeLogEntry.log_on))


def home_points_from(rows: Iterable[Any]) -> tuple[list[HomePoint], dt.date | None]:
    """The days the client gave a pain or stress score at home, oldest first, and the latest
    day they logged anything (ticks alone too), from the rows of ``home_days_query`` (read
    with the rest of progress at once)."""
    points, latest = [], None
    for on, pain, stress in rows:
        latest = on
        if pain is not None or stress is not None:
            points.append(HomePoint(on, pain, stress))
    return points, latest


def provisional_adherence(session: Session, *, episode_id: int,
                          last_session_on: dt.date | None,
                          latest: dt.date | None) -> list[AdherenceRecord]:
    """Adherence from the client's ticks for the days after the last session (the rule in
    ``domain.home_log.adherence_since_last_session``): one record per tickable part of the
    current plan, dated ``latest``, the latest day logged (``home_points_from``); none if
    nothing was logged since."""
    if latest is None or (last_session_on is not None and latest <= last_session_on):
        return []
    ticks = tick_days_by_item(session, episode_id=episode_id,
                              start=latest - dt.timedelta(days=LOG_DAYS - 1), end=latest)
    end, done = adherence_since_last_session(ticks, last_session_on=last_session_on,
                                             latest_log_on=latest)
    if end is None:
        return []
    return [AdherenceRecord(end, item.strategy_name, done.get(item.id, 0),
                            min(LOG_DAYS, item.days_per_week or LOG_DAYS))
            for item in session.execute(
                select(PlanItem.id, PlanItem.strategy_name, *_DOSE_COLUMNS)
                .where(PlanItem.plan_version_id == _current_plan_id(episode_id))
                .order_by(PlanItem.position))
            if is_tickable(Dose.from_columns(item))]
