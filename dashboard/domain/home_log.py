"""The client's own link and daily log between visits: plain rules, no Flask, no SQL.

- A link's token is at least 128 bits of randomness; the app derives it from a random seed
  and its secret key, stores only its SHA-256, and ends it at discharge, at expiry
  (the clinic's number of days, 90 unless set) or when revoked.
- The client logs today and the six days before (in the clinic's time zone), one entry
  a day; a second save of the same day corrects the first.
- Which parts are ticked: every part with a dose the client does on days; advice with no
  days (eat well, see your doctor) is not something to tick.
- Scores are whole numbers 0-10 typed as plain digits, nothing else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import segno

from dashboard.domain.dose import Dose

TOKEN_BYTES = 24  # 192 bits: above the 128 bits the issue asks for
DEFAULT_LINK_DAYS = 90
LINK_DAYS_MIN, LINK_DAYS_MAX = 1, 365
LOG_DAYS = 7  # today and the six days before
SCORE_MIN, SCORE_MAX = 0, 10
# A rise of 2 points on a 0-10 pain scale is the smallest change patients with back pain
# notice as real (minimal clinically important difference: Farrar et al., Pain
# 2001;94:149-158; Childs et al., Spine 2005;30:1331-1334, 2.2 points for low back pain).
HOME_PAIN_RISE = 2


def new_token_seed() -> str:
    return secrets.token_hex(32)


def link_token(secret_key: str, seed: str) -> str:
    """The link's token: HMAC-SHA256 of the seed under the app's secret key, 192 bits of it
    as URL-safe text (32 characters). Without the secret key the seed opens nothing."""
    digest = hmac.new(secret_key.encode(), b"client-link:" + seed.encode(),
                      hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plausible_token(raw: str) -> bool:
    """The shape of a token (checked before the database is asked)."""
    return len(raw) == 32 and all(c.isascii() and (c.isalnum() or c in "-_") for c in raw)


CLIENT_PATH = "/my/"


def client_link_url(base_url: str, token: str) -> str:
    """The link a client opens: the app's address, then /my/ and the token."""
    return f"{base_url.rstrip('/')}{CLIENT_PATH}{token}"


def short_link(url: str) -> str:
    """The link without its scheme, for people to type from paper."""
    return url.split("://", 1)[-1]


def link_qr_svg(url: str, *, scale: int = 4) -> str:
    """The link as an inline SVG QR code (no script, no image fetched from anywhere)."""
    return segno.make(url, error="m").svg_inline(
        scale=scale, title="QR code of your own link", dark="#000", light="#fff")


def link_expires_at(created_at: dt.datetime, days: int) -> dt.datetime:
    return created_at + dt.timedelta(days=days)


def link_is_live(*, now: dt.datetime, expires_at: dt.datetime, revoked: bool,
                 episode_ended: bool) -> bool:
    return not revoked and not episode_ended and now < expires_at


def clean_link_days(raw: object) -> tuple[int | None, str | None]:
    text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()):
        return None, "Enter a whole number of days."
    days = int(text)
    if not LINK_DAYS_MIN <= days <= LINK_DAYS_MAX:
        return None, f"Between {LINK_DAYS_MIN} and {LINK_DAYS_MAX} days."
    return days, None


def is_tickable(dose: Dose) -> bool:
    """Advice with no days (eat well, see your doctor) is not ticked; everything else is."""
    return not (dose.kind == "advice" and dose.days_per_week is None)


def loggable_days(today: dt.date) -> list[dt.date]:
    """Today first, then the six days before."""
    return [today - dt.timedelta(days=n) for n in range(LOG_DAYS)]


@dataclass(frozen=True)
class HomePoint:
    """Pain and stress the client gave for a day at home (either may be missing)."""

    log_on: dt.date
    pain: int | None
    stress: int | None


@dataclass(frozen=True)
class HomeEntry:
    """One day the client reported at home, with the names of the parts ticked done
    (``source`` "client": reported by the client, not measured at a session)."""

    log_on: dt.date
    pain: int | None
    stress: int | None
    parts_done: tuple[str, ...]
    source: str = "client"


@dataclass(frozen=True)
class DayLog:
    log_on: dt.date
    pain: int | None
    stress: int | None
    done_item_ids: frozenset[int]


def _score(raw: str, label: str) -> tuple[int | None, str | None]:
    text = raw.strip()
    if text == "":
        return None, None
    if not (text.isascii() and text.isdigit() and len(text) <= 2):
        return None, f"{label} must be a whole number from {SCORE_MIN} to {SCORE_MAX}."
    value = int(text)
    if not SCORE_MIN <= value <= SCORE_MAX:
        return None, f"{label} must be a whole number from {SCORE_MIN} to {SCORE_MAX}."
    return value, None


def parse_day_log(form: Mapping[str, Sequence[str]], *, today: dt.date,
                  tickable_item_ids: Iterable[int]) -> tuple[DayLog | None, dict[str, str]]:
    """A day's log from the form's values (each field a list of strings, as a browser sends
    them), and problems keyed by field. Refused: a date not among the loggable days, a part
    id not tickable in this plan, a score that is not a whole number 0-10, a field twice."""
    errors: dict[str, str] = {}
    allowed = set(tickable_item_ids)

    def one(name: str) -> str:
        values = form.get(name) or []
        if len(values) > 1:
            errors[name] = "Sent twice."
        return values[0] if values else ""

    day_text = one("day").strip()
    log_on = None
    try:
        if len(day_text) == 10 and day_text.isascii():
            log_on = dt.date.fromisoformat(day_text)
    except ValueError:
        log_on = None
    if log_on is None:
        errors["day"] = "Choose one of the days shown."
    elif log_on > today:
        errors["day"] = "That day has not come yet."
    elif log_on < today - dt.timedelta(days=LOG_DAYS - 1):
        errors["day"] = f"Only the last {LOG_DAYS} days can be logged."
    pain, problem = _score(one("pain"), "Pain")
    if problem:
        errors["pain"] = problem
    stress, problem = _score(one("stress"), "Stress")
    if problem:
        errors["stress"] = problem
    done: set[int] = set()
    for raw in form.get("done") or []:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 12) or int(raw) not in allowed:
            errors["done"] = "A part ticked is not in your current plan. Nothing was saved."
            break
        done.add(int(raw))
    if errors or log_on is None:
        return None, errors
    return DayLog(log_on, pain, stress, frozenset(done)), {}


def days_done_from_ticks(tick_days: Iterable[dt.date], *, session_on: dt.date) -> int:
    """Days done in the week before a session (the seven days up to the session's day),
    counted from the client's ticks: what the session form pre-fills."""
    start = session_on - dt.timedelta(days=LOG_DAYS - 1)
    return len({d for d in tick_days if start <= d <= session_on})


def days_logged(log_days: Iterable[dt.date], *, today: dt.date) -> int:
    """On how many of the last 7 days (today included) the client logged anything."""
    start = today - dt.timedelta(days=LOG_DAYS - 1)
    return len({d for d in log_days if start <= d <= today})


def home_pain_rose(*, last_session_pain: int | None, home_pain: int | None) -> bool:
    """The client's latest home pain is at least 2 points above their last session's."""
    return (last_session_pain is not None and home_pain is not None
            and home_pain - last_session_pain >= HOME_PAIN_RISE)


# Adherence when both sources exist. A session asks "on how many days of the past week did
# you do it?" and the practitioner records the answer (pre-filled from the client's ticks,
# corrected with the client): that recorded number counts for the week it covers, and the
# ticks of that week are not counted again. The ticks count on their own only for days
# after the episode's last session, which no session has confirmed yet: one provisional
# week, the seven days up to the latest day logged (and never before the last session).
def adherence_since_last_session(
        tick_days: Mapping[int, Iterable[dt.date]], *, last_session_on: dt.date | None,
        latest_log_on: dt.date | None) -> tuple[dt.date | None, dict[int, int]]:
    """(the day the provisional week ends, days ticked per plan part in it), or (None, {})
    when no day has been logged since the last session."""
    if latest_log_on is None or (last_session_on is not None
                                 and latest_log_on <= last_session_on):
        return None, {}
    start = latest_log_on - dt.timedelta(days=LOG_DAYS - 1)
    if last_session_on is not None:
        start = max(start, last_session_on + dt.timedelta(days=1))
    return latest_log_on, {item: len({d for d in days if start <= d <= latest_log_on})
                           for item, days in tick_days.items()}
