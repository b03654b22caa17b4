"""Email reminders to clients and safety-alert notices to practitioners: who is reminded
today, and what the messages say.

What a message may say is decided here and nowhere else: the clinic's name and links, never
a name, a score, a questionnaire or a condition. Email crosses servers the clinic does not
control and lands on shared screens and phones; a reminder that says "your PHQ-9 is due"
tells anyone who sees it that the client is being screened for depression. The practitioner's
notice says only that a client's answer needs attention (the alert itself is on the app's
home page, behind the login).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

# A client who logs their days is reminded when they have not for this many days (issue 22:
# "no log for 3 days"); a day logged resets it. Counted from the link's first day when they
# have never logged.
NO_LOG_DAYS = 3

# Reasons a reminder goes (models.REMINDER_REASONS), first the one that wins.
MEASURE_DUE = "measure_due"
NO_LOG = "no_log"

# A delivery attempt that failed for a reason that may pass (connection refused, a 4xx
# reply) is tried again by the next run the same day, up to this many attempts.
MAX_ATTEMPTS = 5

# A practitioner's notice claimed by a process that then died (a killed worker) is claimed
# again after this long: an alert's notice is sent at least once. A reminder is never
# claimed twice: a client gets at most one a day, even if that means none after a crash.
STALE_CLAIM = dt.timedelta(minutes=10)

TOKEN_BYTES = 24


def reminder_reason(*, measure_due: bool, last_logged_on: dt.date | None,
                    link_made_on: dt.date, today: dt.date) -> str | None:
    """Why a client with a live link and consent is reminded today, or None.

    A questionnaire to do comes first; otherwise NO_LOG_DAYS without a day logged (counted
    from the link's first day if they never logged). A client logging every day with
    nothing due is left alone.
    """
    if measure_due:
        return MEASURE_DUE
    since = last_logged_on if last_logged_on is not None else link_made_on
    if (today - since).days >= NO_LOG_DAYS:
        return NO_LOG
    return None


def reminder_key(client_id: int, day: dt.date) -> str:
    """At most one reminder per client and clinic day: the unique key of its row."""
    return f"reminder:{client_id}:{day.isoformat()}"


def alert_notice_key(alert_id: int, user_id: int) -> str:
    """One notice per alert and practitioner."""
    return f"safety_alert:{alert_id}:{user_id}"


def unsubscribe_token(secret_key: str, seed: str) -> str:
    """The token of a reminder's unsubscribe link: HMAC-SHA256 of the message's random seed
    under the app's secret key (a copy of the database alone cannot use it), 192 bits as
    URL-safe text. Its own purpose prefix: it can never equal a client link's token."""
    digest = hmac.new(secret_key.encode(), b"unsubscribe:" + seed.encode(),
                      hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


UNSUBSCRIBE_PATH = "/my/unsubscribe/"


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{UNSUBSCRIBE_PATH}{token}"


@dataclass(frozen=True)
class Letter:
    """A message's words: the subject and the plain-text body. The addresses and headers
    are the sender's (mail/smtp.py)."""

    subject: str
    body: str


def reminder_letter(*, clinic_name: str, page_url: str, unsubscribe: str) -> Letter:
    """The client's reminder. The same words whatever the reason: the reason itself (a
    questionnaire to do) would say something about the client's care."""
    return Letter(
        subject=f"A reminder from {clinic_name}",
        body=(
            "Hello,\n\n"
            f"{clinic_name} asks you to open your page when you have a moment:\n\n"
            f"{page_url}\n\n"
            "The link is yours alone: please do not forward this email.\n\n"
            "You get these reminders because you agreed to them. To stop them, open\n"
            f"{unsubscribe}\n"
        ),
    )


def alert_letter(*, clinic_name: str, app_url: str) -> Letter:
    """The practitioner's notice of a safety alert raised on a client's own page: no name,
    no answer, only that it needs them today and where to sign in."""
    return Letter(
        subject="A client's answer needs your attention today",
        body=(
            "A client's answer needs your attention today.\n\n"
            f"Sign in to see it on your home page: {app_url}\n\n"
            f"This message comes from {clinic_name}'s care dashboard and says nothing more "
            "on purpose.\n"
        ),
    )
