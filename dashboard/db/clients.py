"""Client queries: lists filtered, sorted and paginated in SQL, never in pandas."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression

from dashboard.db.access import visible_clients
from dashboard.db.models import Client, ClientShare, Episode, User
from dashboard.domain.access import CurrentUser
from dashboard.domain.episodes import ACTIVE_CARE_STATES
from dashboard.domain.outcomes import FILTER_LABELS, RECOVERED
from dashboard.domain.text import search_words

SORTS = {
    "name": (Client.family_name, Client.given_name, Client.id),
    "last_session": (Client.last_session_on.desc(), Client.id),
    "pain": (Client.latest_pain.desc(), Client.id),
    "due": (Client.next_due_on, Client.id),
}


@dataclass(frozen=True)
class ClientFilters:
    search: str = ""
    archived: bool = False
    status: str | None = None
    episode_state: str | None = None
    # The current episode's questionnaires: a FILTER_LABELS key of dashboard.domain.outcomes.
    questionnaires: str | None = None
    due_only: bool = False
    # Leave out the clients the home page lists for attention (due or worsening), so its
    # last list holds the others and nobody is listed twice.
    not_due_or_worse: bool = False
    practitioner_id: int | None = None
    sort: str = "name"
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class ClientRow:
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    practitioner_name: str
    last_session_on: dt.date | None
    baseline_pain: int | None
    latest_pain: int | None
    status: str
    next_due_on: dt.date | None
    archived: bool
    episode_state: str = "open"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_matches(text: str, *, word_starts: bool = False) -> list[ColumnElement[bool]]:
    """The one name search (client list, cover search, audit log): each word typed must be
    in the client's folded name; ``word_starts``: must start one of its words."""
    conditions = []
    for word in search_words(text):
        pattern = escape_like(word)
        if word_starts:
            conditions.append(or_(Client.search_name.like(f"{pattern}%", escape="\\"),
                                  Client.search_name.like(f"% {pattern}%", escape="\\")))
        else:
            conditions.append(Client.search_name.like(f"%{pattern}%", escape="\\"))
    return conditions


def _filter_conditions(filters: ClientFilters, today: dt.date) -> list[ColumnElement[bool]]:
    """What ``filters`` asks of a client beyond the rows every list starts from."""
    # Each word anywhere in the name, accents and case aside ("an" finds Daniel, "Zoë"
    # finds Zoe and "zoe" Zoë, "Taylor, Zoe" works).
    conditions = name_matches(filters.search)
    if filters.status or filters.due_only:
        conditions.append(Client.episode_state.in_(ACTIVE_CARE_STATES))
    if filters.status:
        conditions.append(Client.status == filters.status)
    if filters.episode_state:
        conditions.append(Client.episode_state == filters.episode_state)
    if filters.questionnaires == RECOVERED:
        conditions.append(Client.recovered.is_(True))
    elif filters.questionnaires in FILTER_LABELS:
        conditions.append(Client.reliable_change == filters.questionnaires)
    if filters.due_only:
        conditions.append(Client.next_due_on <= today)
    if filters.not_due_or_worse:
        conditions.append(or_(
            Client.episode_state.not_in(ACTIVE_CARE_STATES),
            and_(or_(Client.next_due_on.is_(None), Client.next_due_on > today),
                 Client.status != "worsening")))
    if filters.practitioner_id:
        conditions.append(Client.practitioner_id == filters.practitioner_id)
    return conditions


def _listed(user: CurrentUser, archived: bool) -> list[ColumnElement[bool]]:
    """The rows every list starts from: clients this user may see, archived or not."""
    # Erased clients are tombstones: never listed, whatever the filter.
    return [visible_clients(user), Client.archived.is_(archived), Client.erased_at.is_(None)]


def client_list_query(user: CurrentUser, filters: ClientFilters, today: dt.date) -> Select:
    return (select(Client.id, Client.given_name, Client.family_name, Client.date_of_birth,
                   User.name, Client.last_session_on, Client.baseline_pain,
                   Client.latest_pain, Client.status, Client.next_due_on, Client.archived,
                   Client.episode_state)
            .join(User, User.id == Client.practitioner_id)
            .where(*_listed(user, filters.archived), *_filter_conditions(filters, today)))


def list_clients(
    session: Session, user: CurrentUser, filters: ClientFilters, today: dt.date
) -> tuple[list[ClientRow], int]:
    """One page of the clients this user may see, and how many match in all."""
    query = client_list_query(user, filters, today)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return client_page(session, user, filters, today), total


def client_page(session: Session, user: CurrentUser, filters: ClientFilters,
                today: dt.date) -> list[ClientRow]:
    """One page of the clients this user may see, without the count."""
    page = max(1, filters.page)
    rows = session.execute(
        client_list_query(user, filters, today)
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
        .limit(filters.page_size).offset((page - 1) * filters.page_size)).all()
    return [ClientRow(*row) for row in rows]


# The home page's two statements are built once per process for each role and set of lists,
# with the caller and the day as parameters (immutable SQL, no data): made afresh on every
# request, the four lists' union and its subqueries took longer to build than to run.
_VIEWER = cast(int, bindparam("viewer_id", type_=Integer))
_TODAY = cast(dt.date, bindparam("today", type_=Date))


def _viewer(role: str) -> CurrentUser:
    """A caller of this role whose id is the parameter ``viewer_id``."""
    return CurrentUser(id=_VIEWER, email="", name="", role=role, login_session_id=0,
                       token="")


@functools.lru_cache(maxsize=16)
def _first_pages_query(role: str, filters: tuple[ClientFilters, ...]) -> Select:
    """Each list's first page is its top rows (ORDER BY ... LIMIT: the database keeps only
    those while it reads), ranked afterwards by the same sort. Ranked before the limit, an
    admin's lists numbered every client of the clinic: 160 ms at ten times its size."""
    parts = []
    for number, f in enumerate(filters):
        sort = SORTS.get(f.sort, SORTS["name"])
        top = (client_list_query(_viewer(role), f, _TODAY)
               .add_columns(literal(number).label("list_number"))
               .order_by(*sort).limit(f.page_size).subquery())
        rank = func.row_number().over(order_by=[_sorted_by(top, key) for key in sort])
        parts.append(select(top, rank.label("list_rank")))
    lists = union_all(*parts).subquery()
    return select(lists).order_by(lists.c.list_number, lists.c.list_rank)


def _sorted_by(rows: Any, key: Any) -> Any:
    """A sort key of SORTS (a client's column, or its .desc()) on that column of ``rows``."""
    if isinstance(key, UnaryExpression):
        return rows.c[key.element.key].desc()
    return rows.c[key.key]


@functools.lru_cache(maxsize=16)
def _count_query(role: str, filters: tuple[ClientFilters, ...]) -> Select:
    return select(*[func.count().filter(and_(true(), *_filter_conditions(f, _TODAY)))
                    for f in filters]).select_from(Client).where(
                        *_listed(_viewer(role), False))


def first_pages(session: Session, user: CurrentUser, filters: dict[str, ClientFilters],
                today: dt.date) -> dict[str, list[ClientRow]]:
    """The first page of each of several lists, in one query (UNION ALL, each list ranked by
    its own sort): the home page's four sections in one round trip instead of four. The
    same rows, in the same order, as ``client_page`` gives each."""
    assert not any(f.search for f in filters.values())  # a fixed set of lists: cached
    rows = session.execute(_first_pages_query(user.role, tuple(filters.values())),
                           {"viewer_id": user.id, "today": today}).all()
    pages: dict[str, list[ClientRow]] = {key: [] for key in filters}
    keys = list(filters)
    for row in rows:
        *values, number, _rank = row
        pages[keys[number]].append(ClientRow(*values))
    return pages


def count_clients(session: Session, user: CurrentUser, filters: dict[str, ClientFilters],
                  today: dt.date) -> dict[str, int]:
    """How many clients each of several lists holds (not archived), in one pass over the
    clients this user may see: the home page's sections counted in one query, not one
    query each (on PostgreSQL each is a round trip)."""
    assert not any(f.archived or f.search for f in filters.values())  # one starting set
    counts = session.execute(_count_query(user.role, tuple(filters.values())),
                             {"viewer_id": user.id, "today": today}).one()
    return {key: counts[i] or 0 for i, key in enumerate(filters)}


def find_duplicates(
    session: Session, user: CurrentUser, *, given_name: str, family_name: str,
    date_of_birth: dt.date, exclude_id: int | None = None,
) -> list[int]:
    """Clients this user may see with the same name and date of birth."""
    query = select(Client.id).where(
        visible_clients(user), Client.erased_at.is_(None),
        func.lower(Client.given_name) == given_name.lower(),
        func.lower(Client.family_name) == family_name.lower(),
        Client.date_of_birth == date_of_birth)
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return list(session.scalars(query))


def create_client(
    session: Session, *, given_name: str, family_name: str, date_of_birth: dt.date,
    email: str, phone: str, practitioner_id: int, today: dt.date,
) -> Client:
    """A new client with an open episode of care starting today."""
    client = Client(given_name=given_name, family_name=family_name, date_of_birth=date_of_birth,
                    email=email, phone=phone, practitioner_id=practitioner_id,
                    status="not_enough_data", next_due_on=today)
    session.add(client)
    session.flush()
    session.add(Episode(client_id=client.id, started_on=today, reason=""))
    session.flush()
    return client


def set_archived(client: Client, archived: bool, today: dt.date) -> None:
    """Archive or restore; the archive date starts the retention clock (see retention.py)."""
    client.archived = archived
    client.archived_on = today if archived else None


def practitioner_name(session: Session, user_id: int) -> str:
    return session.scalar(select(User.name).where(User.id == user_id)) or ""


def shared_with(session: Session, client_id: int) -> list[tuple[int, str]]:
    return [(uid, name) for uid, name in session.execute(
        select(User.id, User.name).join(ClientShare, ClientShare.practitioner_id == User.id)
        .where(ClientShare.client_id == client_id).order_by(User.name))]


def share_client(session: Session, client_id: int, practitioner_id: int) -> bool:
    """Share with a second practitioner; False if already shared."""
    exists = session.scalar(select(ClientShare.id).where(
        ClientShare.client_id == client_id, ClientShare.practitioner_id == practitioner_id))
    if exists:
        return False
    session.add(ClientShare(client_id=client_id, practitioner_id=practitioner_id))
    session.flush()
    return True


def unshare_client(session: Session, client_id: int, practitioner_id: int) -> None:
    session.execute(delete(ClientShare).where(ClientShare.client_id == client_id,
                                              ClientShare.practitioner_id == practitioner_id))


def reassign_client(session: Session, *, client: Client, practitioner_id: int) -> int:
    """Make another practitioner responsible (no longer merely shared with them); returns
    the practitioner who was."""
    previous = client.practitioner_id
    client.practitioner_id = practitioner_id
    unshare_client(session, client.id, practitioner_id)
    return previous


def update_client(session: Session, *, client: Client, values: dict[str, object]) -> list[str]:
    """Change a client's details; the names of the fields that changed."""
    changed = sorted(k for k, v in values.items() if getattr(client, k) != v)
    for key, value in values.items():
        setattr(client, key, value)
    session.flush()
    return changed


def client_by_id(session: Session, *, client_id: int | None) -> Client | None:
    """Any client, erased ones too; the caller has checked the id and who is asking."""
    return session.get(Client, client_id) if client_id is not None else None
