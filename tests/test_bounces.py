"""Bounces that arrive later, by mail (issue 22): a reminder the mail server accepted comes
back as a delivery status notification (RFC 3464). With SMTP_VERP=1 each message's
Return-Path names it; ``dashboard read-bounces`` reads the clinic's mailbox (a Maildir,
delivered into here by a real SMTP server, aiosmtpd's Mailbox handler, or an mbox) and
records the bounce on the message, shown on the client's reminders page. Forged or
unrelated reports, delays and a second reading change nothing."""

from __future__ import annotations

import mailbox
import smtplib
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from sqlalchemy import select

from dashboard.cli import main
from dashboard.db.models import AuditEntry
from dashboard.domain.bounces import message_token, read_report, tokens_in
from tests.factories import assign_home_measures
from tests.smtp_server import free_port, smtp_server
from tests.test_reminders import CLIENT_EMAIL, PUBLIC, SENDER, _consenting, _messages, _run

SECRET = "test-secret"  # the suite's SECRET_KEY (email_env)


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def email_env(monkeypatch, db):
    """The command line's environment, as in tests/test_reminders.py."""
    for name, value in (("DATABASE_URL", db.url), ("SECRET_KEY", SECRET),
                        ("PUBLIC_URL", PUBLIC), ("SMTP_FROM", SENDER)):
        monkeypatch.setenv(name, value)
    return lambda url: monkeypatch.setenv("SMTP_URL", url)


@pytest.fixture
def clinic_mailbox(tmp_path):
    """The clinic's mailbox: an SMTP server on loopback delivering into a Maildir."""
    maildir = tmp_path / "Maildir"
    port = free_port()
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield maildir, port
    finally:
        controller.stop()


def _dsn(to: str, *, recipient: str = CLIENT_EMAIL, action: str = "failed",
         status: str = "5.1.1", returned: str = "") -> bytes:
    """A bounce as Postfix writes one (multipart/report, RFC 3464)."""
    headers = (f"--B\nContent-Type: text/rfc822-headers\n\n{returned}\n") if returned else ""
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
            f"To: {to}\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
            f"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
            f"--B\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mx.example.org\n\n"
            f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: "
            f"User unknown in virtual mailbox table\n\n"
            f"{headers}--B--\n").encode()


def _deliver(port: int, rcpt: str, raw: bytes) -> None:
    """Into the clinic's mailbox over SMTP, from the null sender as bounces are."""
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail("", [rcpt], raw)


def _reminded(linked, db, server, email_env, capsys, monkeypatch, *, verp: bool):
    monkeypatch.setenv("SMTP_VERP", "1" if verp else "0")
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    email_env(server.url)
    assert "1 sent" in _run(capsys)[1]
    [mail] = server.wait_for(1)
    [row] = _messages(db)
    return mail, row


def _read(capsys, path: Path) -> str:
    assert main(["read-bounces", str(path)]) == 0
    return capsys.readouterr().out


def test_a_bounce_by_mail_is_read_from_the_maildir_and_shown_on_the_clients_page(
        linked, db, server, email_env, capsys, monkeypatch, clinic_mailbox):
    maildir, port = clinic_mailbox
    mail, row = _reminded(linked, db, server, email_env, capsys, monkeypatch, verp=True)
    token = message_token(SECRET, row.id)
    # VERP: the envelope sender names the message; the Message-ID carries it too.
    assert mail.sender == f"reminders+{token}@test-clinic.example.org"
    assert mail.message["From"].addresses[0].addr_spec == SENDER  # the header is unchanged
    assert token in mail.message["Message-ID"]
    _deliver(port, mail.sender, _dsn(mail.sender))
    out = _read(capsys, maildir)
    assert "1 bounces recorded" in out
    [row] = _messages(db)
    assert row.status == "bounced"
    assert row.error.startswith("bounced after delivery (5.1.1: 550 5.1.1")
    with db.read() as s:
        assert "reminder_bounced" in set(s.scalars(select(AuditEntry.action)))
    page = linked["practitioner"].get(f"/clients/{linked['client_id']}/reminders")
    assert "bounced after delivery (5.1.1" in page.get_data(as_text=True)
    # Reading the same mailbox again records nothing twice.
    assert "0 bounces recorded, 1 already known" in _read(capsys, maildir)
    assert len(list(mailbox.Maildir(str(maildir)).keys())) == 1  # only read, never removed


def test_without_verp_the_returned_message_id_names_the_message_in_an_mbox(
        linked, db, server, email_env, capsys, monkeypatch, tmp_path):
    mail, _row = _reminded(linked, db, server, email_env, capsys, monkeypatch, verp=False)
    assert mail.sender == SENDER
    returned = f"Message-ID: {mail.message['Message-ID']}\nTo: {CLIENT_EMAIL}\n"
    box = mailbox.mbox(str(tmp_path / "bounces.mbox"))
    box.add(_dsn(SENDER, returned=returned))
    box.add(b"From: someone@example.org\nTo: reminders@test-clinic.example.org\n"
            b"Subject: Thanks!\n\nA reply, not a bounce.\n")
    box.close()
    out = _read(capsys, tmp_path / "bounces.mbox")
    assert "Read 2 messages: 1 bounces recorded" in out and "1 not bounce reports" in out
    assert _messages(db)[0].status == "bounced"


def test_forged_delayed_or_unrelated_reports_change_nothing(
        linked, db, server, email_env, capsys, monkeypatch, clinic_mailbox):
    maildir, port = clinic_mailbox
    mail, row = _reminded(linked, db, server, email_env, capsys, monkeypatch, verp=True)
    forged = message_token("another-key", row.id)  # a tag made without the app's key
    _deliver(port, f"reminders+{forged}@test-clinic.example.org",
             _dsn(f"reminders+{forged}@test-clinic.example.org"))
    _deliver(port, mail.sender, _dsn(mail.sender, action="delayed", status="4.4.1"))
    _deliver(port, mail.sender, _dsn(mail.sender, recipient="someone-else@example.org"))
    out = _read(capsys, maildir)
    assert "0 bounces recorded" in out
    assert _messages(db)[0].status == "sent"


def test_tokens_are_signed_and_only_reports_are_read():
    token = message_token(SECRET, 42)
    assert tokens_in(SECRET, f"reminders+{token}@x.org") == [42]
    assert tokens_in("other", f"reminders+{token}@x.org") == []
    assert tokens_in(SECRET, token.replace("42.", "43.")) == []
    import email

    plain = email.message_from_string("Subject: hi\n\nnot a report")
    assert read_report(plain, SECRET) == []
    assert main(["read-bounces", "/nonexistent/mailbox"]) == 2
