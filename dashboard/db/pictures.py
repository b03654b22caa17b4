"""Pictures of catalogue parts, stored once by content hash (see models.Picture)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.db.models import Picture, StrategyPart
from dashboard.domain.catalogue import content_hash
from dashboard.domain.pictures import CleanPicture


@dataclass(frozen=True)
class PictureFile:
    """A picture's bytes and type, as a handout or the picture route needs them."""

    sha256: str
    media_type: str
    data: bytes


def store_picture(session: Session, *, data: bytes, media_type: str,
                  width: int | None = None, height: int | None = None,
                  user_id: int | None = None) -> str:
    """Keep the picture (once: the same bytes are the same row) and return its hash."""
    sha = content_hash(data)
    if session.get(Picture, sha) is not None:
        return sha
    try:
        # Two hosts storing the same new picture at once: the second insert meets the
        # first's primary key and finds the picture there, which is all it wanted.
        with session.begin_nested():
            session.add(Picture(sha256=sha, media_type=media_type, width=width, height=height,
                                size_bytes=len(data), data=data, created_by_id=user_id))
    except IntegrityError:
        if session.get(Picture, sha) is None:
            raise
    return sha


def get_picture(session: Session, sha256: object) -> PictureFile | None:
    if not isinstance(sha256, str) or len(sha256) != 64:
        return None
    row = session.execute(select(Picture.media_type, Picture.data)
                          .where(Picture.sha256 == sha256.lower())).first()
    return PictureFile(sha256.lower(), row.media_type, row.data) if row else None


def pictures_by_hash(session: Session, hashes: Iterable[str | None]) -> dict[str, PictureFile]:
    """The pictures named, in one query (a handout's, a batch's)."""
    wanted = {h for h in hashes if h}
    if not wanted:
        return {}
    rows = session.execute(select(Picture.sha256, Picture.media_type, Picture.data)
                           .where(Picture.sha256.in_(wanted)))
    return {sha: PictureFile(sha, media_type, data) for sha, media_type, data in rows}


def set_part_picture(session: Session, *, part_id: int, picture: CleanPicture, alt: str,
                     user_id: int) -> StrategyPart | None:
    """Give a catalogue part the clinic's own picture (already cleaned) and its words.

    Plans from now on are given this picture; plans already given keep theirs. The part's
    revision goes up as for any edit, and the catalogue's drawing never comes back over it.
    """
    part = session.get(StrategyPart, part_id)
    if part is None:
        return None
    part.picture_sha256 = store_picture(session, data=picture.data,
                                        media_type=picture.media_type, width=picture.width,
                                        height=picture.height, user_id=user_id)
    part.picture_alt, part.picture_from_catalogue = alt, False
    part.revision += 1
    session.flush()
    return part


def part_picture(session: Session, part_id: int) -> tuple[str | None, str] | None:
    """(picture hash, its words) of a catalogue part, or None if there is no such part."""
    row = session.execute(select(StrategyPart.picture_sha256, StrategyPart.picture_alt)
                          .where(StrategyPart.id == part_id)).first()
    return (row.picture_sha256, row.picture_alt) if row else None
