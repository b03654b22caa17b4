"""Faults survived, with figures (issue 18): each test injects one fault while writers run
and checks that nothing acknowledged is lost, nothing is half-written, and the app serves
again by itself. Marked ``faults``; part of the default test command; each is bounded in
time (the whole suite takes a minute or two on two cores). ``-s`` prints the figures.

- PostgreSQL restarted under 20 writer threads going through the whole server stack.
- A gunicorn worker killed with SIGKILL in the middle of plan saves and of a CSV import.
- A process writing to SQLite killed in the middle of a burst of writes.
- A backup taken while writers run restores to a database that passes the app's own
  consistency checks (``dashboard/db/consistency.py``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pyotp
import pytest
import requests
from sqlalchemy import func, select

from dashboard.context import DB_KEY
from dashboard.db.backup import backup, restore
from dashboard.db.consistency import consistency_problems
from dashboard.db.engine import Database
from dashboard.db.models import CareSession, Client, PlanItem, PlanVersion, StrategyPart
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_data as data_ids
from tests.conftest import PASSWORD, _prepare, login
from tests.dash_client import build_payload, dependencies
from tests.factories import ADMIN, ADMIN_TOTP_SECRET, ALICE, make_people
from tests.pg import find_pg_bin, start_cluster
from tests.snapshots import table_counts

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parent.parent


def _figures(name: str, **figures: object) -> None:
    """Printed (``-s``) and kept in test-results/faults.json for the report."""
    print(f"\n{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    out = ROOT / "test-results" / "faults.json"
    out.parent.mkdir(exist_ok=True)
    known = json.loads(out.read_text()) if out.exists() else {}
    known[name] = figures
    out.write_text(json.dumps(known, indent=2, default=str))


def _session_values(client_id: int, note: str, day: dt.date) -> dict:
    return {f"{ids.SESSION_FORM}.n_submit": 1, f"{ids.CLIENT_ID}.data": client_id,
            f"{ids.SESSION_EDITING}.data": None, f"{ids.SESSION_DATE}.value": day.isoformat(),
            f"{ids.SESSION_PAIN}.value": 5, f"{ids.SESSION_STRESS}.value": 4,
            f"{ids.SESSION_NOTES}.value": note, f"{ids.SESSION_Q_INCLUDE}.value": [],
            ids.SESSION_Q_ITEM: [],
            ids.SESSION_Q_ERROR: [({"type": ids.SESSION_Q_ERROR, "instrument": k}, None)
                                  for k in ("PSS10", "PHQ9", "GAD7")]}


def _plan_values(client_id: int, heat_id: int, note: str) -> dict:
    return {f"{ids.CLIENT_ID}.data": client_id, f"{ids.SAVE}.n_clicks": 1,
            ids.INCLUDE: [({"type": ids.INCLUDE, "part": heat_id}, True)],
            ids.DOSE: [({"type": ids.DOSE, "part": heat_id, "field": f}, v)
                          for f, v in (("minutes_min", 15), ("minutes_max", 20),
                                       ("times_per_day", 2), ("days_per_week", 7))],
            ids.PART_ERROR: [({"type": ids.PART_ERROR, "part": heat_id}, None)],
            f"{ids.REVIEW}.value": 14, f"{ids.NOTES}.value": note}


def _settle(database: Database) -> None:
    """The test factories make clients without their summary columns: fill them as the app
    would, so the consistency checks judge only what the faults did."""
    from dashboard.db.summary import refresh_client_summary

    with database.begin() as s:
        for client in s.scalars(select(Client)):
            refresh_client_summary(s, client)


def _stored_notes(database: Database) -> Counter:
    with database.read() as s:
        notes = Counter([*s.scalars(select(CareSession.notes)),
                         *s.scalars(select(PlanVersion.notes))])
    notes.pop("", None)
    return notes


# --- PostgreSQL restarted under 20 writers -------------------------------------------------

WRITERS = 20
PG_SECONDS = 10.0  # writers run this long; the restart comes after 2 s


def test_postgresql_restart_under_twenty_writers(app, password_hash):
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL is not installed here (the test command installs it)")
    cluster = start_cluster()
    url = cluster.url("postgres")
    previous = app.server.extensions[DB_KEY]
    database = None
    try:
        _prepare(url)
        database = Database(url)
        app.server.extensions[DB_KEY] = database
        people = make_people(database, password_hash)
        _settle(database)
        with database.read() as s:
            heat = s.scalar(select(StrategyPart.id).where(StrategyPart.key == "heat"))
        first = app.server.test_client()
        login(first, ALICE)
        cookie = first.get_cookie("dashboard_session").value
        deps = dependencies(first)
        start = threading.Barrier(WRITERS + 1)
        results: list[list[tuple[float, str, int, bool]]] = [[] for _ in range(WRITERS)]

        def writer(i: int) -> None:
            client = app.server.test_client()
            client.set_cookie("dashboard_session", cookie)
            start.wait()
            deadline = time.monotonic() + PG_SECONDS
            n = 0
            while time.monotonic() < deadline:
                note = f"w{i}-{n}"
                if n % 4 == 3:
                    payload = build_payload(deps, ids.SAVE_RESULT, _plan_values(
                        people.alice_client_id, heat, note))
                    expect = "Saved as version"
                else:
                    payload = build_payload(deps, ids.SESSION_RESULT, _session_values(
                        people.alice_client_id, note, dt.date(2026, 1, 6)
                        + dt.timedelta(days=n % 40)))
                    expect = "saved."
                response = client.post("/_dash-update-component", json=payload)
                body = response.get_data(as_text=True)
                ok = response.status_code == 200 and expect in body
                results[i].append((time.monotonic(), note, response.status_code, ok))
                if not ok:
                    # Anything but success is a plain answer, never a traceback or a hang.
                    assert response.status_code in (200, 500, 503), (response.status_code,
                                                                     body[:200])
                    assert "Traceback" not in body and "psycopg" not in body
                    time.sleep(0.05)
                n += 1

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        start.wait()
        time.sleep(2.0)
        restart_began = time.monotonic()
        # -l: the restarted server logs to its file, not to the pipe run() waits on.
        cluster._as_postgres([str(cluster.bin_dir / "pg_ctl"), "-D",
                              str(cluster.root / "data"), "-l", str(cluster.root / "log"),
                              "-m", "fast", "-w", "restart"])
        restarted = time.monotonic()
        for t in threads:
            t.join(timeout=PG_SECONDS + 60)
        assert not any(t.is_alive() for t in threads)

        flat = [r for rs in results for r in rs]
        acknowledged = [note for _, note, _, ok in flat if ok]
        failed = [r for r in flat if not r[3]]
        stored = _stored_notes(database)
        missing = [n for n in acknowledged if stored[n] == 0]
        doubled = [n for n, c in stored.items() if c > 1]
        assert not missing and not doubled, (missing[:5], doubled[:5])
        # Each writer is served again soon after the restart, by the same app (pre-ping).
        recovered = [min((at for at, _, _, ok in rs if ok and at > restarted), default=None)
                     for rs in results]
        assert all(at is not None for at in recovered), "a writer never recovered"
        worst = max(at - restarted for at in recovered)  # type: ignore[operator]
        assert worst < 5.0, worst
        with database.read() as s:
            assert not consistency_problems(s)
        _figures("postgresql_restart", writers=WRITERS, requests=len(flat),
                 acknowledged=len(acknowledged), clear_errors=len(failed),
                 lost=len(missing), duplicated=len(doubled),
                 restart_seconds=round(restarted - restart_began, 2),
                 worst_recovery_seconds=round(worst, 2),
                 unacknowledged_but_stored=len(set(stored) - set(acknowledged)))
    finally:
        app.server.extensions[DB_KEY] = previous
        if database is not None:
            database.dispose()
        cluster.stop()


# --- SQLite: the writing process killed mid-burst -----------------------------------------

BURST_WRITER = """
import datetime as dt, sys
from dashboard.db.engine import Database
from dashboard.db.models import Client
from dashboard.db.sessions import save_session, session_context
from dashboard.domain.sessions import SessionInput
database = Database(sys.argv[1])
client_id, user_id = int(sys.argv[2]), int(sys.argv[3])
n = 0
while True:
    note = f"{sys.argv[4]}-{n}"
    with database.begin() as s:
        client = s.get(Client, client_id)
        save_session(s, client=client, context=session_context(s, client), data=SessionInput(
            dt.date(2026, 1, 6) + dt.timedelta(days=n % 40), n % 11, 3, {}, {}, note),
            user_id=user_id)
    print(note, flush=True)  # acknowledged only once committed
    n += 1
"""


def test_sqlite_survives_the_writer_killed_mid_burst(db, sqlite_people, tmp_path):
    _settle(db)
    script = tmp_path / "burst.py"
    script.write_text(BURST_WRITER)
    acknowledged: list[str] = []
    kills = 0
    for _ in range(3):  # three kills at different moments of the burst
        proc = subprocess.Popen(
            [sys.executable, str(script), db.url, str(sqlite_people.alice_client_id),
             str(sqlite_people.alice_id), f"run{kills}"], stdout=subprocess.PIPE, text=True,
            cwd=ROOT)
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        seen = 0
        while seen < 20 + 15 * kills and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged.append(line.strip())
            seen += 1
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        acknowledged += [line for line in rest.split() if line]
        kills += 1
    path = db.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = _stored_notes(db)
    missing = [n for n in acknowledged if stored[n] == 0]
    assert not missing and all(c == 1 for c in stored.values())
    with db.read() as s:
        assert not consistency_problems(s)
    _figures("sqlite_kill", kills=kills, acknowledged=len(acknowledged), lost=len(missing),
             stored=sum(stored.values()), integrity_check="ok")


# --- A backup taken while writers run ------------------------------------------------------

def test_a_backup_under_writers_restores_consistently(any_db, people, tmp_path):
    from tests.db.test_concurrency import _write_once

    _settle(any_db)
    stop = threading.Event()
    written = Counter()

    def writer(tag: str) -> None:
        n = 0
        while not stop.is_set() and n < 400:
            _write_once(any_db, tag, n, people.alice_client_id, people.alice_id)
            written[tag] += 1
            n += 1

    threads = [threading.Thread(target=writer, args=(f"b{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    path = tmp_path / "under-load.backup"
    began = time.monotonic()
    backup(any_db.url, path)
    took = time.monotonic() - began
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    final = table_counts(any_db)
    any_db.dispose()
    restore(any_db.url, path)
    restored = table_counts(any_db)
    with any_db.read() as s:
        problems = consistency_problems(s)
        versions_without_items = s.scalar(select(func.count()).select_from(PlanVersion).where(
            ~select(PlanItem.id).where(PlanItem.plan_version_id == PlanVersion.id).exists()))
    assert not problems, problems[:5]
    assert versions_without_items == 0
    assert 0 < restored["care_sessions"] <= final["care_sessions"]
    _figures(f"backup_under_writers_{any_db.engine.dialect.name}",
             writes_during=sum(written.values()), backup_seconds=round(took, 2),
             sessions_in_backup=restored["care_sessions"], sessions_at_end=final["care_sessions"],
             consistency_problems=len(problems))


# --- gunicorn: a worker killed mid plan-save and mid CSV import ----------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every descendant of a process (from /proc), deepest last."""
    found: list[int] = []
    parents = {pid}
    changed = True
    while changed:
        changed = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in found:
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid in parents:
                found.append(int(entry))
                parents.add(int(entry))
                changed = True
    return found


def _kill_workers(master: int) -> int:
    """SIGKILL every worker of the gunicorn master, and their children (a background job)."""
    victims = _children(master)
    for pid in reversed(victims):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(victims)


@pytest.fixture
def gunicorn_app(db, sqlite_people, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "DASHBOARD_ENV": "test",
           "SECRET_KEY": "fault-suite-" + "k3Jq9vX2pL7wZ5rT8yN4mB6c", "DASHBOARD_DATA_DIR":
           str(tmp_path / "data")}
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--workers", "1",
         "--threads", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "--graceful-timeout", "1"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        master.kill()
        pytest.fail("gunicorn did not start")
    yield base, master.pid
    master.send_signal(signal.SIGTERM)
    try:
        master.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill_workers(master.pid)
        master.kill()


def _browser(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    browser.headers["Sec-Fetch-Site"] = "same-origin"
    response = browser.post(f"{base}/login", data={"email": email, "password": PASSWORD},
                            allow_redirects=False, timeout=30)
    if response.status_code == 200 and 'action="/login/code"' in response.text:
        response = browser.post(f"{base}/login/code", data={
            "code": pyotp.TOTP(ADMIN_TOTP_SECRET).now()}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:300]
    return browser


def _wait_serving(base: str, browser: requests.Session, seconds: float = 60) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        try:
            if browser.get(f"{base}/_dash-layout", timeout=5).status_code == 200:
                return time.monotonic() - began
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not serve again after the worker was killed")


def test_a_worker_killed_mid_plan_save_leaves_no_half_version(gunicorn_app, db, sqlite_people):
    base, master = gunicorn_app
    _settle(db)
    browser = _browser(base, ALICE)
    deps = browser.get(f"{base}/_dash-dependencies", timeout=30).json()
    with db.read() as s:
        heat = s.scalar(select(StrategyPart.id).where(StrategyPart.key == "heat"))
    before = table_counts(db, skip={"audit_log", "login_sessions", "login_throttle"})
    acknowledged: list[str] = []
    failures = Counter()
    stop = threading.Event()

    def saver(i: int) -> None:
        n = 0
        while not stop.is_set():
            note = f"g{i}-{n}"
            payload = build_payload(deps, ids.SAVE_RESULT, _plan_values(
                sqlite_people.alice_client_id, heat, note))
            try:
                response = browser.post(f"{base}/_dash-update-component", json=payload,
                                        timeout=15)
                if response.status_code == 200 and "Saved as version" in response.text:
                    acknowledged.append(note)
                else:
                    failures[response.status_code] += 1
            except requests.RequestException as exc:
                failures[type(exc).__name__] += 1
            n += 1

    threads = [threading.Thread(target=saver, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    killed = 0
    for _ in range(3):  # three kills, each in the middle of a stream of saves
        time.sleep(1.5)
        killed += _kill_workers(master)
        _wait_serving(base, browser)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    after = table_counts(db, skip={"audit_log", "login_sessions", "login_throttle"})
    with db.read() as s:
        problems = consistency_problems(s)
        versions = s.execute(select(PlanVersion.episode_id, PlanVersion.version)).all()
        notes = Counter(s.scalars(select(PlanVersion.notes)))
    assert not problems, problems[:5]
    assert all(notes[n] == 1 for n in acknowledged)
    numbers = sorted(v for _, v in versions)
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no duplicate
    new_versions = after["plan_versions"] - before["plan_versions"]
    assert new_versions >= len(acknowledged)
    assert after["plan_items"] - before["plan_items"] == new_versions  # one part each
    _figures("gunicorn_kill_plan_save", workers_killed=killed, acknowledged=len(acknowledged),
             versions_added=new_versions, items_added=after["plan_items"] - before["plan_items"],
             failed_requests=dict(failures), half_written=0)


def test_a_worker_killed_mid_csv_import_imports_all_or_nothing(gunicorn_app, db,
                                                               sqlite_people):
    base, master = gunicorn_app
    _settle(db)
    browser = _browser(base, ADMIN)
    deps = browser.get(f"{base}/_dash-dependencies", timeout=30).json()
    rows = 1000
    header = "given_name,family_name,date_of_birth,email,phone,practitioner_email\n"
    body = header + "".join(f"Imp{i},Orted,1980-01-{(i % 28) + 1:02d},,,{ALICE}\n"
                            for i in range(rows))
    contents = "data:text/csv;base64," + base64.b64encode(body.encode()).decode()
    with db.read() as s:
        clients_before = s.scalar(select(func.count()).select_from(Client))
    payload = build_payload(deps, data_ids.REPORT, {
        f"{data_ids.UPLOAD}.contents": contents, f"{data_ids.UPLOAD}.filename": "clients.csv",
        f"{data_ids.KIND}.value": "clients", f"{data_ids.PAGE_LOAD}.data": "fault-suite"})
    started = browser.post(f"{base}/_dash-update-component", json=payload, timeout=60)
    assert started.status_code in (200, 202), started.text[:300]
    time.sleep(1.0)  # the background job is checking and writing its rows
    killed = _kill_workers(master)
    recovery = _wait_serving(base, browser)
    time.sleep(1.0)
    with db.read() as s:
        clients_after = s.scalar(select(func.count()).select_from(Client))
        problems = consistency_problems(s)
    added = clients_after - clients_before
    assert added in (0, rows), added  # all or nothing
    assert not problems, problems[:5]
    _figures("gunicorn_kill_csv_import", rows=rows, processes_killed=killed,
             clients_added=added, recovery_seconds=round(recovery, 2))
