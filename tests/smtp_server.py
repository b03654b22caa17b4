"""A real SMTP server on loopback for the email tests (aiosmtpd, in a thread): it keeps every
message it accepts, and refuses recipients it is told to (a 550, as for an address that
does not exist) so bounces can be tested. With a TLS context it offers STARTTLS (or speaks
TLS from the first byte, ``implicit_tls``) and can require a user name and password."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    encrypted: bool = False  # the session was under TLS when the message came
    login: str = ""  # the user name it authenticated as, if any

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class MailHandler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else ""
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          message,  # type: ignore[arg-type]
                                          encrypted=_under_tls(server, session),
                                          login=login))
        return "250 Message accepted for delivery"


def _under_tls(server, session) -> bool:
    """After STARTTLS (``session.ssl``) or on a connection that was TLS from the start."""
    transport = getattr(server, "transport", None)
    return session.ssl is not None or (
        transport is not None and transport.get_extra_info("ssl_object") is not None)


@dataclass
class SmtpServer:
    port: int
    handler: MailHandler

    @property
    def url(self) -> str:
        # Plain SMTP is accepted only on loopback (config.parse_smtp_url).
        return f"smtp://127.0.0.1:{self.port}?tls=none"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def password_check(user: str, password: str):
    """An aiosmtpd authenticator accepting one user name and password."""
    def check(_server, _session, _envelope, _mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=False, auth_data=user.encode() if ok else None)
    return check


@contextmanager
def smtp_server(port: int | None = None, *, tls: ssl.SSLContext | None = None,
                implicit_tls: bool = False,
                credentials: tuple[str, str] | None = None) -> Iterator[SmtpServer]:
    handler = MailHandler()
    port = port or free_port()
    options: dict = {}
    if tls is not None and implicit_tls:
        # aiosmtpd knows only STARTTLS as "under TLS" (and offers AUTH only then): the
        # whole connection is, here. Without credentials it offers no AUTH at all.
        options.update(ssl_context=tls, auth_require_tls=credentials is None)
    elif tls is not None:
        options.update(tls_context=tls, require_starttls=True)
    if credentials is not None:
        # Required where aiosmtpd can tell the session is encrypted (after STARTTLS).
        options.update(authenticator=password_check(*credentials),
                       auth_required=not implicit_tls)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()
