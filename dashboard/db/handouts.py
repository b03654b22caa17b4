"""Handouts: the data a handout shows (from a plan version's own copy of the wording), and
the record of each handout given. Laying them out is dashboard/handout/documents.py, which
calls these; nothing here renders."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.models import Client, HandoutRecord, PlanVersion, User
from dashboard.db.plans import current_version, get_version
from dashboard.db.summary import current_episode
from dashboard.domain.adherence import prescribed_days
from dashboard.domain.dates import format_day_long
from dashboard.domain.dose import Dose, ceiling_note, describe_dose
from dashboard.domain.handout import HandoutData, HandoutPart, HandoutStrategy
from dashboard.domain.home_log import link_qr_svg
from dashboard.domain.ids import parse_id
from dashboard.domain.pictures import picture_ref
from dashboard.domain.plans import goal_wording
from dashboard.domain.users import printed_contact


class NoPlan(LookupError):
    """The client has no plan (or no such version) to print."""


def plan_version_for(session: Session, client: Client, version: int | None) -> PlanVersion:
    episode = current_episode(session, client.id)
    if episode is None:
        raise NoPlan("The client has no episode of care yet.")
    plan = current_version(session, episode.id) if version is None else \
        get_version(session, episode.id, version)
    if plan is None:
        raise NoPlan("There is no plan to print yet." if version is None
                     else f"There is no plan version {version}.")
    return plan


def handout_data(session: Session, client: Client, plan: PlanVersion, *,
                 own_link: str = "") -> HandoutData:
    """What the handout says: the plan version's own wording and pictures, never today's
    catalogue; ``own_link``, the client's live link to their own page, printed with its QR
    code."""
    clinic = get_clinic(session)
    practitioner = session.get(User, client.practitioner_id)
    strategies: dict[str, list[HandoutPart]] = {}
    for item in plan.items:
        dose = Dose.from_columns(item)
        strategies.setdefault(item.strategy_name, []).append(HandoutPart(
            item.part_name, item.instructions, describe_dose(dose),
            item.cautions, picture_ref(item.picture_sha256, item.picture_alt),
            ticked=prescribed_days(item.dose_kind, item.days_per_week) is not None,
            ceiling_note=ceiling_note(dose, item.max_minutes, item.over_ceiling_reason)))
    goals = tuple(goal_wording(g.description, g.pain_target)
                  + (f" by {format_day_long(g.target_on)}" if g.target_on else "")
                  for g in plan.goals)
    contact = printed_contact(practitioner.profession, practitioner.phone,
                              practitioner.email) if practitioner else ""
    return HandoutData(
        clinic_name=clinic.name if clinic else "", clinic_phone=clinic.phone if clinic else "",
        clinic_address=clinic.address if clinic else "",
        client_first_name=client.given_name,
        practitioner_name=practitioner.printed_name if practitioner else "",
        practitioner_contact=contact, given_on=plan.effective_on, plan_version=plan.version,
        strategies=tuple(HandoutStrategy(name, tuple(parts))
                         for name, parts in strategies.items()),
        notes=plan.notes, goals=goals, review_days=plan.review_interval_days,
        crisis_line_text=clinic.crisis_line_text if clinic else "",
        own_link=own_link, own_link_qr=link_qr_svg(own_link) if own_link else "",
    )


def earlier_pdf(session: Session, *, client_id: int, html_sha256: str) -> bytes | None:
    """A PDF already laid out from exactly this HTML for this client, if there is one."""
    return session.scalar(select(HandoutRecord.pdf).where(
        HandoutRecord.client_id == client_id, HandoutRecord.html_sha256 == html_sha256)
        .limit(1))


def record_handout(session: Session, *, client_id: int, plan_version_id: int, page_size: str,
                   html_sha256: str, pdf: bytes, user_id: int | None,
                   given: bool = True, red_flag_override: str = "") -> HandoutRecord:
    """Keep a laid-out handout: given to the client (who, when, the PDF, its SHA-256, the
    practitioner's reason when an urgent red flag was open), or, with ``given=False``, laid
    out ahead of time for the download that usually follows."""
    record = HandoutRecord(client_id=client_id, plan_version_id=plan_version_id,
                           created_by_id=user_id, page_size=page_size,
                           sha256=hashlib.sha256(pdf).hexdigest(), html_sha256=html_sha256,
                           size_bytes=len(pdf), pdf=pdf, given=given,
                           red_flag_override=red_flag_override)
    session.add(record)
    session.flush()
    return record


def active_clients_with_plans(session: Session, practitioner_id: int
                              ) -> tuple[list[Client], list[Client]]:
    """A practitioner's active clients whose open episode has a plan, by name; and, apart,
    those with an urgent red flag open (no handout is given them in a batch: giving one
    needs a reason for each, on their own page)."""
    clients = session.scalars(select(Client).where(
        Client.practitioner_id == practitioner_id, Client.archived.is_(False))
        .order_by(Client.family_name, Client.given_name, Client.id))
    result: list[Client] = []
    flagged: list[Client] = []
    for client in clients:
        try:
            plan_version_for(session, client, None)
        except NoPlan:
            continue
        (flagged if client.episode_state == "flagged" else result).append(client)
    return result, flagged


def handout_filename(client: Client, version: int) -> str:
    safe = "".join(ch for ch in client.given_name if ch.isalnum()) or "client"
    return f"home-care-plan-{safe}-v{version}.pdf"


@dataclass(frozen=True)
class HandoutRow:
    id: int
    created_at: dt.datetime
    version: int
    by: str
    sha256: str
    size_bytes: int
    red_flag_override: str = ""  # given while an urgent red flag was open: the reason


def handout_history(session: Session, client_id: int, limit: int = 20) -> list[HandoutRow]:
    rows = session.execute(
        select(HandoutRecord.id, HandoutRecord.created_at, PlanVersion.version, User.name,
               HandoutRecord.sha256, HandoutRecord.size_bytes, HandoutRecord.red_flag_override)
        .join(PlanVersion, PlanVersion.id == HandoutRecord.plan_version_id)
        .outerjoin(User, User.id == HandoutRecord.created_by_id)
        .where(HandoutRecord.client_id == client_id, HandoutRecord.given.is_(True))
        .order_by(HandoutRecord.created_at.desc()).limit(limit)).all()
    return [HandoutRow(i, at, v, by or "command line", sha, size, override)
            for i, at, v, by, sha, size, override in rows]


def get_handout_pdf(session: Session, handout_id: object, client_id: int) -> bytes | None:
    handout_id = parse_id(handout_id)
    if handout_id is None:
        return None
    return session.scalar(select(HandoutRecord.pdf).where(
        HandoutRecord.id == handout_id, HandoutRecord.client_id == client_id,
        HandoutRecord.given.is_(True)))
