#!/usr/bin/env bash
# One command: install what the tests need (Debian's Chromium and PostgreSQL included),
# lint, type-check, and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

apt_install "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_venv test
echo "==> ruff"
"$VENV/bin/ruff" check .
echo "==> mypy"
"$VENV/bin/mypy"  # dashboard/, configured in pyproject.toml
echo "==> pytest"
exec "$VENV/bin/python" -m pytest "$@"
