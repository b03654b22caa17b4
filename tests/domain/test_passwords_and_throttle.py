import datetime as dt

from dashboard.domain import throttle
from dashboard.domain.passwords import password_problem
from dashboard.domain.people import age_on


def test_password_rules():
    assert password_problem("short") is not None
    assert password_problem("password1234") is not None  # common
    assert password_problem("aaaaaaaaaaaaaaa") is not None  # too easy
    assert password_problem("a long and unusual phrase") is None


def test_throttle_waits_grow_and_are_capped():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    C = throttle.Count

    def wait(account=0, address=0, pair=0, at=now):
        return throttle.wait_seconds(account=C(account, now), address=C(address, now),
                                     pair=C(pair, now), now=at)

    assert wait(4, 4, 4) == 0
    assert wait(5, 5, 5) == 2
    assert wait(7, 7, 7) == 8
    assert wait(30, 10, 3) == throttle.ACCOUNT.max_wait
    assert wait(30, 10, 30) == throttle.PAIR.max_wait
    later = now + dt.timedelta(seconds=throttle.ACCOUNT.max_wait)
    assert wait(30, 10, 3, at=later) == 0
    assert wait(0, 40, 0) == throttle.ADDRESS.max_wait
    # An address with no failures on this account is not held by the account's count.
    assert wait(30, 0, 0) == 0
    # A quiet quarter of an hour wipes the slate.
    assert wait(30, 40, 30, at=now + throttle.WINDOW + dt.timedelta(seconds=1)) == 0


def test_age_counts_birthdays():
    assert age_on(dt.date(1980, 5, 17), dt.date(2026, 5, 16)) == 45
    assert age_on(dt.date(1980, 5, 17), dt.date(2026, 5, 17)) == 46
