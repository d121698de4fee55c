#!/usr/bin/env bash
# Create .venv and install StandardQ with its dev tools. Safe to re-run.
# torch is installed first, pinned to its CPU build: an unpinned requirement met before it
# (pytorch-metric-learning has one) would pull the newest CUDA build, several GB.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "torch==2.13.0"
python -m pip install --quiet -e ".[dev]"
