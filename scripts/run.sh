#!/usr/bin/env bash
# One command: set up and serve the app on the embedded SQLite database, with the demo clinic.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

apt_install "${RUNTIME_PACKAGES[@]}"
ensure_venv app
"$VENV/bin/dashboard" setup
exec "$VENV/bin/dashboard" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8050}"
