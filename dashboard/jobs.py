"""Background work, owned by the app object (``app.server.extensions[JOBS_KEY]``).

Work that leaves the request: Dash's background callbacks (a batch of handouts, a CSV
import), the handout laid out ahead after a plan is saved, and the practitioners' notices
of a safety alert raised on the client's own page; besides these, today's email reminders
(reminders.py) run from cron or, on Celery, as a task. Where they run depends on
``REDIS_URL``:

- **Not set (one machine, the default).** Background callbacks run in a process on this
  host (Dash's ``DiskcacheManager``, results in ``var/jobs``); handouts ahead and notices
  run on small thread pools the app owns (one each, so a PDF being laid out never delays a
  safety notice), bounded: when a pool is busy, a handout is simply not laid out ahead (the
  download lays it out) and a notice waits in the outbox for the next ``send-reminders``
  run, so a burst of requests never piles up threads or work. Reminders: cron.
- **Set (several hosts).** All are Celery tasks through Redis, run by ``dashboard worker``
  on any host; results live in Redis (Dash's ``CeleryManager``), so a job started through
  one app host is collected through another. A download that finds no handout laid out
  has a worker lay it out while the request waits (``lay_out_for_download``): web hosts
  keep their CPU for requests. Reminders: the same task, from cron (``send-reminders``) or
  Celery beat (``dashboard worker --beat``) every hour.

Dash keeps a job's result until the browser fetches it, then deletes it: a batch of
handouts (names and plans) passes through it. Results never fetched (a browser closed
mid-job) would stay, so an erasure clears them (``clear_results``) in either backend.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import diskcache
from dash import CeleryManager, DiskcacheManager
from flask import Flask

from dashboard.config import Settings
from dashboard.context import JOBS_KEY
from dashboard.db.engine import Database
from dashboard.handout.documents import lay_out_ahead
from dashboard.reminders import EmailOff, deliver_notices, send_todays_reminders

JOBS_DIR = "jobs"
HANDOUT_AHEAD_TASK = "dashboard.lay_out_handout_ahead"
HANDOUT_NOW_TASK = "dashboard.lay_out_handout_for_download"
ALERT_NOTICES_TASK = "dashboard.send_alert_notices"
REMINDERS_TASK = "dashboard.send_reminders"
# Celery beat (``dashboard worker --beat``): a reminder run at 15 past every hour from 8 to
# 20, the clinic's time (the README's cron line). A run not started within the hour is
# dropped (the next one does its work): a worker back after an outage runs one, not ten.
REMINDER_HOURS = "8-20"
REMINDER_MINUTE = 15
REMINDER_EXPIRES_SECONDS = 3000
# A result nobody fetched is dropped by Redis after this long (a closed browser's batch).
RESULT_SECONDS = 3600
# How long a download waits for a worker to lay its handout out before doing it itself (a
# worker busy with a batch, or down); a task not started by then is dropped unrun.
HANDOUT_WAIT_SECONDS = 15.0
HANDOUT_POLL_SECONDS = 0.05
# What Dash and Celery write in the result store: Dash's job results are SHA-256 keys
# (with "-progress" and "-set_props" beside them), Celery's own task states
# "celery-task-meta-<id>". Anything else there (the broker's queues) is not a result.
RESULT_KEY = re.compile(rb"^(?:[0-9a-f]{64}(?:-progress|-set_props)?|celery-task-meta-.+)$")

log = logging.getLogger(__name__)


def job_cache(data_dir: Path) -> diskcache.Cache:
    directory = data_dir / JOBS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    # A "sqlite_" setting is applied by diskcache as a PRAGMA on each of its connections.
    # Its SQLite file zeroes deleted content (``secure_delete``); large results are
    # separate files, unlinked on delete.
    return diskcache.Cache(str(directory), sqlite_secure_delete=1)


class BoundedExecutor:
    """A thread pool with at most ``workers`` threads and ``waiting`` queued tasks; past that
    ``submit`` declines (returns False) instead of queueing without end."""

    def __init__(self, *, workers: int, waiting: int, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._limit = workers + waiting
        self._in_hand = 0  # submitted and not finished
        self._changed = threading.Condition()

    def submit(self, fn: Callable[..., object], *args: object) -> bool:
        with self._changed:
            if self._in_hand >= self._limit:
                return False
            self._in_hand += 1
        try:
            future = self._pool.submit(fn, *args)
        except RuntimeError:  # shut down
            self._finished_one()
            return False
        future.add_done_callback(self._finished)
        return True

    def _finished_one(self) -> None:
        with self._changed:
            self._in_hand -= 1
            self._changed.notify_all()

    def _finished(self, future: Future) -> None:
        self._finished_one()
        if future.exception() is not None:
            log.error("background task failed", exc_info=future.exception())

    def shutdown(self, *, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every task submitted has finished (True), or ``timeout`` seconds
        (False). New tasks are taken meanwhile, and waited for too."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_hand == 0, timeout)


class LocalJobs:
    """One machine: background callbacks in a process here, handouts ahead on the app's pool."""

    def __init__(self, settings: Settings) -> None:
        self._data_dir = settings.data_dir
        self.callback_manager = DiskcacheManager(job_cache(settings.data_dir))
        # One thread: laying out a PDF is CPU-bound, and a gunicorn worker's request threads
        # must keep the CPU for requests. A few waiting saves are enough; more are dropped.
        self._executor = BoundedExecutor(workers=1, waiting=4, name="handout-ahead")
        # Notices wait on a mail server, not the CPU: their own thread, so a handout being
        # laid out never holds one back. Past its queue a notice stays in the outbox, and
        # the next reminder run sends it.
        self._mail = BoundedExecutor(workers=1, waiting=32, name="alert-notices")
        self._secret_key = settings.secret_key

    def lay_out_handout_ahead(self, database: Database, client_id: int, base_url: str) -> bool:
        """Queue the client's current handout to be laid out, with their live link at
        ``base_url`` (the app's address, as the download will see it); False if the pool
        is full."""
        return self._executor.submit(partial(lay_out_ahead, database, client_id,
                                             secret_key=self._secret_key, base_url=base_url))

    def lay_out_for_download(self, client_id: int, *, version: int, page_size: str,
                             base_url: str) -> str | None:
        """None: on one machine the download lays its handout out itself. The app's pool
        runs on the same cores, so handing the work to it and waiting would only add a
        hop (and the pool may be busy with a handout laid out ahead)."""
        return None

    def send_alert_notices(self, database: Database, settings: Settings, *, base_url: str,
                           message_ids: Sequence[int]) -> bool:
        """Queue the practitioners' notices (already in the outbox, committed) to be sent;
        False if the pool is full (the next ``send-reminders`` run sends them)."""
        return self._mail.submit(partial(deliver_notices, database, settings,
                                         base_url=base_url, message_ids=list(message_ids)))

    def clear_results(self) -> int:
        """Drop every stored job result and progress entry; a batch running now still
        delivers (its result is written after this). Returns how many entries went."""
        cache = job_cache(self._data_dir)
        try:
            return cache.clear()
        finally:
            cache.close()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait, ``timeout`` seconds at most in all, until the handouts laid out ahead and
        the notices queued have all been dealt with: the benchmark, so that one
        measurement's background work does not run on the CPU during the next."""
        deadline = time.monotonic() + timeout
        return all(pool.wait_idle(max(0.0, deadline - time.monotonic()))
                   for pool in (self._executor, self._mail))

    def close(self, *, wait: bool = False) -> None:
        self._executor.shutdown(wait=wait)
        self._mail.shutdown(wait=wait)


def make_celery(redis_url: str, server: Flask) -> Any:
    """A Celery app on Redis (broker and result store) whose tasks run inside the Flask
    app's context, as a request's code does (settings, the database, the clinic's today)."""
    from celery import Celery, Task

    class AppContextTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with server.app_context():
                return self.run(*args, **kwargs)

    from celery.schedules import crontab

    celery = Celery("dashboard", broker=redis_url, backend=redis_url, task_cls=AppContextTask,
                    set_as_current=False)
    celery.conf.update(
        # Only a worker started with --beat reads this (one host is enough; a second beat
        # would only find every reminder claimed already).
        beat_schedule={"send-reminders": {
            "task": REMINDERS_TASK,
            "schedule": crontab(minute=str(REMINDER_MINUTE), hour=REMINDER_HOURS),
            "options": {"expires": REMINDER_EXPIRES_SECONDS}}},
        task_serializer="json", result_serializer="json", accept_content=["json"],
        result_expires=RESULT_SECONDS,
        # One task at a time per worker process: a batch of handouts is long, and a quick
        # task should not wait behind it in a process's prefetched queue.
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return celery


class PollingCeleryManager(CeleryManager):
    """Dash's ``CeleryManager`` without a lost result (plotly/dash#2808: background
    callbacks on Celery "intermittently answer 204").

    Each poll reads the result first and asks whether the task still runs second. A task
    that finishes between the two has written its result after the read and reports
    SUCCESS at the question: Dash then takes the job for cancelled and answers 204 (no
    update), and the browser stops polling with the result left in Redis. Here a finished
    task whose result is still waiting counts as running, so the next poll collects it."""

    def __init__(self, celery_app: Any) -> None:
        super().__init__(celery_app)
        self._poll = threading.local()  # the result key this request's poll just read

    def get_result(self, key: str, job: Any) -> Any:
        self._poll.key = key
        return super().get_result(key, job)

    def job_running(self, job: Any) -> bool:
        key = self._poll.__dict__.pop("key", None)
        if super().job_running(job):
            return True
        return key is not None and self.handle.backend.get(key) is not None


class CeleryJobs:
    """Several hosts: Celery tasks through Redis, run by ``dashboard worker``."""

    def __init__(self, settings: Settings, server: Flask) -> None:
        self.celery = make_celery(settings.redis_url, server)
        self.celery.conf.timezone = settings.timezone  # beat's hours are the clinic's
        self.callback_manager = PollingCeleryManager(self.celery)
        self._settings = settings
        self._database_url = settings.database_url
        # The worker's own engine, made in the worker process that first needs it (a
        # connection pool must not cross a fork).
        self._worker_database: tuple[int, Database] | None = None

        secret_key = settings.secret_key

        def lay_out_in_worker(client_id: int, base_url: str) -> None:
            lay_out_ahead(self._database_in_worker(), client_id, secret_key=secret_key,
                          base_url=base_url)

        self._handout_ahead = self.celery.task(name=HANDOUT_AHEAD_TASK, ignore_result=True)(
            lay_out_in_worker)

        def lay_out_for_download_in_worker(client_id: int, version: int, page_size: str,
                                           base_url: str) -> str | None:
            """The result is only the HTML's SHA-256: the PDF goes through the database,
            never through Redis."""
            return lay_out_ahead(self._database_in_worker(), client_id, secret_key=secret_key,
                                 base_url=base_url, version=version, page_size=page_size)

        self._handout_now = self.celery.task(name=HANDOUT_NOW_TASK)(
            lay_out_for_download_in_worker)

        def send_notices_in_worker(base_url: str, message_ids: list[int]) -> None:
            deliver_notices(self._database_in_worker(), self._settings, base_url=base_url,
                            message_ids=message_ids)

        self._alert_notices = self.celery.task(name=ALERT_NOTICES_TASK, ignore_result=True)(
            send_notices_in_worker)

        def remind_in_worker() -> str:
            """The same run as ``dashboard send-reminders``; its summary (counts only) is
            the task's result."""
            try:
                return send_todays_reminders(self._database_in_worker(),
                                             self._settings).summary()
            except EmailOff as off:  # this worker has no email set up: say so, every run
                log.warning("%s", off)
                return str(off)

        self.send_reminders_task = self.celery.task(name=REMINDERS_TASK)(remind_in_worker)

    def _database_in_worker(self) -> Database:
        if self._worker_database is None or self._worker_database[0] != os.getpid():
            self._worker_database = (os.getpid(), Database(self._database_url))
        return self._worker_database[1]

    def lay_out_handout_ahead(self, _database: Database, client_id: int, base_url: str) -> bool:
        """Queue the task (only the client's id and the app's address travel through Redis;
        the worker derives the link itself). A Redis that cannot be reached loses only the
        head start: the download lays the handout out."""
        try:
            self._handout_ahead.delay(client_id, base_url)
        except Exception:  # kombu's and redis-py's connection errors have no common base
            log.exception("could not queue the handout laid out ahead")
            return False
        return True

    def lay_out_for_download(self, client_id: int, *, version: int, page_size: str,
                             base_url: str, wait_seconds: float = HANDOUT_WAIT_SECONDS
                             ) -> str | None:
        """A download found no handout laid out: a worker lays it out while the request
        waits (its thread idle, the web host's CPU free for other requests). Returns the
        SHA-256 of the HTML the worker laid out (the PDF is then in the database), or None
        when no worker answered in ``wait_seconds``, Redis cannot be reached, or the task
        failed: the download then lays the handout out itself.

        It polls the task's state (a Redis GET each time) rather than waiting on Celery's
        result subscription, which a gunicorn worker's threads would share."""
        try:
            task = self._handout_now.apply_async((client_id, version, page_size, base_url),
                                                 expires=wait_seconds)
        except Exception:  # kombu's and redis-py's connection errors have no common base
            log.exception("could not queue the handout for a download")
            return None
        deadline = time.monotonic() + wait_seconds
        try:
            while not task.ready():
                if time.monotonic() > deadline:
                    log.warning("no worker laid out handout task %s in %.0f s", task.id,
                                wait_seconds)
                    return None
                time.sleep(HANDOUT_POLL_SECONDS)
            if not task.successful():
                log.error("the worker could not lay out a handout: %r", task.result)
                return None
            return task.result
        except Exception:
            log.exception("lost the handout task %s", task.id)
            return None
        finally:
            with contextlib.suppress(Exception):
                task.forget()  # its state (a hash) goes now, not in an hour

    def send_alert_notices(self, _database: Database, _settings: Settings, *, base_url: str,
                           message_ids: Sequence[int]) -> bool:
        """Queue the task (only the messages' ids and the app's address travel through
        Redis; the worker sends with its own settings). A Redis that cannot be reached
        leaves the notices in the outbox for the next reminder run."""
        try:
            self._alert_notices.delay(base_url, list(message_ids))
        except Exception:  # kombu's and redis-py's connection errors have no common base
            log.exception("could not queue the practitioners' notices")
            return False
        return True

    def clear_results(self) -> int:
        """Delete every job result, progress entry and task state from Redis (the queues
        stay). Returns how many keys went."""
        client = self.celery.backend.client
        stale = [key for key in client.scan_iter(count=500) if RESULT_KEY.match(key)]
        return client.delete(*stale) if stale else 0

    def close(self, *, wait: bool = False) -> None:
        self.celery.close()


Jobs = LocalJobs | CeleryJobs
__all__ = ["JOBS_KEY", "Jobs", "make_jobs"]


def make_jobs(settings: Settings, server: Flask) -> Jobs:
    return CeleryJobs(settings, server) if settings.redis_url else LocalJobs(settings)
