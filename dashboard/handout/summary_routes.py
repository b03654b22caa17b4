"""The discharge summary PDF of one episode, for the client or for the referrer.
Checked on the server like every client route; each download is audited."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import attachment, client_ip, current_db
from dashboard.db.episodes import EpisodeError, client_episode, discharge_summary_data
from dashboard.handout.discharge import AUDIENCES, render_summary_html, summary_filename
from dashboard.handout.render import html_to_pdf

blueprint = Blueprint("discharge_summary", __name__)


@blueprint.get("/clients/<id:client_id>/episodes/<id:episode_id>/summary.pdf")
def discharge_summary(client_id: int, episode_id: int) -> Response:
    user = require_user()
    audience = request.args.get("for", "client")
    if audience not in AUDIENCES:
        abort(404)
    with current_db().read() as db:
        try:
            client = authorize_client(db, user, client_id)
            episode = client_episode(db, client, episode_id)
            data = discharge_summary_data(db, client, episode, audience)
        except (AccessDenied, EpisodeError):
            abort(404)
    pdf = html_to_pdf(render_summary_html(data))  # laid out with no transaction open
    response = attachment(pdf, "application/pdf",
                          summary_filename(data.client_name, data.ended_on, audience))
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="discharge_summary_downloaded",
                     entity="episode", entity_id=episode_id, client_id=client_id,
                     ip=client_ip(), detail={"for": audience})
    return response
