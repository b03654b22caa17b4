"""Bounces that arrive later, by mail: which message they are about, and what went wrong.

A server that accepts a message and fails to deliver it afterwards sends a delivery status
notification (DSN, RFC 3464: ``multipart/report; report-type=delivery-status``) to the
message's envelope sender (its Return-Path). Each message the app sends carries a token
naming it, signed with the app's secret key so a forged report cannot mark another message:

- in its **Message-ID** (``<random.bpc-<id>.<tag>@domain>``), which most reports return
  with the original headers (``text/rfc822-headers`` or ``message/rfc822``);
- with ``SMTP_VERP=1``, in its **Return-Path** too (VERP: ``reminders+bpc-<id>.<tag>@...``,
  a sub-address of ``SMTP_FROM``), so the report names the message in its own recipient
  even when it returns no headers.

Only a permanent failure (``Action: failed``, a 5.x.x status) for the message's own
recipient counts as a bounce; a delay (4.x.x) is not one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

MARK = "bpc-"  # what a message's token starts with
TAG_CHARS = 16
TOKEN = re.compile(rf"{MARK}(\d{{1,18}})\.([0-9a-f]{{{TAG_CHARS}}})")
# Headers a mail server writes with the address a message was delivered to.
DELIVERED_TO = ("Delivered-To", "X-Original-To", "Envelope-To", "To")
ERROR_MAX = 200


def _tag(secret_key: str, message_id: int) -> str:
    mac = hmac.new(secret_key.encode(), f"bounce:{message_id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:TAG_CHARS]


def message_token(secret_key: str, message_id: int) -> str:
    """The signed token naming one sent message (``bpc-<id>.<tag>``)."""
    return f"{MARK}{message_id}.{_tag(secret_key, message_id)}"


def message_id_header(token: str, domain: str) -> str:
    """A unique Message-ID that carries the token."""
    return f"<{secrets.token_hex(8)}.{token}@{domain}>"


def verp_address(from_address: str, token: str) -> str:
    """The envelope sender for one message: a sub-address of ``from_address``."""
    local, _, domain = from_address.rpartition("@")
    return f"{local}+{token}@{domain}"


def tokens_in(secret_key: str, text: str) -> list[int]:
    """The ids of messages named by correctly signed tokens in ``text``."""
    found = []
    for match in TOKEN.finditer(text):
        message_id = int(match.group(1))
        if hmac.compare_digest(match.group(2), _tag(secret_key, message_id)):
            found.append(message_id)
    return found


@dataclass(frozen=True)
class Bounce:
    """A permanent failure reported for ``recipient`` of the message ``message_id``."""

    message_id: int
    recipient: str
    status: str  # the RFC 3463 status, "5.1.1"
    diagnostic: str

    @property
    def reason(self) -> str:
        """In words for the practitioner's page."""
        detail = f": {self.diagnostic}" if self.diagnostic else ""
        return f"bounced after delivery ({self.status}{detail})"[:ERROR_MAX]


def _address(field: str | None) -> str:
    """``rfc822; carol@example.org`` -> ``carol@example.org``."""
    value = (field or "").split(";", 1)[-1].strip().strip("<>")
    return value.lower()


def _status_blocks(report: Message) -> list[Message]:
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            return [block for block in payload if isinstance(block, Message)] \
                if isinstance(payload, list) else []
    return []


def _returned_headers(report: Message) -> str:
    """The original message's headers returned in the report, as text."""
    texts = []
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            texts.append(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else "")
        elif kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                texts += [f"{k}: {v}" for k, v in inner[0].items()]
    return "\n".join(texts)


def _envelope_recipients(report: Message) -> str:
    values: Iterable[str] = (str(v) for name in DELIVERED_TO for v in report.get_all(name, []))
    return " ".join(addr for _name, addr in getaddresses(list(values)))


def read_report(report: Message, secret_key: str) -> list[Bounce]:
    """The permanent failures a delivery status notification reports, each tied to the
    message it names (by its Return-Path or its returned Message-ID); [] for anything
    else (a delay, a reply, a report naming no message of ours)."""
    report_type = report.get_param("report-type", "")
    if report.get_content_type() != "multipart/report" or not isinstance(report_type, str) \
            or report_type.lower() != "delivery-status":
        return []
    named = tokens_in(secret_key, _envelope_recipients(report)) or \
        tokens_in(secret_key, _returned_headers(report))
    if not named:
        return []
    bounces = []
    for block in _status_blocks(report)[1:]:  # the first block is about the message
        action = (block.get("Action") or "").strip().lower()
        status = (block.get("Status") or "").strip().split(" ")[0]
        if action != "failed" or not status.startswith("5."):
            continue
        recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        diagnostic = " ".join((block.get("Diagnostic-Code") or "").split(";", 1)[-1].split())
        bounces += [Bounce(message_id, recipient, status, diagnostic) for message_id in named]
    return bounces
