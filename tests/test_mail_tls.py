"""Email over TLS (issue 22): ``smtp://user:password@host:587`` upgrades with STARTTLS before
the password or the message goes, ``smtps://`` is TLS from the first byte, and both verify
the server's certificate. Tested against aiosmtpd with a certificate made here (the
``openssl`` command line), trusted only through ``SSL_CERT_FILE`` for the test."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from dashboard.config import parse_smtp_url
from dashboard.domain.reminders import Letter
from dashboard.mail import BOUNCED, FAILED, Mailer, SendFailure, make_message
from tests.smtp_server import free_port, smtp_server

SENDER = "reminders@test-clinic.example.org"
USER, PASSWORD = "clinic@example.org", "s3cret:p@ss"
LETTER = Letter("A reminder from Test Clinic", "Your page: https://care.example.org/my/x")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its subjectAltName), valid for a day."""
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture
def trusted(certificate, monkeypatch):
    """The test's certificate is the only one this process trusts (as a clinic's own CA
    would be added to the system's store)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def _send(url: str, to: str = "carol@example.org") -> None:
    smtp = parse_smtp_url(url, SENDER)
    with Mailer(smtp) as mailer:
        mailer.send(make_message(smtp, to=to, letter=LETTER, sender_name="Test Clinic"))


def _url(scheme: str, port: int, password: str = PASSWORD) -> str:
    quote = {"@": "%40", ":": "%3A"}
    user = "".join(quote.get(c, c) for c in USER)
    secret = "".join(quote.get(c, c) for c in password)
    return f"{scheme}://{user}:{secret}@127.0.0.1:{port}"


def test_starttls_upgrades_before_the_password_and_the_message(server_tls, trusted):
    port = free_port()
    with smtp_server(port, tls=server_tls, credentials=(USER, PASSWORD)) as server:
        assert parse_smtp_url(_url("smtp", port), SENDER).security == "starttls"
        _send(_url("smtp", port))
        [mail] = server.wait_for(1)
    assert mail.encrypted and mail.login == USER
    assert mail.recipients == ["carol@example.org"]
    assert mail.message["Subject"] == LETTER.subject


def test_smtps_is_tls_from_the_first_byte(server_tls, trusted):
    port = free_port()
    with smtp_server(port, tls=server_tls, implicit_tls=True,
                     credentials=(USER, PASSWORD)) as server:
        _send(_url("smtps", port))
        [mail] = server.wait_for(1)
    assert mail.encrypted and mail.login == USER


def test_a_certificate_nobody_vouches_for_sends_nothing(server_tls, monkeypatch, tmp_path):
    """Without the test's certificate in the trust store the upgrade fails: the message is
    a failure (tried again next run), and neither it nor the password went."""
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    port = free_port()
    with smtp_server(port, tls=server_tls, credentials=(USER, PASSWORD)) as server:
        with pytest.raises(SendFailure) as refused:
            _send(_url("smtp", port))
        assert server.received == []
    assert refused.value.status == FAILED
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.reason
    assert PASSWORD not in refused.value.reason


def test_a_server_without_starttls_is_refused_not_used_in_the_clear(monkeypatch):
    port = free_port()
    with smtp_server(port) as server:  # plain SMTP only
        with pytest.raises(SendFailure) as refused:
            _send(_url("smtp", port))
        assert server.received == []
    assert refused.value.status == FAILED
    assert "does not offer STARTTLS" in refused.value.reason


def test_a_wrong_password_over_starttls_is_a_failure_that_does_not_show_it(
        server_tls, trusted):
    port = free_port()
    with smtp_server(port, tls=server_tls, credentials=(USER, PASSWORD)) as server:
        with pytest.raises(SendFailure) as refused:
            _send(_url("smtp", port, password="not-it"))
        assert server.received == []
    assert refused.value.status == FAILED and refused.value.status != BOUNCED
    assert "refused the user name or password" in refused.value.reason
    assert "not-it" not in refused.value.reason


def test_a_server_offering_no_sign_in_is_named_as_such_not_as_missing_starttls(
        server_tls, trusted):
    """Before: any "not supported" reply read as "does not offer STARTTLS", so a server
    that encrypts but has no AUTH sent the clinic looking for the wrong fault."""
    port = free_port()
    with smtp_server(port, tls=server_tls, implicit_tls=True) as server:  # TLS, no AUTH
        with pytest.raises(SendFailure) as refused:
            _send(_url("smtps", port))
        assert server.received == []
    assert "offers no sign-in (AUTH)" in refused.value.reason
    assert "STARTTLS" not in refused.value.reason
