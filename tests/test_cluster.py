"""Issue 24: several app hosts. Two gunicorn hosts and one Celery worker (``dashboard
worker``) share a PostgreSQL database and a Redis, all on loopback, as in
deploy/compose.yaml: nothing a request needs is on one host's disk or in its memory.

Both hosts start with ``dashboard migrate`` at the same moment (the compose file's app
replicas do). A login on one host is valid on the other; the login throttle counts across
both; a batch of handouts started through one is collected through the other (and no poll
answers 204: plotly/dash#2808); plans saved for the same client on both at once are each
saved once, versions in order, each laid out ahead by the worker; an erasure leaves nothing
of the client in Redis. Marked ``cluster``; part of the default test command.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from dashboard.db.catalogue import load_catalogue
from dashboard.db.clinic import ensure_clinic
from dashboard.db.engine import Database
from dashboard.db.models import AuditEntry, Client, HandoutRecord, PlanVersion, StrategyPart
from dashboard.db.plans import save_plan_version
from dashboard.db.summary import current_episode
from dashboard.domain.catalogue import read_catalogue
from dashboard.domain.dose import Dose
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_data as data_ids
from dashboard.pages.ids import client_erase as erase_ids
from dashboard.pages.ids import clients as clients_ids
from dashboard.pages.ids import overview as overview_ids
from tests.conftest import DATA_DIR, PASSWORD
from tests.dash_client import build_payload
from tests.factories import ADMIN, ADMIN_TOTP_SECRET, ALICE, BOB, make_people, plan_form

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[1]
SECRET = "cluster-suite-" + "Qm4vT9xK2pW7rZ5nB8cL3jH6"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    hosts: tuple[str, str]
    database: Database
    redis: object
    migrations: list[tuple[int, str]]
    people: object
    worker_pid: int


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(pg_cluster, redis_server, password_hash, tmp_path_factory) -> Iterator[Cluster]:
    if pg_cluster is None:
        pytest.skip("PostgreSQL is not installed here")
    name = f"cluster_{os.getpid()}"
    admin = create_engine(pg_cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_cluster.url(name)
    redis_server.client(0).flushdb()
    root = tmp_path_factory.mktemp("cluster")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_server.url(0),
           "SECRET_KEY": SECRET, "DASHBOARD_ENV": "test", "TRUSTED_PROXIES": "127.0.0.1"}
    # Each host migrates as it starts, both at once (the database is empty).
    starting = [subprocess.Popen([sys.executable, "-m", "dashboard.cli", "migrate"], env=env,
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180)[0] for p in starting]
    migrations = [(p.returncode, out) for p, out in zip(starting, outputs, strict=True)]
    database = Database(url)
    strategies, templates = read_catalogue(DATA_DIR)
    with database.begin() as s:
        load_catalogue(s, strategies=strategies, templates=templates)
        ensure_clinic(s, name="Cluster Clinic", phone="01632 960 999",
                      crisis_line_text="Call the crisis line on 116 123.")
    people = make_people(database, password_hash)
    with database.begin() as s:  # Bob's client has a plan: his batch prints one handout
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        save_plan_version(s, episode_id=current_episode(s, people.bob_client_id).id,
                          draft=PlanDraft((PlanItemDraft(heat.id, heat.name, heat.strategy.name,
                                                         Dose.from_columns(heat)),), 14, "", ()),
                          user_id=people.bob_id, today=dt.date(2026, 2, 1))
    processes: list[subprocess.Popen] = []
    logs = []

    def start(args: list[str], label: str) -> None:
        data_dir = root / label  # each host its own disk: nothing shared through it
        log = open(root / f"{label}.log", "w")  # noqa: SIM115  # closed at teardown
        logs.append(log)
        processes.append(subprocess.Popen(
            args, env={**env, "DASHBOARD_DATA_DIR": str(data_dir)}, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True))

    start([sys.executable, "-m", "dashboard.cli", "worker", "--concurrency", "1",
           "--loglevel", "WARNING"], "worker")
    ports = (_free_port(), _free_port())
    for label, port in zip(("a", "b"), ports, strict=True):
        start([sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--workers", "1",
               "--threads", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
               "--graceful-timeout", "2"], label)
    hosts = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        deadline = time.monotonic() + 120
        for host in hosts:
            while True:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{host}/healthz", timeout=2).ok:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"{host} did not start: "
                                + "".join(p.read_text()[-2000:] for p in root.glob("*.log")))
                time.sleep(0.3)
        yield Cluster(hosts, database, redis_server, migrations, people, processes[0].pid)
    finally:
        for process in processes:
            _stop(process)
        for log in logs:
            log.close()
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _sign_in(host: str, email: str) -> requests.Session:
    browser = requests.Session()
    browser.headers["Sec-Fetch-Site"] = "same-origin"
    response = browser.post(f"{host}/login", data={"email": email, "password": PASSWORD},
                            allow_redirects=False, timeout=30)
    if response.status_code == 200 and 'action="/login/code"' in response.text:
        response = browser.post(f"{host}/login/code", data={
            "code": pyotp.TOTP(ADMIN_TOTP_SECRET).now()}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:300]
    return browser


def _end_id(browser: requests.Session, host: str) -> str:
    """The signed page-load token Dash puts in the page; background handles are bound to it."""
    page = browser.get(f"{host}/clients", timeout=30).text
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                       page, re.S)
    assert config, page[:300]
    return json.loads(config.group(1))["end_id"]


def _call(browser: requests.Session, host: str, output: str, values: dict,
          **params: str) -> requests.Response:
    deps = browser.get(f"{host}/_dash-dependencies", timeout=30).json()
    return browser.post(f"{host}/_dash-update-component", params=params,
                        json=build_payload(deps, output, values), timeout=60)


def _background(browser: requests.Session, start: str, poll: tuple[str, ...], output: str,
                values: dict, seconds: float = 90) -> tuple[dict, list[int]]:
    """Start a background callback through ``start`` and poll through ``poll`` in turn, as
    the browser does (the same body with the signed handles), without pausing: the answer,
    and every poll's status."""
    end_id = _end_id(browser, start)
    handles = _call(browser, start, output, values, endId=end_id).json()
    assert {"cacheKey", "job"} <= set(handles), handles
    statuses: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        host = poll[len(statuses) % len(poll)]
        response = _call(browser, host, output, values, endId=end_id, **handles)
        statuses.append(response.status_code)
        if response.status_code != 200:
            return {}, statuses
        answer = response.json()
        if "response" in answer:
            return answer["response"], statuses
        time.sleep(0.05)
    pytest.fail(f"no answer in {seconds} s ({len(statuses)} polls)")


def test_hosts_starting_together_migrate_the_empty_database_once(cluster):
    assert [code for code, _ in cluster.migrations] == [0, 0], cluster.migrations
    with cluster.database.read() as s:
        assert len(s.execute(text("SELECT version_num FROM alembic_version")).all()) == 1


def test_a_login_on_one_host_is_valid_on_the_other_and_ends_on_both(cluster):
    a, b = cluster.hosts
    browser = _sign_in(a, ALICE)
    assert browser.get(f"{b}/_dash-layout", timeout=30).status_code == 200
    assert browser.post(f"{b}/logout", timeout=30).status_code in (200, 302)
    assert browser.get(f"{a}/_dash-layout", timeout=30).status_code == 401


def test_the_login_throttle_counts_across_hosts_by_the_address_behind_the_proxy(cluster):
    a, b = cluster.hosts
    statuses = []
    for n in range(7):  # alternately on each host, from one client behind the balancer
        statuses.append(requests.post(
            f"{(a, b)[n % 2]}/login", data={"email": ALICE, "password": "wrong guess"},
            headers={"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": "198.51.100.23"},
            allow_redirects=False, timeout=30).status_code)
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    with cluster.database.read() as s:
        addresses = set(s.scalars(select(AuditEntry.ip).where(
            AuditEntry.action == "login_failed")))
    assert addresses == {"198.51.100.23"}
    # The right password from elsewhere still gets in at once (the throttle is per address).
    _sign_in(b, ALICE)


def test_plans_saved_on_both_hosts_at_once_are_each_saved_once_in_order(cluster):
    client_id = cluster.people.alice_client_id
    with cluster.database.read() as s:
        parts = {p.key: p for p in s.scalars(select(StrategyPart))}
    browsers = [_sign_in(host, ALICE) for host in cluster.hosts]
    said: list[str] = []
    for round_ in range(3):
        gate = threading.Barrier(2)

        def save(i: int, review: int, gate: threading.Barrier = gate) -> None:
            gate.wait()
            said.append(_call(browsers[i], cluster.hosts[i], ids.SAVE_RESULT, plan_form(
                client_id, parts, **{f"{ids.REVIEW}.value": review})).text)

        threads = [threading.Thread(target=save, args=(i, 10 + 2 * round_ + i))
                   for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    versions = sorted(int(v) for text_ in said for v in re.findall(r"Saved as version (\d+)",
                                                                     text_))
    assert versions == [1, 2, 3, 4, 5, 6], said
    with cluster.database.read() as s:
        episode_id = current_episode(s, client_id).id
        rows = s.execute(select(PlanVersion.version, PlanVersion.review_interval_days)
                         .where(PlanVersion.episode_id == episode_id)
                         .order_by(PlanVersion.version)).all()
    assert [v for v, _ in rows] == [1, 2, 3, 4, 5, 6]
    assert sorted(r for _, r in rows) == list(range(10, 16))  # every save once
    # The worker lays out the latest plan's handout ahead (off both hosts' requests).
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with cluster.database.read() as s:
            ahead = s.scalar(select(func.count()).select_from(HandoutRecord).join(
                PlanVersion, PlanVersion.id == HandoutRecord.plan_version_id).where(
                HandoutRecord.client_id == client_id, HandoutRecord.given.is_(False),
                PlanVersion.version == 6))
        if ahead:
            break
        time.sleep(0.5)
    assert ahead == 1


def test_a_batch_started_on_one_host_is_collected_through_the_other_with_no_204(cluster):
    a, b = cluster.hosts
    browser = _sign_in(a, BOB)
    values = {f"{clients_ids.BATCH}.n_clicks": 1, f"{clients_ids.PRACTITIONER}.value": None,
              f"{clients_ids.BATCH_SIZE}.value": "a4", f"{clients_ids.BATCH_PAGE_LOAD}.data": "t1"}
    for attempt in range(3):
        values[f"{clients_ids.BATCH}.n_clicks"] = attempt + 1
        answer, statuses = _background(browser, a, (b, a), clients_ids.BATCH_FILE, values)
        assert set(statuses) == {200}, statuses  # never a 204 that would end the polling
        pdf = base64.b64decode(answer[clients_ids.BATCH_FILE]["data"]["content"])
        assert pdf.startswith(b"%PDF")
        assert "1 handouts ready" in json.dumps(answer[clients_ids.BATCH_STATUS])


def test_a_download_that_finds_no_handout_laid_out_waits_on_the_worker(cluster):
    """A plan never saved through the app (an import, an upgrade) has no handout laid out
    ahead: the download has the worker lay it out, off the web host, and gives that very
    PDF. Only the worker records a copy not given; the web host records the one given."""
    a, b = cluster.hosts
    client_id = cluster.people.bob_client_id
    with cluster.database.begin() as s:
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        version = save_plan_version(
            s, episode_id=current_episode(s, client_id).id, draft=PlanDraft((PlanItemDraft(
                heat.id, heat.name, heat.strategy.name, Dose.from_columns(heat)),), 21,
                "Written straight to the database", ()),
            user_id=cluster.people.bob_id, today=dt.date(2026, 3, 1)).version
    browser = _sign_in(a, BOB)
    redis_client = cluster.redis.client(0)
    states_before = set(redis_client.scan_iter(match="celery-task-meta-*"))
    response = browser.post(f"{b}/clients/{client_id}/handout.pdf", timeout=60)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with cluster.database.read() as s:
        copies = s.execute(select(HandoutRecord.given, HandoutRecord.created_by_id,
                                  HandoutRecord.pdf, HandoutRecord.html_sha256)
                           .join(PlanVersion, PlanVersion.id == HandoutRecord.plan_version_id)
                           .where(HandoutRecord.client_id == client_id,
                                  PlanVersion.version == version)
                           .order_by(HandoutRecord.id)).all()
    assert [(given, by) for given, by, _, _ in copies] == [
        (False, None), (True, cluster.people.bob_id)]  # the worker's, then the one given
    assert copies[0].pdf == copies[1].pdf == response.content
    assert copies[0].html_sha256 == copies[1].html_sha256
    # The task's state (a hash) is not left in Redis.
    assert set(redis_client.scan_iter(match="celery-task-meta-*")) == states_before


@pytest.fixture(scope="module")
def admin(cluster) -> requests.Session:
    """The admin signed in once through host A: a second sign-in within the same 30 s would
    reuse the TOTP code, which is refused (as it should be)."""
    return _sign_in(cluster.hosts[0], ADMIN)


def test_the_outcomes_report_is_made_on_the_worker_and_collected_through_either_host(
        cluster, admin):
    a, b = cluster.hosts
    values = {f"{overview_ids.REPORT}.n_clicks": 1,
              f"{overview_ids.START}.value": "2026-01-01",
              f"{overview_ids.END}.value": "2026-06-30",
              f"{overview_ids.REPORT_PAGE_LOAD}.data": "t3"}
    answer, statuses = _background(admin, a, (b, a), overview_ids.REPORT_FILE, values)
    assert set(statuses) == {200}, statuses
    pdf = base64.b64decode(answer[overview_ids.REPORT_FILE]["data"]["content"])
    assert pdf.startswith(b"%PDF")
    assert "is ready" in json.dumps(answer[overview_ids.REPORT_STATUS])
    # A practitioner is refused in the request, before any job starts.
    practitioner = _sign_in(b, ALICE)
    refused = _call(practitioner, b, overview_ids.REPORT_FILE, values,
                    endId=_end_id(practitioner, b))
    assert refused.status_code == 403


def test_the_worker_runs_below_the_web_hosts_cpu_priority(cluster):
    """A handout being laid out on a host shared with app processes gives the cores to
    requests first: the worker (and the processes it forks) runs 10 below the hosts."""
    ours = os.getpriority(os.PRIO_PROCESS, os.getpid())  # what the hosts started with
    assert os.getpriority(os.PRIO_PROCESS, cluster.worker_pid) == min(19, ours + 10)
    children = Path(f"/proc/{cluster.worker_pid}/task/{cluster.worker_pid}/children")
    deadline, forked = time.monotonic() + 60, []
    while not forked and time.monotonic() < deadline:  # its pool starts after the app
        forked = [int(pid) for pid in children.read_text().split()]
        time.sleep(0.2)
    assert forked and all(os.getpriority(os.PRIO_PROCESS, pid) == min(19, ours + 10)
                          for pid in forked)


def _redis_holds(redis_client, needle: bytes) -> list[bytes]:
    found = []
    for key in redis_client.scan_iter(count=500):
        kind = redis_client.type(key)
        if kind == b"string":
            value = redis_client.get(key) or b""
        elif kind == b"list":
            value = b"".join(redis_client.lrange(key, 0, -1))
        elif kind == b"hash":
            value = b"".join(b"".join(kv) for kv in redis_client.hgetall(key).items())
        else:
            value = b""
        if needle in key or needle in value:
            found.append(key)
    return found


def test_an_erasure_leaves_nothing_of_the_client_in_redis(cluster, admin):
    a, b = cluster.hosts
    client_id = cluster.people.alice_client_id
    redis_client = cluster.redis.client(0)
    # An import preview names the client as a likely duplicate; nobody collects it.
    csv = ("given_name,family_name,date_of_birth,email,phone,practitioner_email\n"
           f"Carol,Alison,1980-05-17,,,{ALICE}\n")
    contents = "data:text/csv;base64," + base64.b64encode(csv.encode()).decode()
    end_id = _end_id(admin, a)
    handles = _call(admin, a, data_ids.REPORT, {
        f"{data_ids.UPLOAD}.contents": contents, f"{data_ids.KIND}.value": "clients",
        f"{data_ids.CONFIRM}.n_clicks": None, f"{data_ids.UPLOAD}.filename": "again.csv",
        f"{data_ids.CHECKED}.data": None, f"{data_ids.SKIP}.value": [],
        f"{data_ids.PAGE_LOAD}.data": "t2"},
        endId=end_id).json()
    assert "cacheKey" in handles, handles
    deadline = time.monotonic() + 90
    while not _redis_holds(redis_client, b"Alison") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _redis_holds(redis_client, b"Alison"), "the preview never reached Redis"

    response = _call(admin, b, erase_ids.RESULT, {
        f"{erase_ids.SUBMIT}.n_clicks": 1, f"{erase_ids.CLIENT_ID}.data": client_id,
        f"{erase_ids.KEEP}.value": "keep", f"{erase_ids.CONFIRM}.value": "Carol Alison"})
    assert "was erased" in response.text, response.text[:500]
    with cluster.database.read() as s:
        assert s.get(Client, client_id).erased_at is not None
    assert _redis_holds(redis_client, b"Alison") == []
    assert _redis_holds(redis_client, b"Carol") == []
