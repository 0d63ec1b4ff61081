#!/usr/bin/env bash
# Prepare this machine for the browser (end-to-end) tests in tests/e2e.
#
# * Installs Debian's Chromium (/usr/bin/chromium) with apt-get when it is missing.
# * Makes sure the Python `playwright` package is importable in the active environment.
#
# It deliberately never runs `playwright install`: no browser builds are downloaded;
# the tests drive Debian's /usr/bin/chromium only. Safe to run again and again.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

if [ -x "$CHROMIUM" ]; then
    echo "chromium: already installed ($("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM"))"
else
    echo "chromium: installing Debian's chromium package"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    # fonts-wqy-zenhei: Chinese glyphs, so failure screenshots show text instead of empty boxes
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei
    "$CHROMIUM" --version 2>/dev/null || true
fi

# Use the active virtualenv's interpreter when there is one, else whatever python3 is on PATH.
if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
    PYTHON="$VIRTUAL_ENV/bin/python"
else
    PYTHON="$(command -v python3 || command -v python)"
fi

if "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    echo "playwright: already importable from $PYTHON"
else
    echo "playwright: installing the Python package into $PYTHON's environment"
    "$PYTHON" -m pip install "playwright>=1.48,<2"
fi

echo "browser tests ready: pytest -m browser tests/e2e"
