#!/usr/bin/env bash
# Set up, then run the main job: the demo shop, trained and answering sample questions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/standardq demo "$@"
