"""Days as the app writes them and reads them back: the one date format of the app.

The clinic works in one locale (British English, the clinic's time zone Europe/London by
default), and every day the app shows, and every date field, is written "30 Nov 2026":
the day without a leading zero, the month's first three letters, the year in full (the
GOV.UK style, shortened for tables). No reader can take it for another day, whatever their
browser's language: "03/04/2026" is 3 April in London and 4 March in Boston, which is why
the date fields are text fields the app fills and reads, not the browser's own date input
(that one shows the day in the order of the computer's language, not the clinic's).

Reading is forgiving, as people type: "30 Nov 2026", "30 november 2026", "30-Nov-2026",
numbers day first as the clinic writes them ("30/11/2026", "30.11.2026"), and ISO
("2026-11-30", what files, links and the command line use). A two-digit year is refused: a
date of birth "01/02/34" could be 1934 or 2034.

Plotly writes the graphs' axes and hover labels from ``D3_DAY_FORMAT``, the same format in
d3's notation. What a client reads (the handout, the client's own page, their copy of the
record) spells the month out, "30 November 2026", and names the weekday for a day of the
current week ("Monday 30 November"); the templates use these through ``template_filters``.
Dates in files the app writes (CSV, FHIR) stay ISO: they are for machines. The CSV import
reads its dates with ``parse_day``, so a spreadsheet's "30/11/2026" is read as the clinic
means it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
D3_DAY_FORMAT = "%-d %b %Y"  # the same as format_day, for Plotly's axes and hover labels
DAY_EXAMPLE = "30 Nov 2026"
DAY_HINT = f"Enter a date like {DAY_EXAMPLE}."

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|T)")
_SEP = r"[\s./,-]+"
_NAMED = re.compile(rf"^(\d{{1,2}}){_SEP}([a-z]+){_SEP}(\d+)$")
_NUMBERS = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d+)$")
MAX_TYPED_DAY = 40


def format_day(day: dt.date) -> str:
    """"30 Nov 2026" (and "1 Dec 2026"): every day the app shows, and the date fields'
    values. Built by hand, not with strftime, so the machine's locale cannot change it."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_day_long(day: dt.date) -> str:
    """"30 November 2026": the same day in words a client reads (the handout, the client's
    own page, their copy of the record), where a table's short month would look clipped."""
    return f"{day.day} {FULL_MONTHS[day.month - 1].capitalize()} {day.year}"


def format_weekday(day: dt.date) -> str:
    """"Monday 30 November": a day of the client's current week on their own page, where
    the weekday is what they go by and the year goes without saying."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {FULL_MONTHS[day.month - 1].capitalize()}"


def format_day_time(at: dt.datetime, *, seconds: bool = False) -> str:
    """"30 Nov 2026 14:05": a moment, already in the clinic's time zone."""
    return f"{format_day(at)} {at:%H:%M:%S}" if seconds else f"{format_day(at)} {at:%H:%M}"


def format_day_time_long(at: dt.datetime) -> str:
    """"30 November 2026, 14:05": a moment in a client's words."""
    return f"{format_day_long(at)}, {at:%H:%M}"


def template_filters() -> dict[str, Callable[..., str]]:
    """The same formats for the HTML templates (pages, papers): ``{{ day|day }}``."""
    return {"day": format_day, "day_long": format_day_long, "weekday": format_weekday,
            "day_time": format_day_time, "day_time_long": format_day_time_long}


def _month(word: str) -> int:
    for number, name in enumerate(FULL_MONTHS, start=1):
        # "nov", "november", "sept": the month's first three letters or more of its name.
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError("not a month")


def parse_day(raw: object) -> dt.date:
    """The day in a date field or a file: "30 Nov 2026", "30/11/2026" (day first) or ISO
    "2026-11-30". Anything else raises ValueError (show ``DAY_HINT``): a number or a list
    (only a forged request sends those), a two-digit year, a day that does not exist."""
    if not isinstance(raw, str) or len(raw) > MAX_TYPED_DAY:
        raise ValueError("not a date")
    text = raw.strip()
    if _ISO_DAY.match(text):
        return dt.date.fromisoformat(text[:10])
    text = text.lower()
    if named := _NAMED.match(text):
        day, month, year = named[1], _month(named[2]), named[3]
    elif numbers := _NUMBERS.match(text):
        day, month, year = numbers[1], int(numbers[2]), numbers[3]
    else:
        raise ValueError("not a date")
    if len(year) != 4:
        raise ValueError("write the year in full")
    return dt.date(int(year), month, int(day))


def parse_optional_day(raw: object) -> dt.date | None:
    """``parse_day`` for a field that may be left empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_day(raw)


def parse_iso_day(raw: object) -> dt.date:
    """The day in an ISO date string (a time after it is ignored), for what machines send:
    links and the command line. Anything else raises ValueError: a number, a list, or a
    form Python would also accept ("20260201")."""
    if not isinstance(raw, str) or not _ISO_DAY.match(raw):
        raise ValueError("not a date")
    return dt.date.fromisoformat(raw[:10])


MAX_PERIOD_DAYS = 3 * 366


def parse_period(start: object, end: object, today: dt.date) -> tuple[dt.date, dt.date] | str:
    """A reporting period from two dates (date fields, a link or the command line): both
    days, in order, at most three years, the end no later than today. A string is the
    message to show when it is not one."""
    try:
        first, last = parse_day(start), parse_day(end)
    except ValueError:
        return f"Enter both dates. Write them like {DAY_EXAMPLE}."
    if first > last:
        return "The start date must be before the end date."
    if (last - first).days > MAX_PERIOD_DAYS:
        return "Choose a range of at most three years."
    return first, min(last, today)
