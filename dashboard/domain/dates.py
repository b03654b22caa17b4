"""Days as the app's date inputs send them: "YYYY-MM-DD"."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|T)")


def parse_iso_day(raw: object) -> dt.date:
    """The day in an ISO date string (a time after it is ignored). Anything else raises
    ValueError: a number, a list, or a form Python would also accept ("20260201"), since
    only a forged request sends those."""
    if not isinstance(raw, str) or not _ISO_DAY.match(raw):
        raise ValueError("not a date")
    return dt.date.fromisoformat(raw[:10])
