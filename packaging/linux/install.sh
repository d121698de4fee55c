#!/usr/bin/env bash
# Install the unpacked StandardQ bundle for this user: a launcher on the PATH, the menu entry and
# the icons (freedesktop locations under ~/.local). Run it from the unpacked StandardQ folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$HOME/.local/bin" "$prefix/applications"
ln -sf "$here/StandardQ" "$HOME/.local/bin/standardq"
for png in "$here"/_internal/resources/icons/app/standardq-*.png; do
    size=$(basename "$png" .png); size=${size#standardq-}
    mkdir -p "$prefix/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$prefix/icons/hicolor/${size}x${size}/apps/standardq.png"
done
sed "s|^Exec=.*|Exec=$here/StandardQ %F|; s|^TryExec=.*|TryExec=$here/StandardQ|" "$here/standardq.desktop" \
    > "$prefix/applications/standardq.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/applications" || true
echo "installed: standardq on the PATH (~/.local/bin), StandardQ in the applications menu"
