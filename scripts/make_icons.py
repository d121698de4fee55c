"""Render the application icon (resources/icons/app.svg) to the files desktops and bundles need.

    .venv/bin/python scripts/make_icons.py      # needs Pillow for the .ico / .icns (pip install pillow)

Writes resources/icons/app/standardq-<size>.png (16 to 512 px, the freedesktop hicolor sizes),
resources/icons/app/standardq.ico (Windows, several sizes in one file) and standardq.icns (macOS).
The outputs are committed; run this again only when app.svg changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs one for painting
    out = ROOT / "resources" / "icons" / "app"
    out.mkdir(parents=True, exist_ok=True)
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(out / f"standardq-{size}.png"))
    from PIL import Image

    big = Image.open(out / "standardq-512.png")
    big.save(out / "standardq.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(out / "standardq.icns")
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
