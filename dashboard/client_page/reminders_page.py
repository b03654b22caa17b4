"""The practitioner's page for a client's email reminders (``/clients/<id>/reminders``):
whether email is set up, the client's consent (who recorded it and when, or who withdrew
it), recording consent given or withdrawn, and every reminder and alert notice sent about
the client with what became of it (sent, failed and tried again, bounced). Plain Flask like
the link and measures pages; the client comes from the address and is checked against the
caller; every view and change is audited."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request

from dashboard.auth.access import AccessDenied, authorize_client, require_user
from dashboard.auth.audit import record_audit
from dashboard.context import client_ip, current_db, current_settings
from dashboard.db.models import utcnow
from dashboard.db.reminders import (
    EmailConsent,
    client_emails,
    email_consent,
    reminders_switched_on,
    set_current_email_consent,
)
from dashboard.domain.reminders import NO_LOG_DAYS

blueprint = Blueprint("client_reminders", __name__, template_folder="templates")

ACTIONS = {"give": True, "withdraw": False}
KINDS = {"reminder": "Reminder to the client", "safety_alert": "Safety alert notice"}
REASONS = {"measure_due": "a questionnaire to do",
           "no_log": f"no day logged for {NO_LOG_DAYS} days"}
STATUSES = {"pending": "Waiting to be sent", "sending": "Being sent",
            "sent": "Sent", "failed": "Failed: tried again by the next run",
            "bounced": "Refused by the mail server (bounced)"}
MESSAGES = {"give": "Consent to email reminders is recorded.",
            "withdraw": "Consent to email reminders is withdrawn: no more reminders."}


def _page(client_id: int, *, error: str = "", status: int = 200) -> Response:
    user = require_user()
    settings = current_settings()
    with current_db().begin() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        consent = email_consent(db, client_id=client.id)
        emails = client_emails(db, client_id=client.id)
        switched_on = reminders_switched_on(db)
        record_audit(db, user_id=user.id, action="reminders_viewed", entity="client",
                     entity_id=client.id, client_id=client.id, ip=client_ip())
        name, address = f"{client.given_name} {client.family_name}", client.email
    html = render_template(
        "reminders.html", client_id=client_id, client_name=name, address=address,
        email_on=settings.smtp is not None, switched_on=switched_on, consent=consent,
        emails=emails, kinds=KINDS, reasons=REASONS, statuses=STATUSES, tz=settings.tz,
        no_log_days=NO_LOG_DAYS, error=error,
        message=MESSAGES.get(request.args.get("done", ""), ""))
    return Response(html, status=status, mimetype="text/html")


@blueprint.get("/clients/<id:client_id>/reminders")
def reminders(client_id: int) -> Response:
    return _page(client_id)


@blueprint.post("/clients/<id:client_id>/reminders")
def change_consent(client_id: int) -> Response:
    """Record the client's consent to email given or withdrawn, on their open episode."""
    user = require_user()
    action = request.form.get("action", "")
    if action not in ACTIONS:
        return _page(client_id, error="Choose to record consent or to withdraw it.",
                     status=400)
    with current_db().begin() as db:
        try:
            client = authorize_client(db, user, client_id)
        except AccessDenied:
            abort(404)
        consent = email_consent(db, client_id=client.id)
        error = _refusal(consent, give=ACTIONS[action], address=client.email)
        changed = None if error else set_current_email_consent(
            db, client_id=client.id, given=ACTIONS[action], user_id=user.id, now=utcnow())
        if changed is not None:
            record_audit(db, user_id=user.id,
                         action="email_consent_given" if ACTIONS[action]
                         else "email_consent_withdrawn", entity="episode",
                         entity_id=changed, client_id=client.id, ip=client_ip(),
                         detail={"by": "practitioner"})
    if error:  # nothing was written
        return _page(client_id, error=error, status=400)
    return redirect(f"/clients/{client_id}/reminders?done={action}", code=303)  # type: ignore[return-value]


def _refusal(consent: EmailConsent, *, give: bool, address: str) -> str:
    if consent.episode_id is None or not consent.open_episode:
        return "The client has no open episode of care: consent is recorded for an episode."
    if give and not address:
        return "Add the client's email address to their record first."
    return ""
