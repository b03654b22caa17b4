"""Email off the request path (issues 22 and 24): the practitioners' notice of an item-9
answer given at home goes through the app's jobs (its own bounded pool here, a Celery
worker with REDIS_URL), never a thread a request starts; today's reminders run as a Celery
task (and from Celery beat) as well as from cron, the same run with the same claims.

The Celery tests start a real ``dashboard worker`` (Debian's redis-server, the suite's SMTP
server on loopback, the test's SQLite file shared with the worker)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.config import Settings, parse_smtp_url
from dashboard.context import JOBS_KEY, SETTINGS_KEY
from dashboard.db.models import EmailMessage
from dashboard.jobs import REMINDERS_TASK, CeleryJobs, LocalJobs
from tests.factories import ALICE, assign_home_measures, home_phq9_form, open_own_page
from tests.smtp_server import smtp_server
from tests.test_reminders import CLIENT_EMAIL, PUBLIC, SENDER, _consenting

ROOT = Path(__file__).resolve().parents[1]
REDIS_DB = 6


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


def _messages(db) -> list[EmailMessage]:
    with db.read() as s:
        return list(s.scalars(select(EmailMessage).order_by(EmailMessage.id)))


def _wait_for_status(db, status: str, count: int, timeout: float = 30.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = [m.status for m in _messages(db)]
        if statuses.count(status) >= count:
            return statuses
        time.sleep(0.1)
    return [m.status for m in _messages(db)]


def test_an_item_9_notice_goes_on_the_apps_mail_pool_not_a_thread_per_request(
        app, linked, db, server, tmp_path, monkeypatch):
    """Before: each answer started its own ``safety-alert-notices`` thread. Now the app's
    one mail thread sends them, and the request leaves no other thread behind."""
    settings = dataclasses.replace(app.server.extensions[SETTINGS_KEY], public_url=PUBLIC,
                                   smtp=parse_smtp_url(server.url, SENDER))
    jobs = LocalJobs(dataclasses.replace(settings, data_dir=tmp_path))
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, settings)
    monkeypatch.setitem(app.server.extensions, JOBS_KEY, jobs)
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    before = set(threading.enumerate())
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(i9=1)).status_code == 303
    started = {t.name for t in set(threading.enumerate()) - before}
    assert [m.recipients for m in server.wait_for(1)] == [[ALICE]]
    jobs.close(wait=True)
    assert started <= {"alert-notices_0"}, started
    assert [(m.kind, m.status) for m in _messages(db)] == [("safety_alert", "sent")]


def test_a_full_mail_pool_leaves_the_notice_for_the_next_run(app, linked, db, tmp_path,
                                                               monkeypatch):
    """A closed (or saturated) pool declines: the answer is saved, the alert raised, and
    the notice waits in the outbox, unsent, for ``send-reminders``."""
    settings = dataclasses.replace(app.server.extensions[SETTINGS_KEY], public_url=PUBLIC,
                                   smtp=parse_smtp_url("smtp://127.0.0.1:9?tls=none", SENDER))
    jobs = LocalJobs(dataclasses.replace(settings, data_dir=tmp_path))
    jobs.close(wait=True)
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, settings)
    monkeypatch.setitem(app.server.extensions, JOBS_KEY, jobs)
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(i9=1)).status_code == 303
    assert [(m.kind, m.status, m.attempts) for m in _messages(db)] == [
        ("safety_alert", "pending", 0)]


# --- Celery on Redis: a real worker ------------------------------------------------------

def _settings(db, redis_url: str, smtp_url: str | None, data_dir: Path) -> Settings:
    return Settings(database_url=db.url, secret_key="test-secret", environment="test",
                    data_dir=data_dir, public_url=PUBLIC, redis_url=redis_url,
                    smtp=parse_smtp_url(smtp_url, SENDER) if smtp_url else None)


@contextlib.contextmanager
def _worker(db, redis_url: str, smtp_url: str, root: Path, *extra: str) -> Iterator[Path]:
    """``dashboard worker`` with the app's environment; yields its log file."""
    log_path = root / "worker.log"
    env = {**os.environ, "DATABASE_URL": db.url, "REDIS_URL": redis_url,
           "SECRET_KEY": "test-secret", "DASHBOARD_ENV": "test", "PUBLIC_URL": PUBLIC,
           "SMTP_URL": smtp_url, "SMTP_FROM": SENDER, "DASHBOARD_DATA_DIR": str(root)}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "worker", "--concurrency", "2",
             "--loglevel", "INFO", *extra], env=env, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while "ready." not in log_path.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the worker did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.2)
            yield log_path
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server):
    redis_server.client(REDIS_DB).flushdb()
    yield redis_server.url(REDIS_DB)
    redis_server.client(REDIS_DB).flushdb()


def test_an_item_9_notice_is_sent_by_the_celery_worker(app, linked, db, server, redis_url,
                                                       tmp_path, monkeypatch):
    settings = _settings(db, redis_url, server.url, tmp_path)
    jobs = CeleryJobs(settings, Flask("t"))
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, dataclasses.replace(
        app.server.extensions[SETTINGS_KEY], public_url=PUBLIC, smtp=settings.smtp))
    monkeypatch.setitem(app.server.extensions, JOBS_KEY, jobs)
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    before = set(threading.enumerate())
    try:
        # The task is queued in Redis before any worker runs: it waits there.
        assert browser.post("/my/measures/PHQ9",
                            data=home_phq9_form(i9=1)).status_code == 303
        assert not {t.name for t in set(threading.enumerate()) - before
                    if not t.name.startswith(("Dummy", "Thread-"))}
        assert server.received == [] and _messages(db)[0].status == "pending"
        with _worker(db, redis_url, server.url, tmp_path):
            mails = server.wait_for(1, timeout=60)
            assert [m.recipients for m in mails] == [[ALICE]]
            assert mails[0].message["Subject"] == (
                "A client's answer needs your attention today")
            assert _wait_for_status(db, "sent", 1) == ["sent"]
    finally:
        jobs.close()


def test_reminders_run_as_a_celery_task_once_a_day_with_beat_scheduled(
        linked, db, server, redis_url, tmp_path):
    """The same run as ``dashboard send-reminders``: two tasks at once on a worker of two
    processes send one reminder (the claims in the database), and a later run none."""
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    jobs = CeleryJobs(_settings(db, redis_url, server.url, tmp_path), Flask("t"))
    try:
        entry = jobs.celery.conf.beat_schedule["send-reminders"]
        assert entry["task"] == REMINDERS_TASK
        assert entry["schedule"].hour == set(range(8, 21))
        assert entry["schedule"].minute == {15}
        with _worker(db, redis_url, server.url, tmp_path, "--beat") as log:
            runs = [jobs.send_reminders_task.delay() for _ in range(2)]
            summaries = sorted(run.get(timeout=60) for run in runs)
            assert [s.split(".")[0] for s in summaries] == [
                "Reminders: 1 due, 0 sent, 0 failed, 0 bounced, 1 already done today",
                "Reminders: 1 due, 1 sent, 0 failed, 0 bounced, 0 already done today"]
            [mail] = server.wait_for(1)
            assert mail.recipients == [CLIENT_EMAIL]
            assert f"{PUBLIC}/my/{linked['token']}" in mail.body
            again = jobs.send_reminders_task.delay().get(timeout=60)
            assert "0 sent" in again and "1 already done today" in again
            assert "beat: Starting" in log.read_text()
        assert len(server.received) == 1
        assert [(m.kind, m.status) for m in _messages(db)] == [("reminder", "sent")]
    finally:
        jobs.close()


def test_a_worker_without_email_says_so_instead_of_failing(db, redis_url, tmp_path):
    jobs = CeleryJobs(_settings(db, redis_url, None, tmp_path), Flask("t"))
    try:
        assert "SMTP_URL is not set" in jobs.send_reminders_task.apply().get()
    finally:
        jobs.close()
