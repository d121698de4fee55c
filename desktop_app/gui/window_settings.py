"""What the main window remembers between sessions in QSettings: its geometry and splitter, and
the last shop per data directory. (Everything else is a shop setting or serve.json.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter


def _last_shop_key(home: Path) -> str:
    # Per data directory: --home picks another database whose shop ids mean other shops.
    return "last_shop/" + hashlib.sha1(str(home).encode()).hexdigest()[:12]


def last_shop(home: Path) -> int | None:
    value = QSettings().value(_last_shop_key(home))
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def remember_shop(home: Path, shop_id: int) -> None:
    QSettings().setValue(_last_shop_key(home), shop_id)


def restore_layout(window: QMainWindow, splitter: QSplitter) -> None:
    settings = QSettings()
    if (geometry := settings.value("main/geometry")) is not None:
        window.restoreGeometry(geometry)
    if (state := settings.value("main/splitter")) is not None:
        splitter.restoreState(state)


def save_layout(window: QMainWindow, splitter: QSplitter) -> None:
    settings = QSettings()
    settings.setValue("main/geometry", window.saveGeometry())
    settings.setValue("main/splitter", splitter.saveState())
