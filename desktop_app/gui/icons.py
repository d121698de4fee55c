"""Line icons from resources/icons, tinted to the UI's colours (the SVGs use `currentColor`)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ..paths import resource
from .style import MUTED

SIZES = (16, 20, 24, 32, 48)


@lru_cache(maxsize=None)
def icon(name: str, color: str = MUTED) -> QIcon:
    """The icon `name` in `color`; an empty icon if the file is missing (the UI still works)."""
    path = resource("icons", f"{name}.svg")
    try:
        svg = path.read_text(encoding="utf-8").replace("currentColor", color)
    except OSError:
        return QIcon()
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    result = QIcon()
    for size in SIZES:
        for scale in (1, 2):  # crisp on high-DPI screens too
            pixmap = QPixmap(size * scale, size * scale)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            result.addPixmap(pixmap)
    return result


def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "app.svg")))
