"""Invisible control characters in typed or imported text.

Refused rather than stored: PostgreSQL cannot store NUL at all (the save would fail with a
server error), and others (escape, backspace, bell) hide or garble what a reader sees on
screen, in a CSV or on a printed handout. Tabs and line breaks are allowed where a field
has several lines.
"""

from __future__ import annotations

import re

_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "Remove the invisible control characters from this text."


def has_control(value: object, *, multiline: bool = False) -> bool:
    if not isinstance(value, str):
        return False
    return bool((_MULTI_LINE if multiline else _SINGLE_LINE).search(value))
