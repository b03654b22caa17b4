# Shared by run.sh and test.sh: system packages and the virtual environment.
# Idempotent: each step is skipped when already done.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Install the Debian packages named, if any is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# WeasyPrint (handouts) needs pango; fonts so the PDF has real glyphs.
RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
# Tests also drive Debian's Chromium, start a throwaway PostgreSQL and Redis (the cluster
# test), and read PDFs back.
TEST_PACKAGES=(chromium postgresql redis-server poppler-utils)

ensure_venv() {
  local extras="$1" stamp="$VENV/.installed-$1"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> Creating the virtual environment in .venv"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "==> Installing Python packages ($extras)"
    if [ "$extras" = "test" ]; then
      "$VENV/bin/pip" install -q -e "$ROOT[test]"
    else
      "$VENV/bin/pip" install -q -e "$ROOT"
    fi
    touch "$stamp"
  fi
}
