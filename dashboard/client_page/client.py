"""The client's own page: their plan and a daily log between visits, opened with the link
their practitioner gave them. No account, no Dash, no JavaScript: plain HTML forms.

The token is the only key. ``GET /my/<token>`` trades it for an HttpOnly, SameSite=Strict
cookie scoped to ``/my/`` and moves the browser on to the clean ``/my/``, so the token does
not stay in the address bar. Every request looks the token up again (revoked, expired or
discharged links end at once), and nothing the browser sends names a client, an episode or
a plan: they all come from the token's link. Unknown tokens are counted per address and
slowed down like failed logins. The audit log records every opening, view and save with
the link's id, never the token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, request
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from dashboard.auth.audit import record_audit
from dashboard.client_page.links import CLIENT_PATH
from dashboard.context import client_ip, clinic_today, current_db, current_settings
from dashboard.db.client_links import (
    LinkAccess,
    link_for_token,
    mark_used,
    recent_link_failures,
    record_link_failure,
)
from dashboard.db.home_log import ClientPageData, client_page_data, save_day, tickable_item_ids
from dashboard.db.measures import due_measures, own_activities
from dashboard.db.models import utcnow
from dashboard.domain import throttle
from dashboard.domain.dates import template_filters
from dashboard.domain.home_log import parse_day_log, plausible_token
from dashboard.domain.measures import HOME_FUNCTION
from dashboard.domain.questionnaires import INSTRUMENTS
from dashboard.handout import content
from dashboard.handout.render import TEMPLATES as PAPER_TEMPLATES

blueprint = Blueprint("client_page", __name__)
# The client's pages, and the safety section every paper for a client ends with (one
# template, so the page and the handout say the same). Autoescaped like Flask's own. The
# templates ship with the code: not looked at again on the disk for every page
# (auto_reload: a stat of each file, every render, on the busiest page there is).
PAGES = Environment(loader=ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                                         FileSystemLoader(PAPER_TEMPLATES)]),
                    autoescape=select_autoescape(["html"]), trim_blocks=True,
                    lstrip_blocks=True, auto_reload=False)
PAGES.filters.update(template_filters())


def render_template(name: str, **context: object) -> str:
    return PAGES.get_template(name).render(**context)

COOKIE = "client_link"


def _headers(response: Response) -> Response:
    # The page's address never leaves it (a tel: or printed link followed from here), and
    # it is never indexed or cached.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _ended(*, status: int = 404, wait: int = 0) -> Response:
    """The one page every unknown, expired, revoked or throttled link gets."""
    response = Response(render_template("my_ended.html", wait=wait), status=status,
                        mimetype="text/html")
    response.delete_cookie(COOKIE, path=CLIENT_PATH)
    return _headers(response)


def _look_up(db: Session, token: str | None, ip: str,
             now: dt.datetime) -> tuple[LinkAccess | None, int]:
    """In the caller's read: (the live link of this token, 0), or (None, seconds the address
    must still wait). While the address must wait, no token is even looked at."""
    failures, last = recent_link_failures(db, ip=ip, since=now - throttle.WINDOW)
    wait = throttle.address_wait(failures, last, now)
    if wait:
        return None, wait
    if not token or not plausible_token(token):
        return None, 0
    return link_for_token(db, token, now=now), 0


def _count_failure(ip: str, now: dt.datetime) -> None:
    """An unknown or ended token, counted against the address (the only write a stranger
    can cause: no audit entry, so the log cannot be flooded from outside)."""
    with current_db().begin() as db:
        record_link_failure(db, ip=ip, now=now)


def _live_link(token: str | None, now: dt.datetime) -> tuple[LinkAccess | None, int]:
    """The link this token opens, or (None, seconds to wait)."""
    ip = client_ip()
    with current_db().read() as db:
        access, wait = _look_up(db, token, ip, now)
    if access is None and not wait:
        _count_failure(ip, now)
    return access, wait


@blueprint.get(f"{CLIENT_PATH}<token>")
def open_link(token: str) -> Response:
    now = utcnow()
    access, wait = _live_link(token, now)
    if access is None:
        return _ended(status=429 if wait else 404, wait=wait)
    with current_db().begin() as db:
        mark_used(db, access.link_id, now)
        record_audit(db, user_id=None, action="client_link_opened", entity="client_link",
                     entity_id=access.link_id, client_id=access.client_id, ip=client_ip())
    # A page that moves on by itself (meta refresh, no script) rather than a 303: a
    # SameSite=Strict cookie set while following a link from another site (a webmail) is
    # not sent on a redirect of that same navigation, but it is on this page's own.
    response = Response(render_template("my_opening.html"), mimetype="text/html")
    response.set_cookie(COOKIE, token, path=CLIENT_PATH, httponly=True, samesite="Strict",
                        secure=current_settings().secure_cookies,
                        expires=access.expires_at)
    return _headers(response)


@dataclass(frozen=True)
class ToDo:
    """A measure due on the client's page: where it is, what it is, how long it is."""

    key: str
    name: str
    size: str


def _todo(db: Session, access: LinkAccess, today: dt.date) -> tuple[ToDo, ...]:
    todo = []
    for key in due_measures(db, episode_id=access.episode_id, today=today):
        if key == HOME_FUNCTION:
            count = len(own_activities(db, client_id=access.client_id))
            if count:  # nothing to rate: not shown
                todo.append(ToDo(key, "Your activities: how able you are today",
                                 f"{count} {'activity' if count == 1 else 'activities'} "
                                 "to rate"))
        else:
            instrument = INSTRUMENTS[key]
            todo.append(ToDo(key, instrument.name, f"{len(instrument.items)} questions"))
    return tuple(todo)


def _render(access: LinkAccess, data: ClientPageData, *, saved: dt.date | None = None,
            errors: dict[str, str] | None = None, error_day: dt.date | None = None,
            form: MultiDict | None = None, status: int = 200,
            todo: tuple[ToDo, ...] = ()) -> Response:
    html = render_template("my_page.html", page=data, todo=todo, today=data.days[0].log_on,
                           one_day=dt.timedelta(days=1), saved=saved, errors=errors or {},
                           error_day=error_day, form=form,
                           urgent=content.URGENT_CARE, soon=content.SEE_DOCTOR_SOON,
                           crisis_line_text=data.crisis_line_text,
                           not_a_replacement=content.NOT_A_REPLACEMENT,
                           expires=access.expires_at.astimezone(current_settings().tz).date())
    return _headers(Response(html, status=status, mimetype="text/html"))


@blueprint.get(CLIENT_PATH)
def page() -> Response:
    now, ip = utcnow(), client_ip()
    today = clinic_today()
    # One read for the throttle, the link and everything the page shows; the audit entry
    # is a short write of its own, so no write lock is held while the page is read.
    with current_db().read() as db:
        access, wait = _look_up(db, request.cookies.get(COOKIE), ip, now)
        data = client_page_data(db, client_id=access.client_id,
                                episode_id=access.episode_id, today=today) if access else None
        todo = _todo(db, access, today) if access else ()
    if access is None or data is None:
        if not wait:
            _count_failure(ip, now)
        return _ended(status=429 if wait else 404, wait=wait)
    with current_db().begin() as db:
        record_audit(db, user_id=None, action="client_page_viewed", entity="client_link",
                     entity_id=access.link_id, client_id=access.client_id, ip=ip)
    return _render(access, data, saved=_saved_day(request.args.get("saved", ""), today),
                   todo=todo)


def _saved_day(raw: str, today: dt.date) -> dt.date | None:
    """The day just saved (shown as "Saved"), read back from the address after a save."""
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else None
    except ValueError:
        return None
    return day if day and today - dt.timedelta(days=6) <= day <= today else None


@blueprint.post(CLIENT_PATH)
def save() -> Response:
    """Save one day. Cross-site posts are refused before this runs (auth/guards.py), and the
    Strict cookie is not sent with them anyway; nothing in the form is trusted."""
    now = utcnow()
    access, wait = _live_link(request.cookies.get(COOKIE), now)
    if access is None:
        return _ended(status=429 if wait else 404, wait=wait)
    today = clinic_today()
    form = request.form.copy()
    with current_db().begin() as db:
        allowed = tickable_item_ids(db, access.episode_id)
        day, errors = parse_day_log(form.to_dict(flat=False), today=today,
                                    tickable_item_ids=allowed)
        if day is None:
            record_audit(db, user_id=None, action="home_log_refused", entity="client_link",
                         entity_id=access.link_id, client_id=access.client_id,
                         ip=client_ip(), detail={"fields": sorted(errors)})
            data = client_page_data(db, client_id=access.client_id,
                                    episode_id=access.episode_id, today=today)
        else:
            entry_id, created = save_day(db, client_id=access.client_id,
                                         episode_id=access.episode_id,
                                         link_id=access.link_id, day=day, now=now)
            record_audit(db, user_id=None, action="home_log_saved", entity="home_log_entry",
                         entity_id=entry_id, client_id=access.client_id, ip=client_ip(),
                         detail={"day": day.log_on.isoformat(), "corrected": not created,
                                 "link": access.link_id})
    if day is None:
        if data is None:
            return _ended()
        error_day = _saved_day(form.get("day", ""), today)
        return _render(access, data, errors=errors, error_day=error_day, form=form,
                       status=400)
    response = Response(status=303, headers={
        "Location": f"{CLIENT_PATH}?saved={day.log_on.isoformat()}#saved"})
    return _headers(response)
