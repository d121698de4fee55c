#!/usr/bin/env bash
# Build the one-folder desktop bundle for this OS (Linux here) and its tarball, from a fresh clone:
#
#   bash packaging/build.sh            -> dist/StandardQ/ and dist/StandardQ-<version>-linux-<arch>.tar.gz
#
# A build venv of its own (build/venv) with the exact versions of requirements/lock.txt: torch's CPU
# build first (see scripts/setup.sh), then the lock, the project and its PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=build/venv
LOCK=requirements/lock.txt
# A venv made from another lock may hold packages this one dropped: start it afresh.
STAMP="$VENV/installed-lock.txt"
if [ -x "$VENV/bin/python" ] && ! cmp -s $LOCK "$STAMP"; then
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet "$(grep -E '^pip==' $LOCK | cut -d' ' -f1)"
"$VENV/bin/python" -m pip install --quiet "$(grep -E '^torch==' $LOCK | cut -d' ' -f1)"
"$VENV/bin/python" -m pip install --quiet -r $LOCK
"$VENV/bin/python" -m pip install --quiet --no-deps .
"$VENV/bin/python" -m pip check
cp $LOCK "$STAMP"
"$VENV/bin/python" packaging/check_portable.py "$VENV"

"$VENV/bin/python" scripts/update_translations.py --release  # resources/i18n/*.qm, copied with resources/
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/standardq.spec
VERSION=$("$VENV/bin/python" -c "import desktop_app; print(desktop_app.__version__)")
cp resources/standardq.desktop packaging/linux/install.sh dist/StandardQ/
TARBALL="dist/StandardQ-$VERSION-linux-$(uname -m).tar.gz"
tar -czf "$TARBALL" -C dist StandardQ
echo "bundle:  dist/StandardQ ($(du -sh dist/StandardQ | cut -f1))"
echo "tarball: $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
