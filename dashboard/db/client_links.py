"""Client links: creating, revoking and finding the one live link of a client's episode.

The token is never stored: a link row keeps its SHA-256 (to find it) and a random seed
from which the app derives the token with its secret key (to show and print it again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.models import Client, ClientLink, ClientLinkFailure, Episode
from dashboard.db.summary import current_episode
from dashboard.domain.home_log import (
    DEFAULT_LINK_DAYS,
    client_link_url,
    link_expires_at,
    link_is_live,
    link_token,
    new_token_seed,
    token_hash,
)


class NoOpenEpisode(LookupError):
    """The client has no open episode of care to link to (none yet, or discharged)."""


@dataclass(frozen=True)
class LiveLink:
    """A live link as the practitioner's page and the handout show it."""

    id: int
    client_id: int
    episode_id: int
    token: str | None  # None when the secret key changed since it was made: make a new one
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None


def clinic_link_days(session: Session) -> int:
    clinic = get_clinic(session)
    return clinic.client_link_days if clinic and clinic.client_link_days else DEFAULT_LINK_DAYS


def _as_live(link: ClientLink, secret_key: str) -> LiveLink:
    token = link_token(secret_key, link.token_seed)
    return LiveLink(link.id, link.client_id, link.episode_id,
                    token if token_hash(token) == link.token_hash else None,
                    link.created_at, link.expires_at, link.last_used_at)


def create_link(session: Session, *, client_id: int, secret_key: str, user_id: int | None,
                now: dt.datetime, days: int | None = None) -> LiveLink:
    """A new link for the client's open episode; any earlier link of theirs is revoked in
    the same transaction (one live link per episode). The caller audits."""
    episode = current_episode(session, client_id)
    if episode is None or episode.ended_on is not None:
        raise NoOpenEpisode("The client has no open episode of care: open one first.")
    revoke_links(session, client_id=client_id, user_id=user_id, now=now)
    seed = new_token_seed()
    link = ClientLink(episode_id=episode.id, client_id=client_id,
                      token_hash=token_hash(link_token(secret_key, seed)), token_seed=seed,
                      created_at=now, created_by_id=user_id,
                      expires_at=link_expires_at(now, days or clinic_link_days(session)))
    session.add(link)
    session.flush()
    return _as_live(link, secret_key)


def revoke_links(session: Session, *, client_id: int, user_id: int | None,
                 now: dt.datetime) -> list[int]:
    """End every link of the client not yet revoked; the ids of those ended."""
    ids = list(session.scalars(select(ClientLink.id).where(
        ClientLink.client_id == client_id, ClientLink.revoked_at.is_(None))))
    if ids:
        session.execute(update(ClientLink).where(ClientLink.id.in_(ids))
                        .values(revoked_at=now, revoked_by_id=user_id))
    return ids


def live_link(session: Session, *, client_id: int, secret_key: str,
              now: dt.datetime) -> LiveLink | None:
    """The client's live link (not revoked, not expired, episode still open), if any."""
    row = session.execute(
        select(ClientLink, Episode.ended_on).join(Episode, Episode.id == ClientLink.episode_id)
        .where(ClientLink.client_id == client_id, ClientLink.revoked_at.is_(None))).first()
    if row is None:
        return None
    link, ended_on = row
    if not link_is_live(now=now, expires_at=link.expires_at, revoked=False,
                        episode_ended=ended_on is not None):
        return None
    return _as_live(link, secret_key)


def live_link_url(session: Session, *, client_id: int, secret_key: str, base_url: str,
                  now: dt.datetime) -> str:
    """The client's live link as the address they open (``base_url``: the app's), or ""."""
    link = live_link(session, client_id=client_id, secret_key=secret_key, now=now)
    return client_link_url(base_url, link.token) if link and link.token else ""


@dataclass(frozen=True)
class LinkAccess:
    """What a live token opens: one episode of one client, nothing else."""

    link_id: int
    client_id: int
    episode_id: int
    expires_at: dt.datetime


def link_for_token(session: Session, token: str, *, now: dt.datetime) -> LinkAccess | None:
    """The live link with this token, or None (unknown, revoked, expired, discharged,
    client archived or erased): the caller cannot tell which, nor can the client."""
    # Columns, not the ORM entity: every request of the client's page starts here.
    row = session.execute(
        select(ClientLink.id, ClientLink.client_id, ClientLink.episode_id,
               ClientLink.expires_at, ClientLink.revoked_at, Episode.ended_on,
               Client.archived, Client.erased_at)
        .join(Episode, Episode.id == ClientLink.episode_id)
        .join(Client, Client.id == ClientLink.client_id)
        .where(ClientLink.token_hash == token_hash(token))).first()
    if row is None:
        return None
    if row.archived or row.erased_at is not None or not link_is_live(
            now=now, expires_at=row.expires_at, revoked=row.revoked_at is not None,
            episode_ended=row.ended_on is not None):
        return None
    return LinkAccess(row.id, row.client_id, row.episode_id, row.expires_at)


def mark_used(session: Session, link_id: int, now: dt.datetime) -> None:
    session.execute(update(ClientLink).where(ClientLink.id == link_id)
                    .values(last_used_at=now))


def record_link_failure(session: Session, *, ip: str, now: dt.datetime) -> None:
    session.add(ClientLinkFailure(ip=ip[:64], at=now))


def recent_link_failures(session: Session, *, ip: str,
                         since: dt.datetime) -> tuple[int, dt.datetime | None]:
    count, last = session.execute(
        select(func.count(ClientLinkFailure.id), func.max(ClientLinkFailure.at))
        .where(ClientLinkFailure.ip == ip[:64], ClientLinkFailure.at >= since)).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return count or 0, last
