#!/usr/bin/env bash
# Create .venv and install StandardQ with its dev tools, at the exact versions of
# requirements/lock.txt (refresh it with `python3 scripts/lock.py`). Safe to re-run.
# torch is installed first, pinned to its CPU build: an unpinned requirement met before it
# (pytorch-metric-learning has one) would pull the newest CUDA build, several GB.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
LOCK=requirements/lock.txt
# A venv made from another lock may hold packages this one dropped: start it afresh.
STAMP=.venv/installed-lock.txt
if [ -x .venv/bin/python ] && ! cmp -s $LOCK "$STAMP"; then
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
. .venv/bin/activate
TORCH=$(grep -E '^torch==' $LOCK | cut -d' ' -f1)
python -m pip install --quiet "$(grep -E '^pip==' $LOCK | cut -d' ' -f1)"
python -m pip install --quiet "$TORCH"
python -m pip install --quiet -r $LOCK
python -m pip install --quiet --no-deps -e .
python -m pip check
cp $LOCK "$STAMP"
python scripts/update_translations.py --release  # the UI catalogues resources/i18n/*.qm from the .ts
