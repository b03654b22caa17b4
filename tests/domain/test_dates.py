"""The app's one date format (issue 19): written "30 Nov 2026", read as people type it."""

import datetime as dt

import pytest

from dashboard.domain.dates import (
    DAY_HINT,
    format_day,
    format_day_long,
    format_day_time,
    format_weekday,
    parse_day,
    parse_optional_day,
    parse_period,
)

NOV_30 = dt.date(2026, 11, 30)


def test_a_day_is_written_one_way_whatever_the_machine_locale():
    assert format_day(NOV_30) == "30 Nov 2026"
    assert format_day(dt.date(2026, 12, 1)) == "1 Dec 2026"  # no leading zero
    assert format_day_long(dt.date(2026, 9, 3)) == "3 September 2026"
    assert format_weekday(NOV_30) == "Monday 30 November"
    assert format_day_time(dt.datetime(2026, 3, 4, 9, 5, 7)) == "4 Mar 2026 09:05"
    assert format_day_time(dt.datetime(2026, 3, 4, 9, 5, 7), seconds=True) == \
        "4 Mar 2026 09:05:07"


@pytest.mark.parametrize("typed", [
    "30 Nov 2026", "30 nov 2026", " 30 NOV 2026 ", "30 November 2026", "30-Nov-2026",
    "30 Nov, 2026", "30/11/2026", "30.11.2026", "30-11-2026", "2026-11-30",
    "2026-11-30T10:00", format_day(NOV_30)])
def test_a_day_is_read_as_people_type_it_day_first(typed):
    assert parse_day(typed) == NOV_30


def test_numbers_are_read_day_first_as_the_clinic_writes_them():
    assert parse_day("3/4/2026") == dt.date(2026, 4, 3)  # 3 April, not 4 March


@pytest.mark.parametrize("typed", [
    "11/30/2026",   # the month first: no 30th month
    "30/11/26",     # a two-digit year: 1926 or 2026?
    "31 Nov 2026",  # no such day
    "30 No 2026",   # too short to name a month
    "Nov 30 2026", "tomorrow", "", "20261130", "30 Nov 2026 2026", "1" * 50,
    None, 20261130, ["2026-11-30"], {"date": "2026-11-30"}])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse_day(typed)


def test_an_empty_optional_field_is_no_day():
    assert parse_optional_day("") is None and parse_optional_day("  ") is None
    assert parse_optional_day(None) is None
    assert parse_optional_day("1 Dec 2026") == dt.date(2026, 12, 1)
    with pytest.raises(ValueError):
        parse_optional_day("soon")


def test_a_period_reads_both_forms_and_names_the_format_when_it_cannot():
    assert parse_period("1 Jan 2026", "2026-03-01", NOV_30) == (dt.date(2026, 1, 1),
                                                                 dt.date(2026, 3, 1))
    assert "30 Nov 2026" in parse_period("01/13/2026", "1 Mar 2026", NOV_30)


def test_the_hint_shows_the_format():
    assert DAY_HINT == "Enter a date like 30 Nov 2026."
