"""Time `dashboard send-reminders` over the large clinic (issue 22).

    .venv/bin/python -m benchmarks.reminders [--database-url URL]

Builds the large demo clinic (5,000 clients; one open client with an address in four has a
link, consent and measures at home) in var/bench-reminders.sqlite3 unless the URL already
holds it, starts an SMTP server on 127.0.0.1 (aiosmtpd, from the test requirements), and
times: who is due (the set queries alone), the day's first run (every due reminder sent),
and a second run the same day (nothing left to send). Prints the figures; docs/PERFORMANCE.md
keeps them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from sqlalchemy import func, select

from dashboard.cli import main as cli
from dashboard.config import Settings, parse_smtp_url
from dashboard.db.engine import Database
from dashboard.db.migrate import upgrade
from dashboard.db.models import Client, EmailMessage, utcnow
from dashboard.db.reminders import reminders_due
from dashboard.reminders import send_reminders
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-for-reminders-timing"  # noqa: S105 - the links are the bench's own


def ensure_clinic(url: str) -> None:
    upgrade(url)
    db = Database(url)
    try:
        with db.read() as s:
            clients = s.scalar(select(func.count()).select_from(Client)) or 0
    finally:
        db.dispose()
    if clients >= 5000:
        return
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = SECRET  # the demo's links are made with the bench's key
    cli(["load-catalogue"])
    cli(["demo", "--size", "large"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url",
                        default=f"sqlite:///{ROOT / 'var' / 'bench-reminders.sqlite3'}")
    args = parser.parse_args()
    ensure_clinic(args.database_url)
    db = Database(args.database_url)
    with smtp_server() as mail:
        settings = Settings(database_url=args.database_url, secret_key=SECRET,
                            environment="test", public_url="https://care.example.org",
                            smtp=parse_smtp_url(mail.url, "reminders@example.org"))
        today = dt.datetime.now(settings.tz).date()
        with db.begin() as s:  # every run starts from a day with nothing sent yet
            s.execute(EmailMessage.__table__.delete())
        started = time.perf_counter()
        with db.read() as s:
            due = reminders_due(s, today=today, now=utcnow(), tz=settings.tz)
        who = time.perf_counter() - started
        first = send_reminders(db, settings, today=today)
        second = send_reminders(db, settings, today=today)
        received = len(mail.wait_for(first.sent))
    db.dispose()
    print(f"Who is due (set queries): {len(due)} clients in {who * 1000:.0f} ms")
    print(f"First run:  {first.summary()} ({received} received by the SMTP server)")
    print(f"Second run: {second.summary()}")


if __name__ == "__main__":
    main()
