"""Handout routes: the on-screen preview (prints the same from the browser), the PDF, and
re-downloading a handout exactly as it was given. Each checks who asks, on the server."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import (
    attachment,
    client_ip,
    current_db,
    lay_out_handout_elsewhere,
    own_link_url,
)
from dashboard.db.handouts import (
    NoPlan,
    earlier_pdf,
    get_handout_pdf,
    handout_data,
    handout_filename,
    plan_version_for,
)
from dashboard.db.summary import RedFlagOpen
from dashboard.domain.ids import parse_id
from dashboard.handout.documents import (
    PreparedHandout,
    prepare_handout,
    record_given,
    render_prepared,
)
from dashboard.handout.render import PAGE_SIZES, render_html

blueprint = Blueprint("handout", __name__)


def _args() -> tuple[int | None, str]:
    """The plan version (the current one when absent) and the paper size asked for."""
    raw = request.values.get("version")
    version = parse_id(raw) if raw else None
    if raw and version is None:
        abort(404)  # a version the app never links to
    size = request.values.get("size", "a4")
    return version, size if size in PAGE_SIZES else "a4"


@blueprint.get("/clients/<id:client_id>/handout.html")
def preview(client_id: int) -> Response:
    user = require_user()
    version, size = _args()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
            plan = plan_version_for(db, client, version)
        except (AccessDenied, NoPlan):
            abort(404)
        html = render_html(handout_data(db, client, plan,
                                        own_link=own_link_url(db, client.id)), size)
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="handout_previewed", entity="plan_version",
                     entity_id=plan.id, client_id=client.id, ip=client_ip())
    return Response(html, mimetype="text/html")


@blueprint.post("/clients/<id:client_id>/handout.pdf")
def download(client_id: int) -> Response:
    """Gives the handout: records it as given, so only a POST from the app's own page (the
    cross-site guard in auth/guards.py) does it; a GET from anywhere is 405. While an urgent
    red flag is open it needs the practitioner's reason (``red_flag_override``), else 409
    with the message and nothing given."""
    user = require_user()
    version, size = _args()
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
            prepared = prepare_handout(db, client=client, version=version, page_size=size,
                                       own_link=own_link_url(db, client.id),
                                       red_flag_reason=request.form.get("red_flag_override"))
        except (AccessDenied, NoPlan):
            abort(404)
        except RedFlagOpen as exc:
            return Response(str(exc), status=409, mimetype="text/plain")
        filename = handout_filename(client, prepared.version)
    # Laid out with no transaction open: by a worker if there is one (this host's CPU
    # stays with its requests), else here.
    pdf = prepared.earlier_pdf or _laid_out_by_a_worker(prepared) or render_prepared(prepared)
    # The response first: a handout is recorded as given only once it can be sent.
    response = attachment(pdf, "application/pdf", filename)
    with current_db().begin() as db:
        given_handout = record_given(db, prepared, pdf, user.id)
        record_audit(db, user_id=user.id, action="handout_given", entity="handout",
                     entity_id=given_handout.id, client_id=client_id, ip=client_ip(),
                     detail={"sha256": given_handout.sha256, "version": given_handout.version})
        if given_handout.red_flag_override:
            record_audit(db, user_id=user.id, action="red_flag_overridden", entity="handout",
                         entity_id=given_handout.id, client_id=client_id, ip=client_ip(),
                         detail={"for": "handout_given",
                                 "reason": given_handout.red_flag_override})
    return response


def _laid_out_by_a_worker(prepared: PreparedHandout) -> bytes | None:
    """The PDF a worker laid out for this download, from the database; None if no worker
    did, or it laid out other HTML (the plan or the link changed meanwhile)."""
    laid_out = lay_out_handout_elsewhere(prepared.client_id, prepared.version,
                                         prepared.page_size)
    if laid_out is None or laid_out != prepared.html_sha256:
        return None
    with current_db().read() as db:
        return earlier_pdf(db, client_id=prepared.client_id, html_sha256=laid_out)


@blueprint.get("/clients/<id:client_id>/handouts/<id:handout_id>.pdf")
def given(client_id: int, handout_id: int) -> Response:
    """Exactly the PDF that was given, byte for byte."""
    user = require_user()
    with current_db().begin() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        pdf = get_handout_pdf(db, handout_id, client.id)
        if pdf is None:
            abort(404)
        record_audit(db, user_id=user.id, action="handout_redownloaded", entity="handout",
                     entity_id=handout_id, client_id=client.id, ip=client_ip())
    return attachment(pdf, "application/pdf", f"handout-{handout_id}.pdf")
