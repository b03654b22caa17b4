"""Stopping email reminders from the link at the foot of every reminder, with no sign-in.

``GET /my/unsubscribe/<token>`` only asks (mail scanners open every link in a message and
must not unsubscribe anyone); the button posts to the same address, and so does a mail
program's own "Unsubscribe" button (RFC 8058 one-click: a POST from the mail provider's
server, without the browser's headers, which is why this one route is exempt from the
cross-site check: the token in the address is the only authority, no cookie is read).
The token names one message; withdrawing is recorded on the client's episodes and audited
as done by the client. Unknown tokens are counted and slowed down like unknown links.
"""

from __future__ import annotations

from flask import Response

from dashboard.auth.audit import record_audit
from dashboard.client_page.client import _headers, blueprint, render_template
from dashboard.context import client_ip, current_db
from dashboard.db.client_links import recent_link_failures, record_link_failure
from dashboard.db.clinic import get_clinic
from dashboard.db.models import utcnow
from dashboard.db.reminders import Unsubscribe, message_for_unsubscribe, unsubscribe
from dashboard.domain import throttle
from dashboard.domain.home_log import plausible_token
from dashboard.domain.reminders import UNSUBSCRIBE_PATH


def _find(token: str) -> tuple[Unsubscribe | None, str, int]:
    """(the message, the clinic's name, 0), or (None, "", seconds the address must wait)."""
    now, ip = utcnow(), client_ip()
    with current_db().read() as db:
        failures, last = recent_link_failures(db, ip=ip, since=now - throttle.WINDOW)
        wait = throttle.address_wait(failures, last, now)
        if wait:
            return None, "", wait
        found = message_for_unsubscribe(db, token) if plausible_token(token) else None
        clinic = get_clinic(db)
        name = clinic.name if clinic else ""
    if found is None:
        with current_db().begin() as db:
            record_link_failure(db, ip=ip, now=now)
    return found, name, 0


def _page(template: str, *, status: int = 200, **context: object) -> Response:
    return _headers(Response(render_template(template, **context), status=status,
                             mimetype="text/html"))


@blueprint.get(f"{UNSUBSCRIBE_PATH}<token>")
def unsubscribe_ask(token: str) -> Response:
    found, clinic_name, wait = _find(token)
    if found is None:
        return _page("my_ended.html", status=429 if wait else 404, wait=wait)
    return _page("my_unsubscribe.html", clinic_name=clinic_name, done=False,
                 action=f"{UNSUBSCRIBE_PATH}{token}")


@blueprint.post(f"{UNSUBSCRIBE_PATH}<token>", endpoint="unsubscribe_post")
def unsubscribe_confirm(token: str) -> Response:
    found, clinic_name, wait = _find(token)
    if found is None:
        return _page("my_ended.html", status=429 if wait else 404, wait=wait)
    with current_db().begin() as db:
        episodes = unsubscribe(db, found=found, now=utcnow())
        record_audit(db, user_id=None, action="email_consent_withdrawn", entity="episode",
                     entity_id=found.episode_id, client_id=found.client_id, ip=client_ip(),
                     detail={"by": "client", "via": "unsubscribe link",
                             "message": found.message_id, "episodes": episodes})
    return _page("my_unsubscribe.html", clinic_name=clinic_name, done=True, action="")
