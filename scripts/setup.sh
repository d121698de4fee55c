#!/usr/bin/env bash
# Create .venv and install StandardQ with its dev tools, at the exact versions of
# requirements/lock.txt (refresh it with `python3 scripts/lock.py`). Safe to re-run.
# torch is installed first, pinned to its CPU build: an unpinned requirement met before it
# (pytorch-metric-learning has one) would pull the newest CUDA build, several GB.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
. .venv/bin/activate
TORCH=$(grep -E '^torch==' requirements/lock.txt | cut -d' ' -f1)
python -m pip install --quiet "$(grep -E '^pip==' requirements/lock.txt | cut -d' ' -f1)"
python -m pip install --quiet "$TORCH"
python -m pip install --quiet -r requirements/lock.txt
python -m pip install --quiet --no-deps -e .
python -m pip check
