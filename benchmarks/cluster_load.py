"""The load test against several app hosts: PostgreSQL and Redis (throwaway, on loopback),
two gunicorn hosts and one ``dashboard worker`` (handouts laid out ahead and batches off
the request path), the large clinic, and locust's simulated practitioners spread over both
hosts (benchmarks/locustfile.py, LOAD_HOSTS). Everything listens on 127.0.0.1 only and
stops when the run ends.

Usage: .venv/bin/python -m benchmarks.cluster_load [USERS] [SECONDS] [DATABASE_URL]
(benchmarks/load.sh installs locust in .venv-load; run it once first.) DATABASE_URL: a
PostgreSQL database with the large clinic in it already (else one is made, a few minutes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench import ensure_large_clinic  # noqa: E402
from tests.pg import start_cluster  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402

WORKERS = os.environ.get("WORKERS", "2")  # per host: two hosts share this machine's cores
THREADS = os.environ.get("THREADS", "4")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def main(users: int = 50, seconds: int = 60, database_url: str = "") -> int:
    """``database_url``: a PostgreSQL database holding the large clinic already (else a
    throwaway cluster is started and the clinic made in it)."""
    locust = ROOT / ".venv-load" / "bin" / "locust"
    if not locust.exists():
        print("Run bash benchmarks/load.sh once first (it installs locust).", file=sys.stderr)
        return 2
    pg = None if database_url else start_cluster()
    redis = start_redis()
    processes: list[subprocess.Popen] = []
    try:
        url = database_url or pg.url("postgres")  # type: ignore[union-attr]
        ensure_large_clinic(url)
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis.url(0),
               "SECRET_KEY": "cluster-load-test-only", "DASHBOARD_DATA_DIR": str(ROOT / "var")}
        processes.append(subprocess.Popen(
            # Two processes, as `dashboard worker` starts by default (deploy/compose.yaml).
            [sys.executable, "-m", "dashboard.cli", "worker", "--loglevel", "WARNING"],
            env=env, cwd=ROOT, start_new_session=True))
        hosts = []
        # Each worker of both hosts leaves a file once it has loaded the app
        # (benchmarks/gunicorn_ready.py): the load starts when all can serve.
        ready = Path(tempfile.mkdtemp(prefix="cluster-ready-"))
        for _ in range(2):
            port = _port()
            processes.append(subprocess.Popen(  # noqa: S603 - fixed commands, loopback
                [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind",
                 f"127.0.0.1:{port}", "--workers", WORKERS, "--threads", THREADS,
                 "--timeout", "60", "--keep-alive", "75", "--log-level", "warning",
                 "-c", "benchmarks/gunicorn_ready.py"], env={**env, "READY_DIR": str(ready)},
                cwd=ROOT, start_new_session=True))
            hosts.append(f"http://127.0.0.1:{port}")
        for host in hosts:
            _wait(f"{host}/healthz")
        deadline = time.monotonic() + 120
        while len(list(ready.iterdir())) < 2 * int(WORKERS) and time.monotonic() < deadline:
            time.sleep(0.5)
        (ROOT / "test-results").mkdir(exist_ok=True)
        return subprocess.run(  # noqa: S603 - fixed command, loopback
            [str(locust), "-f", "benchmarks/locustfile.py", "--headless", "-u", str(users),
             "-r", str(users), "-t", f"{seconds}s", "--host", hosts[0], "--only-summary",
             "--csv", "test-results/cluster-load"],
            env={**os.environ, "LOAD_HOSTS": ",".join(hosts)}, cwd=ROOT,
            check=False).returncode
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        redis.stop()
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main(int(args[0]) if args else 50, int(args[1]) if len(args) > 1 else 60,
                          args[2] if len(args) > 2 else ""))
