#!/usr/bin/env bash
# One command: set up and serve the app on the embedded SQLite database, with the demo clinic.
# Served by gunicorn, the production server the Dockerfile uses (not Flask's development
# server): HOST and PORT choose the address, WEB_CONCURRENCY and GUNICORN_THREADS the size.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

apt_install "${RUNTIME_PACKAGES[@]}"
ensure_venv app
"$VENV/bin/dashboard" setup
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8050}"
echo "==> Serving on http://$HOST:$PORT (Ctrl+C stops)"
exec "$VENV/bin/gunicorn" dashboard.wsgi:server \
  --bind "$HOST:$PORT" \
  --workers "${WEB_CONCURRENCY:-2}" \
  --threads "${GUNICORN_THREADS:-4}" \
  --timeout 60
