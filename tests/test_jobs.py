"""Issue 24: background work belongs to the app, never to a thread a request starts."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

import pytest
from dash import CeleryManager
from flask import Flask
from sqlalchemy import select

from dashboard.config import Settings
from dashboard.context import JOBS_KEY, SETTINGS_KEY
from dashboard.db.models import HandoutRecord, StrategyPart
from dashboard.jobs import BoundedExecutor, CeleryJobs, LocalJobs
from dashboard.pages.client import ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ALICE, make_client_link, pdf_text, plan_form


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


def test_waiting_for_the_pool_to_be_idle_still_lets_work_in():
    """The benchmark waits for the handouts its saves queued; meanwhile a request's save
    must still be able to queue its own (it is waited for too)."""
    pool = BoundedExecutor(workers=1, waiting=2, name="test-idle")
    gate = threading.Event()
    try:
        assert pool.submit(gate.wait, 10)
        results: list[bool] = []
        waiter = threading.Thread(target=lambda: results.append(pool.wait_idle(10)))
        waiter.start()
        assert pool.submit(gate.wait, 10)  # taken while the waiter waits
        assert pool.wait_idle(0.05) is False  # both still running: it times out
        gate.set()
        waiter.join(10)
        assert results == [True]
        assert pool.wait_idle(0) is True
    finally:
        gate.set()
        pool.shutdown(wait=True)


def test_saving_plans_lays_out_the_handout_on_the_apps_pool_not_a_thread_per_save(
        app, http, db, sqlite_people, tmp_path, monkeypatch):
    """Before: each save started its own thread. Now the app's one pool thread lays out the
    handouts, and a burst of saves leaves no other thread behind."""
    settings = replace(app.server.extensions[SETTINGS_KEY], prerender_handouts=True)
    jobs = LocalJobs(replace(settings, data_dir=tmp_path))
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, settings)
    monkeypatch.setitem(app.server.extensions, JOBS_KEY, jobs)
    with db.read() as s:
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
    login(http, ALICE)
    before = set(threading.enumerate())
    for review in (7, 14, 21):
        response = invoke(http, ids.SAVE_RESULT, plan_form(
            sqlite_people.alice_client_id, parts, **{f"{ids.REVIEW}.value": review}))
        assert "Saved as version" in response.get_data(as_text=True)
    started = {t.name for t in set(threading.enumerate()) - before}
    jobs.close(wait=True)
    assert started <= {"handout-ahead_0"}, started
    with db.read() as s:
        ahead = s.scalars(select(HandoutRecord.plan_version_id).where(
            HandoutRecord.given.is_(False))).all()
    assert ahead  # laid out ahead, off the requests (a busy pool may skip some: a cache)


def test_a_handout_is_laid_out_ahead_on_the_apps_pool(db, planned, tmp_path):
    jobs = LocalJobs(Settings(database_url=db.url, secret_key="k", data_dir=tmp_path))
    assert jobs.lay_out_handout_ahead(db, planned, "http://127.0.0.1:8050")
    jobs.close(wait=True)
    with db.read() as s:
        ahead = [(h.client_id, h.given, h.pdf[:4]) for h in s.scalars(select(HandoutRecord))]
    assert ahead == [(planned, False, b"%PDF")]


# --- Celery on Redis (REDIS_URL) -------------------------------------------------------------

@pytest.fixture
def celery_jobs(redis_server, tmp_path):
    """The app's Celery backend on its own Redis database, emptied before and after."""
    redis_server.client(5).flushdb()
    jobs = CeleryJobs(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", secret_key="k",
                               data_dir=tmp_path, redis_url=redis_server.url(5)), Flask("t"))
    yield jobs
    jobs.close()
    redis_server.client(5).flushdb()


def test_a_job_finishing_between_a_polls_read_and_its_state_check_is_still_collected(
        celery_jobs):
    """plotly/dash#2808: the poll that read no result, then found the task finished, made
    Dash answer 204 and the browser stop asking; the result stayed in Redis unread."""
    manager, backend = celery_jobs.callback_manager, celery_jobs.celery.backend
    key, job = "a" * 64, "job-2808"
    backend.store_result(job, None, "STARTED")
    assert manager.get_result(key, job) is manager.UNDEFINED  # the poll reads: not yet
    backend.set(key, json.dumps(["12 handouts ready"]))  # the task finishes now: its result,
    backend.store_result(job, None, "SUCCESS")  # then its state
    assert not CeleryManager.job_running(manager, job)  # what Dash alone would conclude
    assert manager.job_running(job)  # here: still to collect, so the browser asks again
    assert manager.get_result(key, job) == ["12 handouts ready"]  # and the next poll has it
    assert not manager.job_running(job)  # collected: nothing more to wait for


def test_clearing_results_empties_redis_of_job_results_but_not_of_queued_work(
        celery_jobs, redis_server):
    redis = redis_server.client(5)
    backend = celery_jobs.celery.backend
    key = "b" * 64
    for name in (key, f"{key}-progress", f"{key}-set_props"):
        backend.set(name, json.dumps("Carol Alison's handout"))
    backend.store_result("some-task", None, "SUCCESS")
    redis.lpush("celery", "a queued task")  # the broker's queue: not a result
    assert celery_jobs.clear_results() == 4
    assert sorted(redis.keys()) == [b"celery"]


def test_a_download_with_no_worker_answering_is_told_so_in_time(celery_jobs, redis_server):
    """No worker runs here: the download's request is not held past its wait, and lays the
    handout out itself (None). The task expires unrun, and leaves no state in Redis."""
    started = time.monotonic()
    assert celery_jobs.lay_out_for_download(7, version=1, page_size="a4",
                                            base_url="http://127.0.0.1", wait_seconds=0.3) is None
    assert 0.3 <= time.monotonic() - started < 2
    assert not list(redis_server.client(5).scan_iter(match="celery-task-meta-*"))


def test_a_download_with_redis_unreachable_lays_out_itself(tmp_path):
    jobs = CeleryJobs(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", secret_key="k",
                               data_dir=tmp_path, redis_url="redis://127.0.0.1:9/0"),
                      Flask("t"))
    jobs.celery.conf.broker_connection_timeout = 1
    jobs.celery.conf.broker_transport_options = {"max_retries": 0}
    try:
        assert jobs.lay_out_for_download(7, version=1, page_size="a4",
                                         base_url="http://127.0.0.1", wait_seconds=1) is None
    finally:
        jobs.close()


# --- The handout laid out ahead prints what the download prints (issue 21) ------------------

@pytest.fixture
def app_pool(app, tmp_path, monkeypatch):
    """The app laying handouts out ahead on its own pool (the tests' default is off)."""
    settings = replace(app.server.extensions[SETTINGS_KEY], prerender_handouts=True)
    jobs = LocalJobs(replace(settings, data_dir=tmp_path))
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, settings)
    monkeypatch.setitem(app.server.extensions, JOBS_KEY, jobs)
    yield jobs
    jobs.close(wait=True)


def _ahead_pdfs(db, client_id: int) -> list[bytes]:
    with db.read() as s:
        return list(s.scalars(select(HandoutRecord.pdf).where(
            HandoutRecord.client_id == client_id, HandoutRecord.given.is_(False))
            .order_by(HandoutRecord.id)))


def test_a_client_with_a_live_link_finds_the_handout_laid_out_ahead_with_the_link(
        app_pool, linked, db, tmp_path):
    """Before: the copy laid out ahead had no link, so for every client with a live link
    (whose handout prints it) the download laid the PDF out again (430 ms on the large
    clinic). Now the copy made after the plan save prints the link and is the one given."""
    client_id, practitioner = linked["client_id"], linked["practitioner"]
    with db.read() as s:
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
    response = invoke(practitioner, ids.SAVE_RESULT, plan_form(client_id, parts))
    assert "Saved as version" in response.get_data(as_text=True)
    app_pool.close(wait=True)  # the practitioner's moment between saving and printing
    ahead = _ahead_pdfs(db, client_id)
    assert ahead, "nothing was laid out ahead"
    given = practitioner.post(f"/clients/{client_id}/handout.pdf")
    assert given.status_code == 200
    assert given.data == ahead[-1]  # the copy laid out ahead, not laid out again
    text = pdf_text(given.data, tmp_path)
    assert "/my/" in text and linked["token"][:8] in text.replace("\n", "")


def test_creating_or_ending_a_link_lays_the_handout_out_ahead_again(app_pool, planned, db,
                                                                      app, tmp_path):
    """The link is printed on the handout, so a new link (or its end) changes the handout:
    it is laid out again at once, and the download that follows finds it."""
    practitioner = app.server.test_client()
    login(practitioner, ALICE)
    token = make_client_link(practitioner, planned)
    app_pool.close(wait=True)
    ahead = _ahead_pdfs(db, planned)
    assert len(ahead) == 1 and token[:8] in pdf_text(ahead[0], tmp_path).replace("\n", "")
    given = practitioner.post(f"/clients/{planned}/handout.pdf")
    assert given.data == ahead[0]
