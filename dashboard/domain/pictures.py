"""Pictures of plan parts as pages and papers name them: by the content hash of the bytes.

One address per picture, ``/pictures/<sha256>`` (served by dashboard/handout/pictures.py):
it never changes what it shows, so a browser may keep it for a year, and a handout's HTML
names exactly the pictures it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

PICTURES_PATH = "/pictures/"


@dataclass(frozen=True)
class PictureRef:
    """What a page needs to show a part's picture: where it is and the words describing it."""

    url: str
    alt: str


def picture_url(sha256: str) -> str:
    return f"{PICTURES_PATH}{sha256}"


def picture_ref(sha256: str | None, alt: str) -> PictureRef | None:
    """A part's picture for a page, or None if it has none.

    Pass a plan item's ``picture_sha256`` and ``picture_alt`` (the picture it was given
    with, never today's catalogue) and write ``<img src="{{ ref.url }}" alt="{{ ref.alt }}">``.
    """
    return PictureRef(picture_url(sha256), alt) if sha256 else None
