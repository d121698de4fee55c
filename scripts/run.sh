#!/usr/bin/env bash
# Set up, then run the main job: the desktop application, open on the demo shop.
# Without a display (a server, CI), the headless demo runs instead: it trains the demo shop
# and answers sample questions in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] \
        && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "no display: running the headless demo (standardq demo) instead of the window" >&2
    exec .venv/bin/standardq demo "$@"
fi
exec .venv/bin/standardq gui --demo "$@"
