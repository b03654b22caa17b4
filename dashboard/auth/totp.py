"""Time-based one-time codes (RFC 6238, ``pyotp``): the second step of signing in.

Plain functions, no database: the callers keep the secret and the last accepted time step
(``User.totp_secret``, ``User.totp_last_step``) and store what these return.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pyotp
import segno

ISSUER = "Back Pain Care"
# One step either side: a phone clock 30 s off, or a code typed just as it changed, works.
DRIFT_STEPS = 1
CODE_RE = re.compile(r"\d{6}")
# The password step is kept server-side (in the signed session) for this long at most.
PENDING_SECONDS = 300


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect (RFC 4226 recommends 160)."""
    return pyotp.random_base32(32)


def normalise_code(code: object) -> str | None:
    """Six digits, spaces and dashes allowed between them ("123 456"); None for anything else."""
    if not isinstance(code, str):
        return None
    digits = re.sub(r"[\s-]", "", code)[:12]
    return digits if CODE_RE.fullmatch(digits) else None


def accepted_step(secret: str, code: object, last_step: int | None,
                  now: dt.datetime | None = None) -> int | None:
    """The time step this code belongs to, if it is right and newer than ``last_step``.

    A code is accepted for the current step or one either side, and never for a step at or
    before the last one accepted: a code seen over a shoulder, or used twice by a script,
    cannot be used again. The caller stores the returned step.
    """
    digits = normalise_code(code)
    if digits is None or not secret:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or dt.datetime.now(dt.UTC))
    floor = -1 if last_step is None else last_step
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Every candidate is compared (no early exit on the value), in constant time.
        if secrets.compare_digest(totp.generate_otp(step), digits) and step > floor:
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image file, no script, no text of ours)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your "
                                                 "authenticator app")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
