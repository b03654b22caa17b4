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


MAX_PERIOD_DAYS = 3 * 366


def parse_period(start: object, end: object, today: dt.date) -> tuple[dt.date, dt.date] | str:
    """A reporting period from two date inputs: both days, in order, at most three years,
    the end no later than today. A string is the message to show when it is not one."""
    try:
        first, last = parse_iso_day(start), parse_iso_day(end)
    except ValueError:
        return "Enter both dates."
    if first > last:
        return "The start date must be before the end date."
    if (last - first).days > MAX_PERIOD_DAYS:
        return "Choose a range of at most three years."
    return first, min(last, today)
