"""Ids and whole numbers from the browser: the one parser that routes and callbacks share.

The app itself only ever sends an id as an int or its decimal digits (a URL segment, a
select's value). Anything else, such as ``true``, ``1.9``, ``"١"`` (Arabic-Indic one, which
``str.isdigit`` accepts), ``"²"`` (which ``int`` refuses) or a number past the database's
integer range (SQLite raises OverflowError beyond 64 bits), is refused here with None, so
the caller answers 404 or puts a message by the field instead of failing with a 500.
"""

from __future__ import annotations

import re

# Primary keys are INTEGER: 32 bits on PostgreSQL, the narrower of the two backends.
ID_MAX = 2**31 - 1
# More digits than this is never an int in range; refused before int() looks at it
# (int() of thousands of digits is slow, and Python refuses past 4300 digits).
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_int(raw: object, *, low: int, high: int, strip: bool = False) -> int | None:
    """A whole number within ``low..high`` from an int or ASCII decimal digits; else None.

    ``strip`` allows spaces around typed text (a form field); ids are never typed.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip() if strip else raw
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    else:
        return None
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A record id (1 up to the database's integer range), or None."""
    return parse_int(raw, low=1, high=ID_MAX)


def parse_page(raw: object) -> int:
    """A page number of a paginated list: 1 when missing or not a page number."""
    return parse_int(raw, low=1, high=ID_MAX) or 1
