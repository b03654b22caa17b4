#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 only, serving the large clinic; locust (in its own
# virtual environment, .venv-load) with 50 simulated practitioners for 60 seconds.
# Usage: bash benchmarks/load.sh [USERS] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
USERS="${1:-50}"
SECONDS_TO_RUN="${2:-60}"
PORT="${PORT:-8765}"
WORKERS="${WORKERS:-4}"
THREADS="${THREADS:-4}"  # as scripts/docker-entrypoint.sh
DB="sqlite:///$ROOT/var/bench.sqlite3"

[ -x .venv/bin/python ] || bash scripts/common.sh
if [ ! -x .venv-load/bin/locust ]; then
  python3 -m venv .venv-load
  .venv-load/bin/pip install -q --upgrade pip
  .venv-load/bin/pip install -q "locust>=2.20"
fi
# The large clinic (made once by the benchmark's own set-up).
.venv/bin/python -c "from benchmarks.bench import ensure_large_clinic as e; e('$DB')"
# A fresh copy per run: the load writes sessions and handouts.
RUN_DB=$(.venv/bin/python -c "from benchmarks.bench import working_copy as w; print(w('$DB'))")

DATABASE_URL="$RUN_DB" SECRET_KEY="load-test-only" DASHBOARD_DATA_DIR="$ROOT/var" \
  .venv/bin/gunicorn dashboard.wsgi:server --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
  --timeout 60 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done

mkdir -p test-results
.venv-load/bin/locust -f benchmarks/locustfile.py --headless -u "$USERS" -r "$USERS" \
  -t "${SECONDS_TO_RUN}s" --host "http://127.0.0.1:$PORT" --only-summary \
  --csv test-results/load 2>&1 | tail -25
