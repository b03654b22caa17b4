"""A handout laid out and kept: the plan version's content (db/handouts.handout_data) as
HTML, laid out as a tagged PDF with no transaction open, then recorded as given
(db/handouts.record_handout). The web routes run the three steps apart, so no database lock
is held while WeasyPrint works."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dashboard.db.client_links import live_link_url
from dashboard.db.clients import client_by_id
from dashboard.db.handouts import (
    NoPlan,
    earlier_pdf,
    handout_data,
    plan_version_for,
    record_handout,
)
from dashboard.db.models import Client, utcnow
from dashboard.db.pictures import PictureFile, pictures_by_hash
from dashboard.db.summary import current_episode, red_flag_override
from dashboard.handout.render import html_to_pdf, render_document, render_html, write_documents


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
    earlier = earlier_pdf(session, client_id=client.id, html_sha256=html_sha)
    # The pictures are read only when the PDF must be laid out: the HTML names them by
    # hash, so an identical earlier PDF already holds the same pictures.
    pictures = {} if earlier and not laid_out_anyway else pictures_by_hash(
        session, (i.picture_sha256 for i in plan.items))
    return PreparedHandout(client.id, plan.id, plan.version, page_size, html, html_sha, earlier,
                           pictures, override)


def render_prepared(prepared: PreparedHandout) -> bytes:
    """The PDF: the identical earlier one if any, else laid out now (outside any transaction)."""
    return prepared.earlier_pdf or html_to_pdf(prepared.html, prepared.pictures)


def lay_out_ahead(database: Any, client_id: int, *, secret_key: str, base_url: str,
                  version: int | None = None, page_size: str = "a4") -> str | None:
    """Lay out the client's handout (``version``: a plan version's number, the current one
    when None) away from the download: ahead of time, after a plan is saved or the client's
    link changes, so the download that usually follows finds it ready; or on a Celery
    worker while a download on a web host waits for it (jobs.py). A cache, keyed by the
    exact HTML: if anything changes, the download lays out afresh. So it prints what the
    download would: the client's live link, at ``base_url`` (the address the app was asked
    at, as the download sees it), derived with ``secret_key``.

    Returns the SHA-256 of the HTML now laid out (whether by this call or already), which
    is all a waiting download needs to find the PDF; None when there is no such plan."""
    with database.read() as db:
        client = client_by_id(db, client_id=client_id)
        if client is None:
            return None
        own_link = live_link_url(db, client_id=client_id, secret_key=secret_key,
                                 base_url=base_url, now=utcnow())
        try:
            prepared = prepare_handout(db, client=client, version=version,
                                       page_size=page_size, own_link=own_link, to_give=False)
        except NoPlan:
            return None
    if prepared.earlier_pdf is None:
        pdf = html_to_pdf(prepared.html, prepared.pictures)
        with database.begin() as db:
            record_handout(db, client_id=prepared.client_id,
                           plan_version_id=prepared.plan_version_id, page_size=page_size,
                           html_sha256=prepared.html_sha256, pdf=pdf, user_id=None,
                           given=False)
    return prepared.html_sha256


def record_given(session: Session, prepared: PreparedHandout, pdf: bytes,
                 user_id: int | None) -> GivenHandout:
    """Record the handout as given: client, plan version, who, when, the PDF, its SHA-256."""
    record = record_handout(session, client_id=prepared.client_id,
                            plan_version_id=prepared.plan_version_id,
                            page_size=prepared.page_size, html_sha256=prepared.html_sha256,
                            pdf=pdf, user_id=user_id,
                            red_flag_override=prepared.red_flag_override)
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
