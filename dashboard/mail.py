"""Sending email with the standard library's smtplib, as ``SMTP_URL`` says (config.py).

One connection serves a whole run (``Mailer`` is a context manager) and is opened again
after a failure. Every failure is classed for the caller's record: ``bounced`` when the
server refused the message or its recipient for good (a 5xx reply: retrying cannot help),
``failed`` otherwise (the server unreachable, a 4xx reply, a broken connection: tried again
by the next run). Bounces that arrive later as mail are read from the clinic's mailbox by
``dashboard read-bounces`` (reminders.py, domain/bounces.py).
"""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from types import TracebackType

from dashboard.config import SmtpSettings
from dashboard.db.models import utcnow
from dashboard.domain.bounces import message_id_header, verp_address
from dashboard.domain.reminders import Letter

FAILED, BOUNCED = "failed", "bounced"
ERROR_MAX = 300


class SendFailure(Exception):
    """A message not accepted by the server: ``status`` FAILED or BOUNCED, and why, in
    words for the practitioner's page (never the password)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason[:ERROR_MAX]


def make_message(smtp: SmtpSettings, *, to: str, letter: Letter, sender_name: str,
                 unsubscribe: str = "", token: str = "") -> EmailMessage:
    """The message as it goes out: the clinic's name as the sender's display name, and for
    a reminder the unsubscribe headers mail programs show as a button (RFC 2369, and RFC
    8058 one-click: a POST to the same address). ``token`` names the message in its
    Message-ID, for a bounce returned later (domain/bounces.py)."""
    message = EmailMessage()
    local, _, domain = smtp.from_address.rpartition("@")
    message["From"] = Address(display_name=sender_name, username=local, domain=domain)
    message["To"] = to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id_header(token, domain) if token else \
        make_msgid(domain=domain)
    # Automatic mail: no out-of-office replies to it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.body)
    return message


def _code_failure(code: int, text: bytes | str, what: str) -> SendFailure:
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return SendFailure(BOUNCED if code >= 500 else FAILED, f"{what}: {code} {words}".strip())


class Mailer:
    """A connection to the mail server for one run of sends."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp
        self._connection: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                          context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            connection.ehlo()
            if s.security == "starttls":
                # Refused, not skipped, when the server offers no STARTTLS: the password
                # and the client's address never cross the network in the clear.
                try:
                    connection.starttls(context=context)
                except smtplib.SMTPNotSupportedError as exc:
                    raise SendFailure(FAILED, "the mail server does not offer STARTTLS: use "
                                              "smtps:// or a server that encrypts") from exc
                connection.ehlo()
            if s.username:
                try:
                    connection.login(s.username, s.password)
                except smtplib.SMTPNotSupportedError as exc:
                    raise SendFailure(FAILED, "the mail server offers no sign-in (AUTH) on "
                                              "this connection: check SMTP_URL's port and "
                                              "user name") from exc
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage, *, token: str = "") -> None:
        """Deliver one message to the server, or raise SendFailure. With SMTP_VERP its
        envelope sender is the sub-address ``token`` names (bounces come back to it)."""
        envelope_from = verp_address(self.smtp.from_address, token) \
            if token and self.smtp.verp else None
        try:
            if self._connection is None:
                self._connection = self._connect()
            refused = self._connection.send_message(message, from_addr=envelope_from)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _code_failure(code, text, "the recipient was refused") from exc
        except smtplib.SMTPSenderRefused as exc:
            raise _code_failure(exc.smtp_code, exc.smtp_error, "the sender was refused") from exc
        except smtplib.SMTPDataError as exc:
            raise _code_failure(exc.smtp_code, exc.smtp_error,
                                "the message was refused") from exc
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise SendFailure(FAILED, "the mail server refused the user name or password "
                                      f"of SMTP_URL ({exc.smtp_code})") from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Unreachable, timed out, disconnected, a TLS failure: start afresh next time.
            self._drop()
            raise SendFailure(FAILED, f"could not reach the mail server "
                                      f"{self.smtp.host}:{self.smtp.port}: "
                                      f"{type(exc).__name__} {exc}") from exc
        if refused:
            code, text = next(iter(refused.values()))
            raise _code_failure(code, text, "the recipient was refused")

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
