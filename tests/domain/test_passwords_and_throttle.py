import datetime as dt

from dashboard.auth import throttle
from dashboard.domain.passwords import password_problem
from dashboard.domain.people import age_on


def test_password_rules():
    assert password_problem("short") is not None
    assert password_problem("password1234") is not None  # common
    assert password_problem("aaaaaaaaaaaaaaa") is not None  # too easy
    assert password_problem("a long and unusual phrase") is None


def test_throttle_waits_grow_and_are_capped():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert throttle.wait_seconds(4, 4, now, now) == 0
    assert throttle.wait_seconds(5, 5, now, now) == 2
    assert throttle.wait_seconds(7, 7, now, now) == 8
    assert throttle.wait_seconds(30, 10, now, now) == throttle.MAX_WAIT_ACCOUNT
    later = now + dt.timedelta(seconds=throttle.MAX_WAIT_ACCOUNT)
    assert throttle.wait_seconds(30, 10, now, later) == 0
    assert throttle.wait_seconds(0, 40, now, now) == throttle.MAX_WAIT_ADDRESS


def test_age_counts_birthdays():
    assert age_on(dt.date(1980, 5, 17), dt.date(2026, 5, 16)) == 45
    assert age_on(dt.date(1980, 5, 17), dt.date(2026, 5, 17)) == 46
