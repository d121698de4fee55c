"""pytest-qt set-up for the GUI tests: offscreen, English, QSettings and data in a temp dir, and
message boxes answered automatically (and recorded) instead of blocking the test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_qt_settings(qapp, tmp_path):
    """Window geometry, last shop and language go to a temp ini file, never the user's config."""
    QCoreApplication.setOrganizationName("StandardQ-tests")
    QCoreApplication.setApplicationName("StandardQ-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    QSettings().clear()
    yield


class Dialogs:
    """Stand-in for QMessageBox's static functions: records (kind, title, text), answers `answer`."""

    def __init__(self):
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def _record(self, kind):
        def show(parent, title, text, *args, **kwargs):
            self.shown.append((kind, title, text))
            return self.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return staticmethod(show)

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.shown if kind is None or k == kind]

    def clear(self) -> None:
        self.shown.clear()


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    d = Dialogs()
    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, d._record(kind))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a, **k: d.shown.append(("about", "", ""))))
    return d


@pytest.fixture
def make_window(qtbot):
    """MainWindow factory: offscreen, no saved state, and no untuned model built behind the test's back."""
    from desktop_app.gui.main_window import MainWindow

    def make(store, **kwargs):
        kwargs.setdefault("remember", False)
        kwargs.setdefault("build_models", False)
        window = MainWindow(store, **kwargs)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        window.activateWindow()  # keyboard shortcuts and focus need the active window
        QTest.qWaitForWindowActive(window)
        return window

    return make
