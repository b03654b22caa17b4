#!/usr/bin/env bash
# Load test of the client's own page: N clients of the large clinic, each with a link made
# here, each opening their page then saving today's log, think time 5 s, against gunicorn
# on 127.0.0.1 only. Usage: bash benchmarks/client_load.sh [CLIENTS] [SECONDS]
# SPAWN_RATE (clients started a second; default all at once) and THINK_JITTER (seconds either
# side of the 5 s think time; default 1, 0 for exactly 5 s) shape the arrivals.
# AFTER_RAMP=1 measures the SECONDS once every client has started (locust's --reset-stats
# when spawning ends; the run is longer by the ramp), not the ramp itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
USERS="${1:-200}"
SECONDS_TO_RUN="${2:-60}"
PORT="${PORT:-8766}"
WORKERS="${WORKERS:-4}"
THREADS="${THREADS:-4}"
DB="sqlite:///$ROOT/var/bench.sqlite3"
SECRET="load-test-only"

[ -x .venv/bin/python ] || bash scripts/common.sh
if [ ! -x .venv-load/bin/locust ]; then
  python3 -m venv .venv-load
  .venv-load/bin/pip install -q --upgrade pip
  .venv-load/bin/pip install -q "locust>=2.20"
fi
.venv/bin/python -c "from benchmarks.bench import ensure_large_clinic as e; e('$DB')"
RUN_DB=$(.venv/bin/python -c "from benchmarks.bench import working_copy as w; print(w('$DB'))")
# One link each for the first N open clients with a plan; the tokens go to a file for locust.
.venv/bin/python - "$RUN_DB" "$USERS" "$SECRET" > var/client-tokens.txt <<'PY'
import sys
from sqlalchemy import select
from dashboard.db.client_links import create_link
from dashboard.db.engine import Database
from dashboard.db.models import Client, utcnow
url, count, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = Database(url)
with db.begin() as s:
    ids = s.scalars(select(Client.id).where(Client.archived.is_(False),
                    Client.episode_state == "open", Client.current_plan_version_id.is_not(None))
                    .order_by(Client.id).limit(count)).all()
    for cid in ids:
        print(create_link(s, client_id=cid, secret_key=secret, user_id=None, now=utcnow()).token)
db.dispose()
PY

READY_DIR=$(mktemp -d)
DATABASE_URL="$RUN_DB" SECRET_KEY="$SECRET" DASHBOARD_DATA_DIR="$ROOT/var" READY_DIR="$READY_DIR" \
  .venv/bin/gunicorn dashboard.wsgi:server --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --threads "$THREADS" --timeout 60 --log-level warning -c benchmarks/gunicorn_ready.py &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; rm -rf "$READY_DIR"' EXIT
# Every worker up (each leaves a file once it has loaded the app), then one answer.
for _ in $(seq 1 120); do
  [ "$(ls "$READY_DIR" | wc -l)" -ge "$WORKERS" ] && \
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done

mkdir -p test-results
RATE="${SPAWN_RATE:-$USERS}"
RUN_FOR="$SECONDS_TO_RUN"
AFTER=()
if [ "${AFTER_RAMP:-0}" = 1 ]; then
  RUN_FOR=$((SECONDS_TO_RUN + (USERS + RATE - 1) / RATE))
  AFTER=(--reset-stats)
fi
CLIENT_TOKENS=var/client-tokens.txt .venv-load/bin/locust -f benchmarks/client_locustfile.py \
  --headless -u "$USERS" -r "$RATE" -t "${RUN_FOR}s" --host "http://127.0.0.1:$PORT" \
  "${AFTER[@]}" --only-summary --csv test-results/client-load 2>&1 | tail -15
