"""A real SMTP server on loopback for the email tests (aiosmtpd, in a thread): it keeps every
message it accepts, and refuses recipients it is told to (a 550, as for an address that
does not exist) so bounces can be tested."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

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
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


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


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[SmtpServer]:
    handler = MailHandler()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()
