"""How long a login must wait after repeated failures: slows guessing, never locks for long."""

from __future__ import annotations

import datetime as dt

WINDOW = dt.timedelta(minutes=15)
FREE_PER_ACCOUNT = 5
FREE_PER_ADDRESS = 20
MAX_WAIT_ACCOUNT = 60  # seconds: an attacker can delay a real user by a minute at most
MAX_WAIT_ADDRESS = 300


def wait_seconds(
    failures_by_account: int, failures_by_address: int,
    last_failure: dt.datetime | None, now: dt.datetime,
) -> int:
    """Seconds still to wait before another attempt is checked; 0 when one may try now."""
    if last_failure is None:
        return 0
    waits = [0]
    if failures_by_account >= FREE_PER_ACCOUNT:
        waits.append(min(MAX_WAIT_ACCOUNT, 2 ** (failures_by_account - FREE_PER_ACCOUNT + 1)))
    if failures_by_address >= FREE_PER_ADDRESS:
        waits.append(min(MAX_WAIT_ADDRESS, 2 ** (failures_by_address - FREE_PER_ADDRESS + 1)))
    elapsed = (now - last_failure).total_seconds()
    return max(0, int(max(waits) - elapsed + 0.999))
