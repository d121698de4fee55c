#!/usr/bin/env bash
# Make (or bring up to date) a venv holding exactly requirements/lock.txt, then the project:
#
#   bash scripts/venv_from_lock.sh VENV [--editable]
#
# Used by scripts/setup.sh (.venv, editable) and packaging/build.sh (build/venv). torch is installed
# first, pinned to its CPU build: an unpinned requirement met before it (pytorch-metric-learning
# has one) would pull the newest CUDA build, several GB. A venv made from another lock may hold
# packages this one dropped, so it is started afresh when the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=$1
PY=${PYTHON:-python3}
LOCK=requirements/lock.txt
STAMP="$VENV/installed-lock.txt"
if [ -x "$VENV/bin/python" ] && ! cmp -s $LOCK "$STAMP"; then
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
pin() { grep -E "^$1==" $LOCK | cut -d' ' -f1; }
"$VENV/bin/python" -m pip install --quiet "$(pin pip)"
"$VENV/bin/python" -m pip install --quiet "$(pin torch)"
"$VENV/bin/python" -m pip install --quiet -r $LOCK
if [ "${2:-}" = "--editable" ]; then
    "$VENV/bin/python" -m pip install --quiet --no-deps -e .
else
    "$VENV/bin/python" -m pip install --quiet --no-deps .
fi
"$VENV/bin/python" -m pip check
cp $LOCK "$STAMP"
