"""Issue 24: background work belongs to the app, never to a thread a request starts."""

from __future__ import annotations

import threading

from sqlalchemy import select

from dashboard.config import Settings
from dashboard.db.models import HandoutRecord
from dashboard.jobs import BoundedExecutor, LocalJobs


def test_the_pool_takes_a_few_tasks_and_declines_the_rest():
    pool = BoundedExecutor(workers=1, waiting=2, name="test-pool")
    gate = threading.Event()
    try:
        # One running, two waiting; the fourth and fifth are declined, not queued.
        assert [pool.submit(gate.wait, 10) for _ in range(5)] == [True, True, True, False, False]
        assert sum(t.name.startswith("test-pool") for t in threading.enumerate()) == 1
    finally:
        gate.set()
        pool.shutdown(wait=True)
    assert pool.submit(print) is False  # a closed pool takes nothing


def test_a_handout_is_laid_out_ahead_on_the_apps_pool(db, planned, tmp_path):
    jobs = LocalJobs(Settings(database_url=db.url, secret_key="k", data_dir=tmp_path))
    assert jobs.lay_out_handout_ahead(db, planned)
    jobs.close(wait=True)
    with db.read() as s:
        ahead = [(h.client_id, h.given, h.pdf[:4]) for h in s.scalars(select(HandoutRecord))]
    assert ahead == [(planned, False, b"%PDF")]
