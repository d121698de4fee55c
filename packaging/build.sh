#!/usr/bin/env bash
# Build the one-folder desktop bundle for this OS (Linux here) and its tarball, from a fresh clone:
#
#   bash packaging/build.sh            -> dist/StandardQ/ and dist/StandardQ-<version>-linux-<arch>.tar.gz
#
# A build venv of its own (build/venv): torch's CPU build first (pinned; see scripts/setup.sh), hnswlib
# compiled without -march=native (HNSWLIB_NO_NATIVE=1: a bundle tuned to this CPU would crash on
# others), then the project and PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=build/venv
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
HNSWLIB_NO_NATIVE=1 "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps --no-cache-dir \
    --no-binary hnswlib "hnswlib==0.8.0"
"$VENV/bin/python" -m pip install --quiet . "pyinstaller==6.*"
"$VENV/bin/python" packaging/check_portable.py "$VENV"

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/standardq.spec
VERSION=$("$VENV/bin/python" -c "import desktop_app; print(desktop_app.__version__)")
cp resources/standardq.desktop packaging/linux/install.sh dist/StandardQ/
TARBALL="dist/StandardQ-$VERSION-linux-$(uname -m).tar.gz"
tar -czf "$TARBALL" -C dist StandardQ
echo "bundle:  dist/StandardQ ($(du -sh dist/StandardQ | cut -f1))"
echo "tarball: $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
