"""Server time of each main interaction on the large clinic, beside the bare SQL it needs.

Run from the repository root:  .venv/bin/python -m benchmarks.bench [--database-url URL]

Each interaction goes through the whole server stack in-process (Flask, the login check,
Dash's callback dispatch, the app's code, the database), as the browser would call it,
without the network. The bare query is the main SQL the interaction needs, run in the same
process against the same database; the ratio shows what the app adds on top of it.
Without --database-url, a large clinic is generated into var/bench.sqlite3 (once).
With --ten-times-url (PostgreSQL), the large clinic and the ten-times clinic are measured in
one run and the growth table is written (issue 24).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import dash
import pyotp
from dash import Dash
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from dashboard.app import create_app
from dashboard.auth.totp import new_secret
from dashboard.cli import main as cli
from dashboard.config import Settings
from dashboard.context import DB_KEY, JOBS_KEY, SETTINGS_KEY
from dashboard.db.client_links import create_link, link_for_token
from dashboard.db.engine import Database
from dashboard.db.home_log import tickable_item_ids
from dashboard.db.migrate import upgrade
from dashboard.db.models import (
    CareSession,
    Client,
    Episode,
    HomeLogEntry,
    PlanItem,
    PlanVersion,
    StrategyPart,
    User,
    utcnow,
)
from dashboard.db.pictures import pictures_by_hash
from dashboard.db.users import start_totp_enrolment, use_totp_step
from dashboard.demo import DEMO_PASSWORD
from dashboard.demo_xlarge import grow_clinic
from dashboard.domain.adherence import prescribed_days
from dashboard.domain.dates import format_day
from dashboard.handout.documents import prepare_handout
from dashboard.handout.render import html_to_pdf
from dashboard.jobs import LocalJobs
from tests.dash_client import dependencies, invoke, open_page

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    name: str
    median_ms: float
    p95_ms: float
    bare_name: str
    bare_median_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.bare_median_ms if self.bare_median_ms else float("nan")


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def ensure_large_clinic(url: str) -> None:
    db = Database(url)
    try:
        upgrade(url)
        with db.read() as s:
            clients = s.scalar(select(func.count()).select_from(Client)) or 0
    finally:
        db.dispose()
    if clients >= 5000:
        return
    os.environ["DATABASE_URL"] = url  # the CLI reads its settings from the environment
    cli(["load-catalogue"])
    cli(["demo", "--size", "large"])


def working_copy(url: str) -> str:
    """A fresh copy of the clinic for this run (the benchmark writes sessions and plans, to
    the very client whose progress it times), so every run starts from the same data: a
    file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL."""
    if make_url(url).get_backend_name() == "postgresql":
        source = make_url(url)
        target = source.set(database=f"{source.database}_run")
        server = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            # FILE_COPY: the files copied as they are, not written again through the WAL
            # (PostgreSQL 15's default), which left the benchmark running behind gigabytes
            # of WAL being written out.
            conn.execute(text(f'CREATE DATABASE "{target.database}" '
                              f'TEMPLATE "{source.database}" STRATEGY = FILE_COPY'))
        server.dispose()
        return target.render_as_string(hide_password=False)
    if not url.startswith("sqlite:///"):
        return url
    source = Path(url.removeprefix("sqlite:///"))
    target = source.with_name(source.stem + "-run.sqlite3")
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # consistent even with a WAL file beside the database
    return f"sqlite:///{target}"


def check(response, name: str, expect: str | None = None) -> None:
    """Refuse a failed interaction; ``expect``: text its answer must hold (a save refused
    with a message is an HTTP 200 too, and quicker than a save)."""
    if response.status_code != 200:
        raise RuntimeError(f"{name}: HTTP {response.status_code}: {response.data[:200]!r}")
    if expect is not None and expect not in response.get_data(as_text=True):
        raise RuntimeError(f"{name}: no {expect!r} in {response.data[:600]!r}")


def _sign_in(db: Database, client, email: str) -> None:
    """The real sign-in forms; an admin is enrolled in two-step sign-in first (required)."""
    with db.begin() as s:
        user = s.scalars(select(User).where(User.email == email)).one()
        if user.role == "admin" and user.totp_enabled_at is None:
            start_totp_enrolment(s, user.id, new_secret())
            s.flush()
            s.refresh(user)
            use_totp_step(s, user.id, pyotp.TOTP(user.totp_secret).timecode(
                dt.datetime.now(dt.UTC)) - 2, enable=True)
        secret = user.totp_secret
    # As the browser sends it from our own pages: the cross-site guard refuses a POST
    # without Origin or Sec-Fetch-Site (every later request of this client carries it too).
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code == 200 and secret:
        response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    if response.status_code != 302:
        raise RuntimeError(f"cannot log in as {email}")


def run(url: str, runs: int, app: Dash | None = None) -> tuple[list[Result], dict[str, int]]:
    """Every interaction on the clinic at ``url``; ``app``: an app made earlier in this
    process (pages register once per process), pointed at this database for the run."""
    settings = Settings(database_url=url, secret_key="bench", environment="test",  # noqa: S106
                        data_dir=ROOT / "var", prerender_handouts=True)
    db = Database(url)
    if app is None:
        app = create_app(settings)
    app.server.extensions[DB_KEY] = db
    with db.read() as s:
        counts = {"practitioners": s.scalar(select(func.count()).select_from(User).where(
                      User.role == "practitioner")),
                  "clients": s.scalar(select(func.count()).select_from(Client)),
                  "sessions": s.scalar(select(func.count()).select_from(CareSession))}
        # The busiest practitioner, and one of their clients with a plan and sessions.
        pid, email = s.execute(
            select(User.id, User.email).join(Client, Client.practitioner_id == User.id)
            .group_by(User.id, User.email).order_by(func.count().desc()).limit(1)).one()
        client_id, episode_id = s.execute(
            select(Client.id, PlanVersion.episode_id)
            .join(CareSession, CareSession.client_id == Client.id)
            .join(PlanVersion, PlanVersion.id == CareSession.plan_version_id)
            .where(Client.practitioner_id == pid, Client.archived.is_(False),
                   Client.episode_state == "open")
            .order_by(Client.id).limit(1)).one()
        admin_email = s.scalar(select(User.email).where(User.role == "admin").limit(1))
        plan = s.scalar(select(PlanVersion).where(PlanVersion.episode_id == episode_id)
                        .order_by(PlanVersion.version.desc()).limit(1))
        items = [(i.part_id, i.id, {k: getattr(i, k) for k in (
            "minutes_min", "minutes_max", "sets", "reps", "hold_seconds", "times_per_day",
            "days_per_week")}) for i in plan.items]
        # The parts whose days done the session form asks (advice without days is not).
        counted = [i.id for i in plan.items
                   if prescribed_days(i.dose_kind, i.days_per_week) is not None]
        kinds = {p.id: p.dose_kind for p in s.scalars(select(StrategyPart))}
    practitioner = app.server.test_client()
    admin = app.server.test_client()
    for browser in (practitioner, admin):  # what a browser sends from the app's own page
        browser.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    for client, login in ((practitioner, email), (admin, admin_email)):
        _sign_in(db, client, login)
    deps = dependencies(practitioner)
    admin_deps = dependencies(admin)
    today = dt.date.today()
    results: list[Result] = []

    def measure(name: str, fn: Callable[[], object], bare_name: str,
                bare: Callable[[], object]) -> None:
        median, p95 = timed(fn, runs)
        bare_median, _ = timed(bare, runs)
        results.append(Result(name, median, p95, bare_name, bare_median))
        print(f"{name:38s} {median:8.1f} ms  p95 {p95:8.1f}  bare {bare_median:6.2f} ms")

    # Client list with a search, as typed.
    list_values = {"clients-search.value": "ch", "clients-archived.value": "active",
                   "clients-status.value": "any", "clients-sort.value": "name",
                   "clients-practitioner.value": "all", "clients-pages.active_page": 1}

    def bare_list() -> None:
        with db.read() as s:
            s.execute(select(Client.id, Client.given_name, Client.family_name)
                      .where(Client.practitioner_id == pid, Client.archived.is_(False),
                             func.lower(Client.family_name).like("ch%"))
                      .order_by(Client.family_name).limit(25)).all()

    measure("Client list with search", lambda: check(invoke(
        practitioner, "clients-table", list_values, deps=deps), "list"),
        "SELECT one page of matching clients", bare_list)

    progress_values = {"client-tabs.value": "progress", "progress-range.value": "all",
                       "client-id.data": client_id}

    def bare_progress() -> None:
        with db.read() as s:
            s.execute(select(CareSession.session_on, CareSession.pain, CareSession.stress,
                             CareSession.function_score)
                      .where(CareSession.episode_id == episode_id)).all()

    measure("Client progress (timeline and adherence)", lambda: check(invoke(
        practitioner, "progress-area", progress_values, deps=deps), "progress"),
        "SELECT one episode's sessions", bare_progress)

    def bare_home() -> None:
        with db.read() as s:
            s.execute(select(Client.id).where(Client.practitioner_id == pid,
                                              Client.next_due_on <= today)
                      .order_by(Client.next_due_on).limit(10)).all()

    measure("Practitioner home", lambda: check(open_page(practitioner, "/"), "home"),
            "SELECT clients due", bare_home)

    overview_values = {"overview-start.value": (today - dt.timedelta(days=182)).isoformat(),
                       "overview-end.value": today.isoformat(),
                       "overview-practitioner.value": "all"}

    def bare_overview() -> None:
        with db.read() as s:
            s.execute(select(Client.status, func.count()).group_by(Client.status)).all()
            s.execute(select(CareSession.session_on, func.count())
                      .where(CareSession.session_on >= today - dt.timedelta(days=182))
                      .group_by(CareSession.session_on)).all()

    measure("Clinic overview (admin)", lambda: check(invoke(
        admin, "overview-body", overview_values, deps=admin_deps), "overview"),
        "GROUP BY status; sessions per day", bare_overview)

    # The outcomes report for a year (the overview's button): aggregates, layout, PDF.
    year = {"from": (today - dt.timedelta(days=365)).isoformat(), "to": today.isoformat()}

    def bare_report() -> None:
        with db.read() as s:
            s.execute(select(Client.practitioner_id, func.count(), func.avg(
                Episode.baseline_pain)).join(Client, Client.id == Episode.client_id)
                .where(Episode.ended_on >= today - dt.timedelta(days=365))
                .group_by(Client.practitioner_id)).all()

    median, p95 = timed(lambda: check(admin.get("/overview/outcomes-report.pdf",
                                                query_string=year), "report"),
                        max(3, runs // 10), warmup=1)
    results.append(Result("Outcomes report PDF, a year (admin)", median, p95,
                          "GROUP BY practitioner over discharged episodes",
                          timed(bare_report, runs)[0]))
    print(f"{'Outcomes report PDF (a year)':38s} {median:8.1f} ms")

    session_values = {
        "sess-form.n_submit": 1, "client-id.data": client_id, "sess-editing.data": None,
        "sess-date.value": today.isoformat(), "sess-pain.value": 4, "sess-stress.value": 4,
        "sess-rating": [], "sess-rating-error": [],
        "sess-adh": [({"type": "sess-adh", "item": item_id}, 5) for item_id in counted],
        "sess-adh-error": [({"type": "sess-adh-error", "item": item_id}, None)
                           for item_id in counted],
        "sess-notes.value": "benchmark", "sess-q-include.value": [], "sess-q": [],
        "sess-q-error": []}
    with db.read() as s:
        activities = [a for a, in s.execute(text(
            "SELECT id FROM functional_activities WHERE client_id = :c AND active"
            if db.engine.dialect.name == "postgresql" else
            "SELECT id FROM functional_activities WHERE client_id = :c AND active = 1"),
            {"c": client_id})]
    session_values["sess-rating"] = [({"type": "sess-rating", "activity": a}, 6)
                                     for a in activities]
    session_values["sess-rating-error"] = [({"type": "sess-rating-error", "activity": a}, None)
                                           for a in activities]

    def bare_session() -> None:
        with db.begin() as s:
            s.add(CareSession(client_id=client_id, episode_id=episode_id, practitioner_id=pid,
                              session_on=today, pain=4, stress=4, notes="bare"))

    measure("Saving a session", lambda: check(invoke(
        practitioner, "sess-result", session_values, deps=deps), "session",
        f"Session of {format_day(today)} saved."),
        "INSERT one session", bare_session)

    toggle = {"n": 0}

    def plan_values() -> dict:
        toggle["n"] += 1
        doses = []
        for part_id, _, dose in items:
            fields = {k: v for k, v in dose.items() if v is not None}
            if kinds[part_id] != "advice" and "days_per_week" in fields:
                fields["days_per_week"] = 6 + toggle["n"] % 2  # a real change every save
            doses += [({"type": "plan-dose", "part": part_id, "field": k}, v)
                      for k, v in fields.items()]
        return {"client-id.data": client_id, "plan-save.n_clicks": 1,
                "plan-include": [({"type": "plan-include", "part": p}, True)
                                 for p, _, _ in items],
                "plan-dose": doses,
                "plan-part-error": [({"type": "plan-part-error", "part": p}, None)
                                    for p, _, _ in items],
                "plan-review.value": 14, "plan-notes.value": "benchmark"}

    def bare_plan() -> None:
        with db.begin() as s:
            number = (s.scalar(select(func.max(PlanVersion.version)).where(
                PlanVersion.episode_id == episode_id)) or 0) + 1
            version = PlanVersion(episode_id=episode_id, version=number, effective_on=today,
                                  review_interval_days=14, notes="", created_by_id=pid)
            s.add(version)
            s.flush()
            s.add_all([PlanItem(plan_version_id=version.id, part_id=p, part_revision=1,
                                strategy_key="x", strategy_name="x", part_name="x",
                                instructions="x", cautions="", position=i,
                                dose_kind=kinds[p], **dose)
                       for i, (p, _, dose) in enumerate(items)])

    # Back-to-back saves would each start a handout layout thread competing for the CPU;
    # a practitioner saves a plan minutes apart, so that is measured in its own flow below.
    app.server.extensions[SETTINGS_KEY] = replace(settings, prerender_handouts=False)
    measure("Saving a plan", lambda: check(invoke(
        practitioner, "plan-save-result", plan_values(), deps=deps), "plan", "Saved as version"),
        "INSERT a version and its items", bare_plan)

    def bare_handout() -> None:
        with db.read() as s:
            s.execute(select(PlanItem).where(PlanItem.plan_version_id == plan.id)).all()

    app.server.extensions[SETTINGS_KEY] = settings
    # The usual flow: a plan is saved, then the handout downloaded a moment later; the save
    # lays the handout out in a background thread meanwhile. Only the download is timed.
    def handout_after_plan_save(label: str) -> None:
        samples = []
        for _ in range(max(5, runs // 3)):
            check(invoke(practitioner, "plan-save-result", plan_values(), deps=deps), "plan",
                  "Saved as version")
            time.sleep(1.0)  # the practitioner's moment between saving and printing
            start = time.perf_counter()
            check(practitioner.post(f"/clients/{client_id}/handout.pdf"), "handout")
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        results.append(Result(label, statistics.median(samples),
                              samples[min(len(samples) - 1, int(0.95 * len(samples)))],
                              "SELECT the plan's items", timed(bare_handout, runs)[0]))
        print(f"{label[:38]:38s} {statistics.median(samples):8.1f} ms")

    handout_after_plan_save("Handout PDF, a moment after the plan was saved")

    # The layout itself, for a plan never laid out before (no server, no cache).
    with db.read() as s:
        prepared = prepare_handout(s, client=s.get(Client, client_id), version=None,
                                   page_size="letter")
        # Read here as the layout would (prepare skips them when an identical PDF exists).
        pictures = pictures_by_hash(s, s.scalars(select(PlanItem.picture_sha256).where(
            PlanItem.plan_version_id == prepared.plan_version_id)))
    print(f"{'Handout pictures':38s} {len(pictures):8d}")
    median, p95 = timed(lambda: html_to_pdf(prepared.html, pictures), max(5, runs // 3),
                        warmup=1)
    results.append(Result("Handout PDF laid out on request (WeasyPrint)", median, p95,
                          "SELECT the plan's items", timed(bare_handout, runs)[0]))
    print(f"{'Handout layout alone':38s} {median:8.1f} ms")
    measure("Handout PDF (unchanged plan, reused)", lambda: check(practitioner.post(
        f"/clients/{client_id}/handout.pdf"), "handout"), "SELECT the plan's items",
        bare_handout)

    # The client's own page (issue 21): what their phone opens, and one day's log saved.
    with db.begin() as s:
        link = create_link(s, client_id=client_id, secret_key=settings.secret_key,
                           user_id=None, now=utcnow())
    # A client with a live link has it printed on the handout: the copy laid out ahead
    # must print it too, or the download lays the handout out again.
    handout_after_plan_save("Handout PDF after a plan save, client with a live link")
    with db.read() as s:  # the parts of the plan saved last (read before, refused: 400)
        tickable = sorted(tickable_item_ids(s, episode_id))
    phone = app.server.test_client()
    phone.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    check(phone.get(f"/my/{link.token}"), "client link")
    clinic_day = dt.datetime.now(settings.tz).date().isoformat()

    def bare_client_page() -> None:
        with db.read() as s:
            link_for_token(s, link.token or "", now=utcnow())
            s.execute(select(PlanItem).where(PlanItem.plan_version_id == plan.id)).all()

    _background_done(app)
    measure("Client's own page (/my/)", lambda: check(phone.get("/my/"), "client page"),
            "SELECT the link and the plan's items", bare_client_page)

    def save_day_request() -> None:
        response = phone.post("/my/", data={"day": clinic_day, "pain": "4", "stress": "3",
                                            "done": [str(i) for i in tickable]},
                              headers={"Origin": "http://localhost",
                                       "Sec-Fetch-Site": "same-origin"})
        if response.status_code != 303:
            raise RuntimeError(f"day save: HTTP {response.status_code}")

    def bare_day() -> None:
        with db.begin() as s:
            s.execute(update(HomeLogEntry).where(HomeLogEntry.episode_id == episode_id)
                      .values(pain=4))

    measure("Client's day saved (/my/ POST)", save_day_request,
            "UPDATE one day's entry", bare_day)
    _background_done(app)
    db.dispose()
    return results, counts


def _background_done(app: Dash) -> None:
    """Wait for the handouts the plan saves queued to be laid out: otherwise they run on the
    CPU during the next measurements (the client's page, and the next clinic's first
    interactions), which then measure them too."""
    jobs = app.server.extensions[JOBS_KEY]
    if isinstance(jobs, LocalJobs) and not jobs.wait_idle():
        raise RuntimeError("background work still running after 60 s")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}")


def write_report(path: Path, results: list[Result], counts: dict[str, int], url: str,
                 runs: int) -> None:
    backend = url.split(":", 1)[0]
    lines = [
        f"## {backend} · {dt.date.today().isoformat()}",
        "",
        f"Machine: {machine()}. Data: {counts['practitioners']} practitioners, "
        f"{counts['clients']} clients, {counts['sessions']} sessions. {runs} runs each after "
        "3 warm-up runs; in-process through Flask and Dash's dispatch, no network.",
        "",
        "| interaction | median ms | p95 ms | bare query | bare median ms | ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    lines += [f"| {r.name} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.bare_name} | "
              f"{r.bare_median_ms:.2f} | {r.ratio:.0f}× |" for r in results]
    section = "\n".join(lines) + "\n"
    header = ("# Performance\n\nWritten by `python -m benchmarks.bench` "
              "(see the README). Newest run per backend first.\n\n")
    old = path.read_text() if path.exists() else header
    body = old[len(header):] if old.startswith(header) else ""
    kept = [part for part in body.split("\n## ") if part and not part.startswith(
        backend + " ") and not part.startswith("## " + backend + " ")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + section + "".join(
        "\n## " + p.removeprefix("## ") for p in kept))
    print(json.dumps({r.name: round(r.median_ms, 1) for r in results}))


# The median targets (ms) the issue sets for the ten-times clinic on PostgreSQL.
TARGETS = {"Client list with search": 20, "Client progress (timeline and adherence)": 20,
           "Practitioner home": 30, "Clinic overview (admin)": 60, "Saving a session": 15}
GROWTH_TITLE = "Ten times the clinic (issue 24)"


def ensure_xlarge_clinic(url: str, large_url: str) -> None:
    """The ten-times clinic, made once: a copy of the large clinic's database (PostgreSQL's
    CREATE DATABASE ... TEMPLATE, when both are on one server), grown as ``dashboard demo
    --size xlarge`` grows it, so the two clinics differ only in size."""
    db = Database(url)
    try:
        upgrade(url)
        with db.read() as s:
            clients = s.scalar(select(func.count()).select_from(Client)) or 0
    finally:
        db.dispose()
    if clients >= 50000:
        return
    target, source = make_url(url), make_url(large_url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"'))
    server.dispose()
    started = time.perf_counter()
    db = Database(url)
    try:
        with db.begin() as s:
            grow_clinic(s, times=10)
        db.refresh_statistics()
    finally:
        db.dispose()
    print(f"ten-times clinic grown from the large one in {time.perf_counter() - started:.0f} s")


def write_growth(path: Path, large: list[Result], xlarge: list[Result],
                 counts: tuple[dict[str, int], dict[str, int]], runs: int) -> None:
    """The growth table: each interaction on the large and the ten-times clinic."""
    at_ten = {r.name: r for r in xlarge}
    lines = [
        f"## {GROWTH_TITLE} · postgresql · {dt.date.today().isoformat()}",
        "",
        f"Machine: {machine()}, load average {os.getloadavg()[0]:.1f} as the run ended "
        f"(over 2 cores: above 2, shared with other work). The large clinic "
        f"({counts[0]['practitioners']} practitioners, {counts[0]['clients']} clients, "
        f"{counts[0]['sessions']} sessions) and the ten-times clinic "
        f"({counts[1]['practitioners']}, {counts[1]['clients']}, {counts[1]['sessions']}) in "
        f"one run, {runs} runs each after 3 warm-up runs, in-process (no network).",
        "",
        "| interaction | large median ms | ten times median ms | growth | target at ten times |",
        "|---|---:|---:|---:|---|",
    ]
    for r in large:
        ten = at_ten[r.name]
        target = TARGETS.get(r.name)
        verdict = "" if target is None else (
            f"{target} ms: {'met' if ten.median_ms <= target else 'missed'}")
        lines.append(f"| {r.name} | {r.median_ms:.1f} | {ten.median_ms:.1f} | "
                     f"{ten.median_ms / r.median_ms:.1f}× | {verdict} |")
    section = "\n".join(lines) + "\n"
    header = ("# Performance\n\nWritten by `python -m benchmarks.bench` "
              "(see the README). Newest run per backend first.\n\n")
    old = path.read_text() if path.exists() else header
    body = old[len(header):] if old.startswith(header) else ""
    kept = [part for part in body.split("\n## ") if part and GROWTH_TITLE not in
            part.split("\n", 1)[0]]
    path.write_text(header + section + "".join("\n## " + p.removeprefix("## ") for p in kept))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    parser.add_argument("--ten-times-url", default="",
                        help="a second PostgreSQL database: the large clinic at "
                             "--database-url and the ten-times clinic here, in one run")
    args = parser.parse_args()
    ensure_large_clinic(args.database_url)
    if args.ten_times_url:
        ensure_xlarge_clinic(args.ten_times_url, args.database_url)
        large_copy, ten_copy = working_copy(args.database_url), working_copy(args.ten_times_url)
        # The copies' gigabytes written out now, not by the kernel during the measurements.
        os.sync()
        large, large_counts = run(large_copy, args.runs)
        ten, ten_counts = run(ten_copy, args.runs, app=dash.get_app())
        write_growth(Path(args.out), large, ten, (large_counts, ten_counts), args.runs)
        return
    results, counts = run(working_copy(args.database_url), args.runs)
    write_report(Path(args.out), results, counts, args.database_url, args.runs)


if __name__ == "__main__":
    main()
