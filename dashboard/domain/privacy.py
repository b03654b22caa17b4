"""Privacy rules as plain functions: break-glass reasons, retention periods, erasure's
confirmation and the values an erased record keeps. No Dash, no SQL."""

from __future__ import annotations

import datetime as dt

from dashboard.domain.ids import ID_MAX, parse_int
from dashboard.domain.text import CONTROL_MESSAGE, has_control

REASON_MIN = 10  # the database checks the same (ck_break_glass_access_reason_len)
REASON_MAX = 500
RETENTION_MIN, RETENTION_MAX = 1, 100
SEARCH_MIN = 3  # characters before the clinic-wide search answers
SEARCH_LIMIT = 20

# What an erased client's row keeps: a tombstone, so audit entries still point somewhere.
ERASED_GIVEN_NAME = "Erased"
ERASED_DATE_OF_BIRTH = dt.date(1900, 1, 1)
ERASED_TEXT = "(erased)"
ERASED_REASON = "(erased with the client's record)"  # break-glass reasons need 10 characters


def erased_family_name(client_id: int) -> str:
    return f"client #{client_id}"


def clean_reason(raw: object) -> tuple[str, str | None]:
    """The reason for opening a colleague's client, trimmed, and a problem if any."""
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) < REASON_MIN:
        return text, (f"Give the reason in at least {REASON_MIN} characters (for example, "
                      "who you are covering for and why).")
    if len(text) > REASON_MAX:
        return text, f"At most {REASON_MAX} characters."
    if has_control(text, multiline=True):
        return text, CONTROL_MESSAGE
    return text, None


def clean_retention_years(raw: object) -> tuple[int | None, str | None]:
    """Years to keep records after discharge or archiving: a whole number in range."""
    if parse_int(raw, low=0, high=ID_MAX, strip=True) is None:
        return None, "Enter a whole number of years."
    years = parse_int(raw, low=RETENTION_MIN, high=RETENTION_MAX, strip=True)
    if years is None:
        return None, f"Between {RETENTION_MIN} and {RETENTION_MAX} years."
    return years, None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_activity(*dates: dt.date | None) -> dt.date | None:
    """The latest of the dates given (the retention clock starts there)."""
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def retention_ends(last: dt.date, years: int) -> dt.date:
    """The first day after the retention period that started on ``last``."""
    return add_years(last, years)


def confirmation_matches(typed: object, given_name: str, family_name: str) -> bool:
    """Erasure goes ahead only when the admin typed the client's full name exactly (case and
    inner spaces too; spaces around it are forgiven)."""
    return isinstance(typed, str) and typed.strip() == f"{given_name} {family_name}"


def search_problem(raw: object) -> tuple[str, str | None]:
    text = " ".join(raw.split())[:100] if isinstance(raw, str) else ""
    if len(text) < SEARCH_MIN:
        return text, f"Type at least {SEARCH_MIN} letters of the name."
    if has_control(text):
        return text, CONTROL_MESSAGE
    return text, None
