#!/usr/bin/env bash
# Build the one-folder desktop bundle for this OS (Linux here) and its tarball, from a fresh clone:
#
#   bash packaging/build.sh            -> dist/StandardQ/ and dist/StandardQ-<version>-linux-<arch>.tar.xz
#
# A build venv of its own (build/venv) with the exact versions of requirements/lock.txt, PyInstaller
# among them, then the project (scripts/venv_from_lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=build/venv
bash scripts/venv_from_lock.sh "$VENV"
"$VENV/bin/python" packaging/check_portable.py "$VENV"

"$VENV/bin/python" scripts/update_translations.py --release  # resources/i18n/*.qm, copied with resources/
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/standardq.spec
VERSION=$("$VENV/bin/python" -c "import desktop_app; print(desktop_app.__version__)")
cp resources/standardq.desktop packaging/linux/install.sh dist/StandardQ/
# xz, not gzip: 409 against 509 MB for this bundle (libtorch compresses far better), 3.5 min on
# 2 cores; every Linux desktop unpacks it (tar xf, or the file manager).
TARBALL="dist/StandardQ-$VERSION-linux-$(uname -m).tar.xz"
tar -cf - -C dist StandardQ | xz -6 -T0 > "$TARBALL"
echo "bundle:  dist/StandardQ ($(du -sh dist/StandardQ | cut -f1))"
echo "tarball: $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
