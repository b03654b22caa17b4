"""The practitioner's side of a client's own link: show it (address, QR code, expiry),
make a new one, end it; and the measures the client completes there at home. Plain Flask
pages reached from the client's page; every step checks on the server who asks, and is
audited (never with the token)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, redirect, render_template, request
from sqlalchemy.orm import Session

from dashboard.auth.access import AccessDenied, CurrentUser, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.client_page.links import link_url, qr_svg, short_link
from dashboard.context import (
    client_ip,
    clinic_today,
    current_db,
    current_settings,
    lay_out_handout_ahead,
)
from dashboard.db.client_links import (
    NoOpenEpisode,
    clinic_link_days,
    create_link,
    live_link,
    revoke_links,
)
from dashboard.db.measures import (
    assigned_measures,
    home_results,
    own_activities,
    set_assignments,
)
from dashboard.db.models import utcnow
from dashboard.db.summary import current_episode
from dashboard.domain.home_log import clean_link_days
from dashboard.domain.measures import (
    ASSIGNABLE,
    ASSIGNABLE_NAMES,
    HOME_FUNCTION,
    NOT_ASSIGNED,
    clean_frequencies,
    frequencies_for,
)
from dashboard.domain.questionnaires import INSTRUMENTS

blueprint = Blueprint("client_links", __name__, template_folder="templates")

MESSAGES = {
    "created": "A new link is ready. Any earlier link of this client no longer opens.",
    "revoked": "The link has ended. It opens nothing any more.",
}


def _page(client_id: int, *, error: str = "", days_error: str = "", days: str = "",
          status: int = 200) -> Response:
    user = require_user()
    settings = current_settings()
    now = utcnow()
    with current_db().begin() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        link = live_link(db, client_id=client.id, secret_key=settings.secret_key, now=now)
        default_days = clinic_link_days(db)
        record_audit(db, user_id=user.id, action="client_link_shown", entity="client_link",
                     entity_id=link.id if link else None, client_id=client.id,
                     ip=client_ip())
        name = f"{client.given_name} {client.family_name}"
    url = link_url(settings, link.token) if link and link.token else ""
    html = render_template(
        "link.html", client_id=client_id, client_name=name, link=link, url=url,
        short=short_link(url) if url else "", qr=qr_svg(url) if url else "",
        expires=link.expires_at.astimezone(settings.tz) if link else None,
        last_used=link.last_used_at.astimezone(settings.tz)
        if link and link.last_used_at else None,
        message=MESSAGES.get(request.args.get("done", ""), ""), error=error,
        days=days or str(default_days), days_error=days_error)
    return Response(html, status=status, mimetype="text/html")


@blueprint.get("/clients/<id:client_id>/link")
def show(client_id: int) -> Response:
    return _page(client_id)


@blueprint.post("/clients/<id:client_id>/link")
def change(client_id: int) -> Response:
    user = require_user()
    action = request.form.get("action")
    if action not in ("create", "revoke"):
        return _page(client_id, error="Choose to make a new link or to end the link.",
                     status=400)
    days = None
    if action == "create":
        raw_days = request.form.get("days", "")
        days, problem = clean_link_days(raw_days)
        if problem:
            return _page(client_id, days_error=problem, days=raw_days[:10], status=400)
    now = utcnow()
    try:
        with current_db().begin() as db:
            _change(db, user, client_id, action=action, days=days, now=now)
    except AccessDenied:
        abort(404)
    except NoOpenEpisode as exc:  # rolled back: nothing was written
        return _page(client_id, error=str(exc), status=400)
    lay_out_handout_ahead(client_id)  # the handout prints the link (or no longer does)
    done = "revoked" if action == "revoke" else "created"
    return redirect(f"/clients/{client_id}/link?done={done}", code=303)  # type: ignore[return-value]


def _change(db: Session, user: CurrentUser, client_id: int, *, action: str, days: int | None,
            now: dt.datetime) -> None:
    client = authorize_client(db, user, client_id)
    if action == "revoke":
        ended = revoke_links(db, client_id=client.id, user_id=user.id, now=now)
        record_audit(db, user_id=user.id, action="client_link_revoked", entity="client_link",
                     entity_id=ended[-1] if ended else None, client_id=client.id,
                     ip=client_ip(), detail={"links": ended})
        return
    link = create_link(db, client_id=client.id, secret_key=current_settings().secret_key,
                       user_id=user.id, now=now, days=days)
    record_audit(db, user_id=user.id, action="client_link_created", entity="client_link",
                 entity_id=link.id, client_id=client.id, ip=client_ip(),
                 detail={"days": days, "expires_at": link.expires_at.isoformat()})


# --- Measures the client completes at home ------------------------------------------------

NO_ACTIVITIES = ("The client has no activities to rate yet: name them at a session "
                 "(Function, PSFS) first.")


class NoActivities(Exception):
    """PSFS at home asked for a client with no activities of their own to rate."""


def _measures_page(client_id: int, *, chosen: dict[str, str] | None = None,
                   problems: dict[str, str] | None = None, error: str = "",
                   status: int = 200) -> Response:
    user = require_user()
    with current_db().begin() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        episode = current_episode(db, client.id)
        open_id = episode.id if episode is not None and episode.ended_on is None else None
        open_episode = open_id is not None
        assigned = assigned_measures(db, episode_id=open_id) if open_id is not None else {}
        results = home_results(db, episode_id=open_id) if open_id is not None else []
        record_audit(db, user_id=user.id, action="measures_viewed", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip())
        name = f"{client.given_name} {client.family_name}"
    current = {key: assigned[key].every if key in assigned else NOT_ASSIGNED
               for key in ASSIGNABLE}
    measures = [(key, INSTRUMENTS[key].name if key in INSTRUMENTS else ASSIGNABLE_NAMES[key],
                 frequencies_for(key)) for key in ASSIGNABLE]
    html = render_template(
        "measures.html", client_id=client_id, client_name=name, open_episode=open_episode,
        measures=measures, not_assigned=NOT_ASSIGNED, chosen=chosen or current,
        problems=problems or {}, error=error, results=results,
        saved=request.args.get("done") == "saved")
    return Response(html, status=status, mimetype="text/html")


@blueprint.get("/clients/<id:client_id>/measures")
def measures(client_id: int) -> Response:
    return _measures_page(client_id)


@blueprint.post("/clients/<id:client_id>/measures")
def assign_measures(client_id: int) -> Response:
    """Assign, change or stop the client's home measures. The client comes from the
    address and is checked against the caller; nothing else of the form names a record."""
    user = require_user()
    chosen, problems = clean_frequencies(request.form)
    shown = {key: request.form.get(f"every-{key}", NOT_ASSIGNED)[:10] for key in ASSIGNABLE}
    if problems:
        return _measures_page(client_id, chosen=shown, problems=problems, status=400)
    try:
        with current_db().begin() as db:
            client = authorize_client(db, user, client_id)
            episode = current_episode(db, client.id)
            if episode is None or episode.ended_on is not None:
                raise NoOpenEpisode("The client has no open episode of care: open one first.")
            if chosen.get(HOME_FUNCTION, NOT_ASSIGNED) != NOT_ASSIGNED and not own_activities(
                    db, client_id=client.id):
                raise NoActivities(NO_ACTIVITIES)
            changes = set_assignments(db, client_id=client.id, episode_id=episode.id,
                                      chosen=chosen, user_id=user.id, today=clinic_today(),
                                      now=utcnow())
            if changes:
                record_audit(db, user_id=user.id, action="measures_assigned",
                             entity="episode", entity_id=episode.id, client_id=client.id,
                             ip=client_ip(), detail={k: {"before": b, "after": a}
                                                     for k, (b, a) in changes.items()})
    except AccessDenied:
        abort(404)
    except NoOpenEpisode as exc:  # rolled back: nothing was written
        return _measures_page(client_id, error=str(exc), status=400)
    except NoActivities as exc:  # rolled back: nothing was written
        return _measures_page(client_id, chosen=shown, problems={HOME_FUNCTION: str(exc)},
                              status=400)
    return redirect(f"/clients/{client_id}/measures?done=saved", code=303)  # type: ignore[return-value]
