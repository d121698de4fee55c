#!/usr/bin/env bash
# Create .venv and install StandardQ with its dev tools, at the exact versions of
# requirements/lock.txt (refresh it with `python3 scripts/lock.py`). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv_from_lock.sh .venv --editable
.venv/bin/python scripts/update_translations.py --release  # the UI catalogues resources/i18n/*.qm from the .ts
