"""What a handout says, as plain data: the clinic, the client's first name, the plan
version's own wording and doses by strategy, its goals and notes. The data layer fills it
in (db/handouts.handout_data); dashboard/handout/render.py lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.domain.pictures import PictureRef


@dataclass(frozen=True)
class HandoutPart:
    name: str
    instructions: str
    dose: str
    cautions: str
    picture: PictureRef | None = None
    ticked: bool = True  # a row on the week's tracker (not for advice with no days)
    # A dose past the part's safe ceiling: the usual limit and the practitioner's reason.
    ceiling_note: str = ""


@dataclass(frozen=True)
class HandoutStrategy:
    name: str
    parts: tuple[HandoutPart, ...]


@dataclass(frozen=True)
class HandoutData:
    clinic_name: str
    clinic_phone: str
    clinic_address: str
    client_first_name: str
    practitioner_name: str
    practitioner_contact: str
    given_on: dt.date
    plan_version: int
    strategies: tuple[HandoutStrategy, ...]
    notes: str
    goals: tuple[str, ...]
    review_days: int
    crisis_line_text: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # The client's live link to their own page, printed with its QR code when there is one.
    own_link: str = ""
    own_link_qr: str = ""
