"""Sending what the outbox holds: today's reminders to clients (``dashboard send-reminders``
from cron or a systemd timer, or the same run as a Celery task: jobs.py) and the
practitioners' notices of safety alerts (right after the client's answer is saved, through
the app's jobs, and again by every run for any that did not go).

Each message is claimed in its own committed transaction before it is sent and its result
recorded in another (db/reminders.py), so runs on several hosts, or overlapping runs, send
each reminder at most once a day. Nothing here holds state between runs but the database.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from dashboard.config import Settings
from dashboard.db.audit import record_audit
from dashboard.db.clinic import get_clinic
from dashboard.db.engine import Database
from dashboard.db.models import utcnow
from dashboard.db.reminders import (
    SENT,
    Claimed,
    ReminderDue,
    claim_notice,
    claim_reminder,
    notices_to_send,
    record_bounce,
    record_result,
    reminders_due,
    reminders_switched_on,
    settled_today,
)
from dashboard.domain.bounces import message_token, read_report
from dashboard.domain.home_log import client_link_url, link_token, token_hash
from dashboard.domain.reminders import (
    alert_letter,
    reminder_letter,
    unsubscribe_token,
    unsubscribe_url,
)
from dashboard.mail import Mailer, SendFailure, make_message

EMAIL_OFF = ("Email is not set up (SMTP_URL is not set): no reminders or notices are sent. "
             "See README, Email reminders.")


PUBLIC_URL_MISSING = ("PUBLIC_URL must be set: reminders carry the address clients open the "
                      "app at (https://care.your-clinic.org).")


class EmailOff(RuntimeError):
    """SMTP_URL (or PUBLIC_URL, which every reminder carries) is not set."""


@dataclass
class RunReport:
    """What one run did, for the command's output and the benchmark."""

    due: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    already: int = 0  # reminded today already (by this host or another), or given up
    notices_sent: int = 0
    notices_failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    switched_off: bool = False  # the clinic turned reminders off (notices still go)

    def summary(self) -> str:
        if self.switched_off:
            return (f"The clinic has turned email reminders off (Clinic details): none sent. "
                    f"Practitioners' notices: {self.notices_sent} sent, "
                    f"{self.notices_failed} failed.")
        return (f"Reminders: {self.due} due, {self.sent} sent, {self.failed} failed, "
                f"{self.bounced} bounced, {self.already} already done today. "
                f"Practitioners' notices: {self.notices_sent} sent, "
                f"{self.notices_failed} failed. {self.seconds:.1f} s.")


def _clinic_name(database: Database) -> str:
    with database.read() as session:
        clinic = get_clinic(session)
        return clinic.name if clinic else "Your clinic"


def _send(mailer: Mailer, database: Database, claimed: Claimed, message: EmailMessage,
          report: RunReport, *, audit_action: str, token: str) -> str:
    """Send a claimed message and record what became of it (and audit it)."""
    try:
        mailer.send(message, token=token)
        status, error = SENT, ""
    except SendFailure as failure:
        status, error = failure.status, failure.reason
        report.errors.append(error)
    with database.begin() as session:
        record_result(session, message_id=claimed.id, status=status, error=error,
                      now=utcnow())
        record_audit(session, user_id=None, action=f"{audit_action}_{status}",
                     entity="email_message", entity_id=claimed.id,
                     client_id=claimed.client_id,
                     detail={"by": "email", **({"error": error} if error else {})})
    return status


def deliver_notices(database: Database, settings: Settings, *, base_url: str,
                    message_ids: Sequence[int] | None = None,
                    report: RunReport | None = None, mailer: Mailer | None = None) -> RunReport:
    """Send practitioners' notices of safety alerts: those named, or every one still to go."""
    report = report or RunReport()
    if settings.smtp is None:
        return report
    with database.read() as session:
        ids = list(message_ids) if message_ids is not None else notices_to_send(
            session, now=utcnow())
    if not ids:
        return report
    clinic_name = _clinic_name(database)
    letter = alert_letter(clinic_name=clinic_name, app_url=base_url)
    own = mailer is None
    mailer = mailer or Mailer(settings.smtp)
    try:
        for message_id in ids:
            with database.begin() as session:
                claimed = claim_notice(session, message_id=message_id, now=utcnow())
            if claimed is None:
                continue
            token = message_token(settings.secret_key, claimed.id)
            message = make_message(settings.smtp, to=claimed.to_address, letter=letter,
                                   sender_name=clinic_name, token=token)
            status = _send(mailer, database, claimed, message, report,
                           audit_action="alert_notice", token=token)
            if status == SENT:
                report.notices_sent += 1
            else:
                report.notices_failed += 1
    finally:
        if own:
            mailer.close()
    return report


def _page_url(settings: Settings, due: ReminderDue) -> str | None:
    """The client's own link, made again from its seed; None if the secret key changed
    since it was made (the practitioner makes a new one)."""
    token = link_token(settings.secret_key, due.link_seed)
    if token_hash(token) != due.link_hash:
        return None
    return client_link_url(settings.public_url, token)


def send_reminders(database: Database, settings: Settings, *, today: dt.date) -> RunReport:
    """One run: the practitioners' notices still to go, then today's reminders."""
    if settings.smtp is None:
        raise EmailOff(EMAIL_OFF)
    started = time.perf_counter()
    report = RunReport()
    with Mailer(settings.smtp) as mailer:
        deliver_notices(database, settings, base_url=settings.public_url, report=report,
                        mailer=mailer)
        with database.read() as session:
            report.switched_off = not reminders_switched_on(session)
            due = [] if report.switched_off else reminders_due(
                session, today=today, now=utcnow(), tz=settings.tz)
            settled = settled_today(session, day=today)
        clinic_name = _clinic_name(database)
        report.due = len(due)
        for item in due:
            if item.client_id in settled:
                report.already += 1
                continue
            page_url = _page_url(settings, item)
            if page_url is None:
                report.due -= 1
                continue
            with database.begin() as session:
                claimed = claim_reminder(session, due=item, day=today,
                                         secret_key=settings.secret_key, now=utcnow())
            if claimed is None:
                report.already += 1
                continue
            stop = unsubscribe_url(settings.public_url,
                                   unsubscribe_token(settings.secret_key,
                                                     claimed.unsubscribe_seed or ""))
            letter = reminder_letter(clinic_name=clinic_name, page_url=page_url,
                                     unsubscribe=stop)
            token = message_token(settings.secret_key, claimed.id)
            message = make_message(settings.smtp, to=claimed.to_address, letter=letter,
                                   sender_name=clinic_name, unsubscribe=stop, token=token)
            status = _send(mailer, database, claimed, message, report,
                           audit_action="reminder", token=token)
            if status == SENT:
                report.sent += 1
            elif status == "bounced":
                report.bounced += 1
            else:
                report.failed += 1
    report.seconds = time.perf_counter() - started
    return report


def send_todays_reminders(database: Database, settings: Settings) -> RunReport:
    """The run ``dashboard send-reminders`` and the Celery task make (jobs.py), "today"
    being the clinic's. EmailOff if SMTP_URL or PUBLIC_URL is not set."""
    if settings.smtp is not None and not settings.public_url:
        raise EmailOff(PUBLIC_URL_MISSING)
    return send_reminders(database, settings, today=dt.datetime.now(settings.tz).date())



@dataclass
class BounceReport:
    """What one ``read-bounces`` run found in the mailbox."""

    read: int = 0
    recorded: int = 0  # bounces recorded on their messages now
    known: int = 0  # reported before, or about a message the app never sent
    other: int = 0  # not a delivery report about a message of ours

    def summary(self) -> str:
        return (f"Read {self.read} messages: {self.recorded} bounces recorded, "
                f"{self.known} already known or not ours, {self.other} not bounce reports "
                "about the app's messages.")


def read_bounces(database: Database, settings: Settings,
                 messages: Iterable[Message]) -> BounceReport:
    """Record each permanent failure reported by mail (DSN, RFC 3464) on the message it is
    about, once: reading the same mailbox again records nothing twice."""
    report = BounceReport()
    for message in messages:
        report.read += 1
        bounces = read_report(message, settings.secret_key)
        if not bounces:
            report.other += 1
            continue
        for bounce in bounces:
            with database.begin() as session:
                bounced = record_bounce(session, message_id=bounce.message_id,
                                        recipient=bounce.recipient, reason=bounce.reason)
                if bounced is None:
                    report.known += 1
                    continue
                kind = "reminder" if bounced.kind == "reminder" else "alert_notice"
                record_audit(session, user_id=None, action=f"{kind}_bounced",
                             entity="email_message", entity_id=bounced.id,
                             client_id=bounced.client_id,
                             detail={"by": "bounce report", "status": bounce.status})
                report.recorded += 1
    return report
