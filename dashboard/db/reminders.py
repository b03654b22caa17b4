"""Email reminders and safety-alert notices in the database: consent on the episode, who is
reminded today (read in a few set queries, not client by client), and the outbox
(``EmailMessage``) whose unique key lets several hosts or cron runs share the work: a row is
claimed in its own committed transaction before anything is sent, so a second claimer finds
it taken.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.db.clinic import get_clinic
from dashboard.db.models import (
    CareSession,
    Client,
    ClientLink,
    ClientShare,
    EmailMessage,
    Episode,
    FunctionalActivity,
    HomeFunctionResponse,
    HomeLogEntry,
    HomeMeasureResponse,
    MeasureAssignment,
    SafetyAlert,
    User,
)
from dashboard.db.summary import current_episode
from dashboard.domain.home_log import new_token_seed, token_hash
from dashboard.domain.measures import HOME_FUNCTION, can_be_done, is_due
from dashboard.domain.reminders import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    alert_notice_key,
    reminder_key,
    reminder_reason,
    unsubscribe_token,
)

SENDING, SENT, PENDING, FAILED = "sending", "sent", "pending", "failed"


# --- Consent -------------------------------------------------------------------------------

def set_email_consent(session: Session, *, episode: Episode, given: bool,
                      user_id: int | None, now: dt.datetime) -> bool:
    """Record consent to email reminders given or withdrawn (``user_id`` None: by the
    client, through an unsubscribe link). Returns whether anything changed; the caller
    audits."""
    if episode.email_consent == given:
        return False
    episode.email_consent = given
    if given:
        episode.email_consent_at, episode.email_consent_by_id = now, user_id
    else:
        episode.email_withdrawn_at, episode.email_withdrawn_by_id = now, user_id
    session.flush()
    return True


def set_current_email_consent(session: Session, *, client_id: int, given: bool,
                              user_id: int, now: dt.datetime) -> int | None:
    """Consent given or withdrawn by the practitioner on the client's open episode: the
    episode's id if it changed, else None (no open episode, or no change)."""
    episode = current_episode(session, client_id)
    if episode is None or episode.ended_on is not None:
        return None
    changed = set_email_consent(session, episode=episode, given=given, user_id=user_id,
                                now=now)
    return episode.id if changed else None


def reminders_switched_on(session: Session) -> bool:
    clinic = get_clinic(session)
    return bool(clinic is None or clinic.email_reminders)


# --- Who is reminded today -----------------------------------------------------------------

@dataclass(frozen=True)
class ReminderDue:
    client_id: int
    episode_id: int
    email: str
    link_seed: str
    link_hash: str
    reason: str


def _live_linked_episodes(
        now: dt.datetime) -> Select[int, str, int, str, str, dt.datetime]:
    """Clients who may be reminded: a live link to an open episode whose consent stands,
    an address, not archived or erased."""
    return (
        select(Client.id, Client.email, Episode.id.label("episode_id"),
               ClientLink.token_seed, ClientLink.token_hash, ClientLink.created_at)
        .join(Episode, Episode.client_id == Client.id)
        .join(ClientLink, and_(ClientLink.episode_id == Episode.id,
                               ClientLink.revoked_at.is_(None)))
        .where(Episode.ended_on.is_(None), Episode.email_consent.is_(True),
               ClientLink.expires_at > now, Client.archived.is_(False),
               Client.erased_at.is_(None), Client.email != ""))


def reminders_due(session: Session, *, today: dt.date, now: dt.datetime,
                  tz: dt.tzinfo) -> list[ReminderDue]:
    """Everyone to remind today and why (domain.reminders.reminder_reason), in seven queries
    whatever the size of the clinic. Those already reminded today are left to the claim."""
    rows = session.execute(_live_linked_episodes(now)).all()
    if not rows:
        return []
    episodes = select(Episode.id).join(ClientLink, ClientLink.episode_id == Episode.id).where(
        Episode.ended_on.is_(None), Episode.email_consent.is_(True),
        ClientLink.revoked_at.is_(None), ClientLink.expires_at > now).scalar_subquery()
    assigned: dict[int, list[MeasureAssignment]] = defaultdict(list)
    for a in session.scalars(select(MeasureAssignment).where(
            MeasureAssignment.ended_at.is_(None), MeasureAssignment.episode_id.in_(episodes))):
        assigned[a.episode_id].append(a)
    last_done = {(e, k): d for e, k, d in session.execute(
        select(HomeMeasureResponse.episode_id, HomeMeasureResponse.instrument,
               func.max(HomeMeasureResponse.completed_on))
        .where(HomeMeasureResponse.episode_id.in_(episodes))
        .group_by(HomeMeasureResponse.episode_id, HomeMeasureResponse.instrument))}
    last_done.update({(e, HOME_FUNCTION): d for e, d in session.execute(
        select(HomeFunctionResponse.episode_id, func.max(HomeFunctionResponse.completed_on))
        .where(HomeFunctionResponse.episode_id.in_(episodes))
        .group_by(HomeFunctionResponse.episode_id))})
    last_session = dict(session.execute(
        select(CareSession.episode_id, func.max(CareSession.session_on))
        .where(CareSession.episode_id.in_(episodes), CareSession.deleted_at.is_(None))
        .group_by(CareSession.episode_id)).all())
    last_logged = dict(session.execute(
        select(HomeLogEntry.episode_id, func.max(HomeLogEntry.log_on))
        .where(HomeLogEntry.episode_id.in_(episodes))
        .group_by(HomeLogEntry.episode_id)).all())
    activities = dict(session.execute(
        select(FunctionalActivity.client_id, func.count())
        .where(FunctionalActivity.active.is_(True), FunctionalActivity.client_id.in_(
            select(Episode.client_id).where(Episode.id.in_(episodes))))
        .group_by(FunctionalActivity.client_id)).all())
    due: list[ReminderDue] = []
    for client_id, email, episode_id, seed, link_hash, link_made_at in rows:
        measure_due = any(
            can_be_done(a.instrument, activities=activities.get(client_id, 0))
            and is_due(a.every, assigned_on=a.assigned_on,
                       last_completed_on=last_done.get((episode_id, a.instrument)),
                       last_session_on=last_session.get(episode_id), today=today)
            for a in assigned.get(episode_id, []))
        reason = reminder_reason(measure_due=measure_due,
                                 last_logged_on=last_logged.get(episode_id),
                                 link_made_on=link_made_at.astimezone(tz).date(), today=today)
        if reason is not None:
            due.append(ReminderDue(client_id, episode_id, email, seed, link_hash, reason))
    return due


# --- The outbox ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    """A message this process now owns and must send, then record."""

    id: int
    kind: str
    client_id: int
    to_address: str
    unsubscribe_seed: str | None


def _claimed(message: EmailMessage) -> Claimed:
    return Claimed(message.id, message.kind, message.client_id, message.to_address,
                   message.unsubscribe_seed)


def _take(session: Session, message_id: int, now: dt.datetime, *,
          takeable: ColumnElement[bool]) -> bool:
    """Move a row to ``sending`` if it is still in a takeable state: one UPDATE, so of two
    processes only one sees a row changed."""
    result = session.execute(
        update(EmailMessage).where(EmailMessage.id == message_id, takeable)
        .values(status=SENDING, attempts=EmailMessage.attempts + 1, last_attempt_at=now,
                error=""))
    return result.rowcount == 1  # type: ignore[attr-defined]


def settled_today(session: Session, *, day: dt.date) -> set[int]:
    """Clients whose reminder for the day needs no more tries (sent, bounced, being sent, or
    failed MAX_ATTEMPTS times): one query, so a second run of the day skips them without a
    claim each. The claim stays the arbiter when two runs overlap."""
    return set(session.scalars(select(EmailMessage.client_id).where(
        EmailMessage.kind == "reminder", EmailMessage.for_day == day,
        or_(EmailMessage.status != FAILED, EmailMessage.attempts >= MAX_ATTEMPTS))))


def claim_reminder(session: Session, *, due: ReminderDue, day: dt.date, secret_key: str,
                   now: dt.datetime) -> Claimed | None:
    """Today's reminder row for this client, claimed for sending, or None when it was sent,
    bounced, is being sent by another process, or has failed MAX_ATTEMPTS times. The caller
    commits before sending."""
    key = reminder_key(due.client_id, day)
    seed = new_token_seed()
    try:
        with session.begin_nested():
            message = EmailMessage(
                kind="reminder", dedupe_key=key, client_id=due.client_id,
                episode_id=due.episode_id, to_address=due.email, for_day=day,
                reason=due.reason, status=SENDING, attempts=1, created_at=now,
                last_attempt_at=now, unsubscribe_seed=seed,
                unsubscribe_hash=token_hash(unsubscribe_token(secret_key, seed)))
            session.add(message)
        return _claimed(message)
    except IntegrityError:
        pass
    existing = session.scalar(select(EmailMessage).where(EmailMessage.dedupe_key == key))
    if existing is None or not _take(session, existing.id, now, takeable=and_(
            EmailMessage.status == FAILED, EmailMessage.attempts < MAX_ATTEMPTS)):
        return None
    # A retry goes to the address the client has now (it may have been corrected).
    existing.to_address = due.email
    session.flush()
    session.refresh(existing)
    return _claimed(existing)


def queue_alert_notices(session: Session, *, alert: SafetyAlert, day: dt.date,
                        now: dt.datetime) -> list[int]:
    """A pending notice to each active practitioner who looks after the client (theirs and
    those it is shared with) for a safety alert raised on the client's own page; one per
    alert and practitioner whatever is saved again that day. Sent after the commit
    (reminders.deliver_pending) so the client's page never waits on a mail server."""
    client = session.get(Client, alert.client_id)
    if client is None:
        return []
    user_ids = {client.practitioner_id, *session.scalars(
        select(ClientShare.practitioner_id).where(ClientShare.client_id == client.id))}
    queued: list[int] = []
    for user in session.scalars(select(User).where(User.id.in_(user_ids),
                                                   User.active.is_(True))):
        key = alert_notice_key(alert.id, user.id)
        if session.scalar(select(EmailMessage.id).where(EmailMessage.dedupe_key == key)):
            continue
        try:
            with session.begin_nested():
                message = EmailMessage(
                    kind="safety_alert", dedupe_key=key, client_id=client.id,
                    recipient_user_id=user.id, safety_alert_id=alert.id,
                    to_address=user.email, for_day=day, status=PENDING, created_at=now)
                session.add(message)
            queued.append(message.id)
        except IntegrityError:
            continue
    return queued


def claim_notice(session: Session, *, message_id: int, now: dt.datetime) -> Claimed | None:
    """Claim a practitioner's notice: pending, failed (fewer than MAX_ATTEMPTS), or claimed
    by a process that died (STALE_CLAIM ago). Not once its alert was acknowledged: someone
    has already seen it."""
    message = session.get(EmailMessage, message_id)
    if message is None or message.kind != "safety_alert":
        return None
    acknowledged = session.scalar(select(SafetyAlert.acknowledged_at).where(
        SafetyAlert.id == message.safety_alert_id))
    if acknowledged is not None:
        return None
    if not _take(session, message_id, now, takeable=and_(
            EmailMessage.attempts < MAX_ATTEMPTS,
            or_(EmailMessage.status.in_((PENDING, FAILED)),
                and_(EmailMessage.status == SENDING,
                     EmailMessage.last_attempt_at < now - STALE_CLAIM)))):
        return None
    session.refresh(message)
    return _claimed(message)


def notices_to_send(session: Session, *, now: dt.datetime) -> list[int]:
    """Practitioners' notices a run should try: pending, failed, or stuck in a dead claim."""
    return list(session.scalars(select(EmailMessage.id).where(
        EmailMessage.kind == "safety_alert", EmailMessage.attempts < MAX_ATTEMPTS,
        or_(EmailMessage.status.in_((PENDING, FAILED)),
            and_(EmailMessage.status == SENDING,
                 EmailMessage.last_attempt_at < now - STALE_CLAIM)))
        .order_by(EmailMessage.id)))


def record_result(session: Session, *, message_id: int, status: str, error: str,
                  now: dt.datetime) -> None:
    """What became of a claimed message: sent, failed (tried again next run) or bounced."""
    session.execute(update(EmailMessage).where(EmailMessage.id == message_id).values(
        status=status, error=error[:300], sent_at=now if status == SENT else None))


BOUNCED = "bounced"


def record_bounce(session: Session, *, message_id: int, recipient: str,
                  reason: str) -> EmailMessage | None:
    """A message the server took, reported back later as undeliverable to ``recipient``:
    marked bounced with the reason. None (nothing changed) when no such message went to
    that address, or its bounce is recorded already."""
    message = session.get(EmailMessage, message_id)
    if message is None or message.status != SENT or \
            message.to_address.strip().lower() != recipient.strip().lower():
        return None
    message.status, message.error = BOUNCED, reason[:300]
    session.flush()
    return message


# --- Unsubscribing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Unsubscribe:
    message_id: int
    client_id: int
    episode_id: int | None


def message_for_unsubscribe(session: Session, token: str) -> Unsubscribe | None:
    """The reminder this unsubscribe token came in, or None (unknown, or its client erased).
    Works after the link to the page has ended: stopping email must always be possible."""
    row = session.execute(
        select(EmailMessage.id, EmailMessage.client_id, EmailMessage.episode_id)
        .join(Client, Client.id == EmailMessage.client_id)
        .where(EmailMessage.unsubscribe_hash == token_hash(token),
               EmailMessage.kind == "reminder", Client.erased_at.is_(None))).first()
    return Unsubscribe(*row) if row else None


def unsubscribe(session: Session, *, found: Unsubscribe, now: dt.datetime) -> list[int]:
    """Withdraw the client's consent to email on every episode that has it (a reminder of
    an earlier episode stops the current one's too: the client said "no more email").
    The ids of the episodes changed; the caller audits."""
    changed = []
    for episode in session.scalars(select(Episode).where(
            Episode.client_id == found.client_id, Episode.email_consent.is_(True))):
        if set_email_consent(session, episode=episode, given=False, user_id=None, now=now):
            changed.append(episode.id)
    session.execute(update(EmailMessage).where(EmailMessage.id == found.message_id,
                                               EmailMessage.unsubscribed_at.is_(None))
                    .values(unsubscribed_at=now))
    return changed


# --- What the client's page shows ----------------------------------------------------------

@dataclass(frozen=True)
class EmailConsent:
    """The open (or latest) episode's consent to email, for the practitioner's page."""

    episode_id: int | None
    open_episode: bool
    given: bool
    given_at: dt.datetime | None
    given_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_by: str  # "" with withdrawn_at: the client, by the unsubscribe link


def email_consent(session: Session, *, client_id: int) -> EmailConsent:
    episode = current_episode(session, client_id)
    if episode is None:
        return EmailConsent(None, False, False, None, "", None, "")
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(
        [i for i in (episode.email_consent_by_id, episode.email_withdrawn_by_id) if i]))).all())
    return EmailConsent(episode.id, episode.ended_on is None, episode.email_consent,
                        episode.email_consent_at, names.get(episode.email_consent_by_id or 0, ""),
                        episode.email_withdrawn_at,
                        names.get(episode.email_withdrawn_by_id or 0, ""))


@dataclass(frozen=True)
class SentEmail:
    kind: str
    for_day: dt.date
    reason: str | None
    status: str
    attempts: int
    error: str
    at: dt.datetime | None


def client_emails(session: Session, *, client_id: int, limit: int = 20) -> list[SentEmail]:
    """The client's recent reminders and notices about them, newest first."""
    return [SentEmail(m.kind, m.for_day, m.reason, m.status, m.attempts, m.error,
                      m.sent_at or m.last_attempt_at)
            for m in session.scalars(select(EmailMessage).where(
                EmailMessage.client_id == client_id)
                .order_by(EmailMessage.created_at.desc(), EmailMessage.id.desc())
                .limit(limit))]
