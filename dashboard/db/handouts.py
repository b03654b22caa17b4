"""Handouts: the data a handout shows (from a plan version's own copy of the wording), and
the record of each handout given."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.models import Client, HandoutRecord, PlanVersion, User
from dashboard.db.pictures import PictureFile, pictures_by_hash
from dashboard.db.plans import current_version, get_version
from dashboard.db.summary import current_episode, red_flag_override
from dashboard.domain.adherence import prescribed_days
from dashboard.domain.dose import Dose, ceiling_note, describe_dose
from dashboard.domain.home_log import link_qr_svg
from dashboard.domain.ids import parse_id
from dashboard.domain.pictures import picture_ref
from dashboard.domain.plans import goal_wording
from dashboard.domain.users import printed_contact
from dashboard.handout.render import (
    HandoutData,
    HandoutPart,
    HandoutStrategy,
    html_to_pdf,
    render_document,
    render_html,
    write_documents,
)


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
                  + (f" by {g.target_on:%-d %B %Y}" if g.target_on else "") for g in plan.goals)
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


@dataclass(frozen=True)
class GivenHandout:
    id: int
    version: int
    sha256: str
    pdf: bytes
    reused: bool
    red_flag_override: str = ""  # given while an urgent red flag was open: the reason


@dataclass(frozen=True)
class PreparedHandout:
    """A handout ready to print: its HTML, and an identical earlier PDF if there is one, or
    else the pictures it prints (the HTML names them by content hash)."""

    client_id: int
    plan_version_id: int
    version: int
    page_size: str
    html: str
    html_sha256: str
    earlier_pdf: bytes | None
    pictures: Mapping[str, PictureFile] = field(default_factory=dict)
    # Given while an urgent red flag was open: the practitioner's reason ('' else).
    red_flag_override: str = ""


def prepare_handout(session: Session, *, client: Client, version: int | None,
                    page_size: str, own_link: str = "", red_flag_reason: object = None,
                    to_give: bool = True, laid_out_anyway: bool = False) -> PreparedHandout:
    """Read what the handout says (a read: no lock is held while the PDF is laid out).
    ``laid_out_anyway``: the caller lays the document out even when an identical PDF exists
    (a batch joins the laid-out documents into one file), so it needs the pictures too.

    A handout to give while the client's urgent red flag is open is refused (RedFlagOpen)
    unless ``red_flag_reason`` gives the practitioner's reason; ``to_give=False`` lays one
    out ahead of time for the cache, which gives nothing to anyone."""
    override = red_flag_override(session, current_episode(session, client.id),
                                 red_flag_reason, "handout_given") if to_give else ""
    plan = plan_version_for(session, client, version)
    html = render_html(handout_data(session, client, plan, own_link=own_link), page_size)
    html_sha = hashlib.sha256(html.encode()).hexdigest()
    earlier = session.scalar(select(HandoutRecord.pdf).where(
        HandoutRecord.client_id == client.id, HandoutRecord.html_sha256 == html_sha).limit(1))
    # The pictures are read only when the PDF must be laid out: the HTML names them by
    # hash, so an identical earlier PDF already holds the same pictures.
    pictures = {} if earlier and not laid_out_anyway else pictures_by_hash(
        session, (i.picture_sha256 for i in plan.items))
    return PreparedHandout(client.id, plan.id, plan.version, page_size, html, html_sha, earlier,
                           pictures, override)


def render_prepared(prepared: PreparedHandout) -> bytes:
    """The PDF: the identical earlier one if any, else laid out now (outside any transaction)."""
    return prepared.earlier_pdf or html_to_pdf(prepared.html, prepared.pictures)


def prerender_current(database: Any, client_id: int, page_size: str = "a4") -> None:
    """Lay out the client's current handout ahead of time (run in a thread after a plan is
    saved), so the download that usually follows finds it ready. A cache, keyed by the exact
    HTML: if anything changes, the download lays out afresh."""
    with database.read() as db:
        client = db.get(Client, client_id)
        if client is None:
            return
        try:
            prepared = prepare_handout(db, client=client, version=None, page_size=page_size,
                                       to_give=False)
        except NoPlan:
            return
    if prepared.earlier_pdf is not None:
        return
    pdf = html_to_pdf(prepared.html, prepared.pictures)
    with database.begin() as db:
        db.add(HandoutRecord(client_id=prepared.client_id,
                             plan_version_id=prepared.plan_version_id, created_by_id=None,
                             page_size=page_size, sha256=hashlib.sha256(pdf).hexdigest(),
                             html_sha256=prepared.html_sha256, size_bytes=len(pdf), pdf=pdf,
                             given=False))


def record_given(session: Session, prepared: PreparedHandout, pdf: bytes,
                 user_id: int | None) -> GivenHandout:
    """Record the handout as given: client, plan version, who, when, the PDF, its SHA-256."""
    record = HandoutRecord(client_id=prepared.client_id, plan_version_id=prepared.plan_version_id,
                           created_by_id=user_id, page_size=prepared.page_size,
                           sha256=hashlib.sha256(pdf).hexdigest(),
                           html_sha256=prepared.html_sha256, size_bytes=len(pdf), pdf=pdf,
                           red_flag_override=prepared.red_flag_override)
    session.add(record)
    session.flush()
    return GivenHandout(record.id, prepared.version, record.sha256, pdf,
                        prepared.earlier_pdf is not None, prepared.red_flag_override)


def make_handout(session: Session, *, client: Client, version: int | None, page_size: str,
                 user_id: int | None, own_link: str = "",
                 red_flag_reason: object = None) -> GivenHandout:
    """Prepare, render and record in one transaction: for the command line and tests, where
    nobody else waits on the lock. The web routes run the three steps apart."""
    prepared = prepare_handout(session, client=client, version=version, page_size=page_size,
                               own_link=own_link, red_flag_reason=red_flag_reason)
    return record_given(session, prepared, render_prepared(prepared), user_id)


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


def prepare_batch(session: Session, *, clients: list[Client], page_size: str,
                  own_links: Mapping[int, str] | None = None) -> list[PreparedHandout]:
    """Each client's handout, with their live link (``own_links``, by client id) printed as
    on a handout downloaded one at a time."""
    links = own_links or {}
    return [prepare_handout(session, client=c, version=None, page_size=page_size,
                            own_link=links.get(c.id, ""), laid_out_anyway=True)
            for c in clients]


def render_batch(prepared: list[PreparedHandout],
                 progress: Callable[[int, int], None]) -> tuple[list[bytes], bytes]:
    """Each handout's own PDF and all of them in one file; no database, no lock held."""
    documents, singles = [], []
    for done, item in enumerate(prepared, start=1):
        document = render_document(item.html, item.pictures)
        singles.append(document.write_pdf(pdf_tags=True))
        documents.append(document)
        progress(done, len(prepared))
    return singles, (write_documents(documents) if documents else b"")


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
