"""How long a login must wait after failures: slows a guesser, never locks the owner out.

Failed passwords and codes (at sign-in, on the password form, on the two-step page) are
counted in three ways, each with its own free attempts and longest wait:

- per account and address pair: the guesser's own counter. 5 free, then 2, 4, 8 ... s up
  to 15 minutes: one address guessing at one account soon gets a guess every 15 minutes.
- per address, whatever the account: 20 free, then up to 5 minutes (one address trying
  many accounts).
- per account, whatever the address: 5 free, then up to 60 s (guessing spread over many
  addresses). This wait applies only to addresses that have failed on this account in the
  window: an address with no recent failures (the owner at their desk) is checked at once,
  so a guesser elsewhere cannot keep the owner out, and the owner, after a typo of their
  own, waits a minute at most.

The counters live in the database (``db/throttle.py``): each attempt is counted before the
password is checked, in a transaction holding the counters' rows, so parallel attempts are
counted one after another and none slips through between the check and the count.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    free: int
    max_wait: int  # seconds


PAIR = Limit(free=5, max_wait=900)
ADDRESS = Limit(free=20, max_wait=300)
ACCOUNT = Limit(free=5, max_wait=60)  # an attacker can delay a real user by a minute at most


@dataclass(frozen=True)
class Count:
    """Attempts counted against one key, and when the latest was."""

    failures: int = 0
    last_at: dt.datetime | None = None

    def recent(self, now: dt.datetime) -> int:
        """Failures still inside the window (all of them expire together: a quiet quarter
        of an hour wipes the slate)."""
        if self.last_at is None or now - self.last_at > WINDOW:
            return 0
        return self.failures


def _wait(count: Count, limit: Limit, now: dt.datetime) -> int:
    failures = count.recent(now)
    if failures < limit.free or count.last_at is None:
        return 0
    wait = min(limit.max_wait, 2 ** (failures - limit.free + 1))
    elapsed = (now - count.last_at).total_seconds()
    return max(0, math.ceil(wait - elapsed))


def wait_seconds(*, account: Count, address: Count, pair: Count, now: dt.datetime) -> int:
    """Seconds still to wait before this attempt may be checked; 0 when it may be now."""
    waits = [_wait(pair, PAIR, now), _wait(address, ADDRESS, now)]
    if pair.recent(now):
        waits.append(_wait(account, ACCOUNT, now))
    return max(waits)


def keys(email: str, ip: str) -> dict[str, str]:
    """The database keys of the three counters of an attempt."""
    return {"account": f"account:{email}", "address": f"address:{ip}",
            "pair": f"pair:{ip}:{email}"}


def address_wait(failures: int, last_at: dt.datetime | None, now: dt.datetime) -> int:
    """The per-address wait alone (unknown client-page links are counted per address)."""
    return _wait(Count(failures, last_at), ADDRESS, now)
