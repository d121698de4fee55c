"""Starting the desktop application: QApplication, look, translations, logging, error dialogs, window.

Nothing here imports torch (or onnxruntime): the window must be up within 2 s on 2 cores, and
the model is loaded by the panels' workers after it is shown.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__
from ..core.store import Store, StoreError
from ..paths import APP_NAME, data_dir
from . import i18n
from .style import apply_style

log = logging.getLogger(__name__)

SCREENSHOT_SIZE = (1280, 800)


# ----------------------------------------------------------------------------- logging and errors
def setup_logging(home: Path) -> Path:
    """Everything from INFO up goes to <data dir>/logs/standardq.log (rotated); stderr keeps warnings."""
    folder = home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "standardq.log"
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        for other in root.handlers:  # the console keeps its warnings-only volume
            other.setLevel(max(other.level, logging.WARNING))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)
    return path


def _qt_message(mode: QtMsgType, _context, message: str) -> None:
    # Qt's warnings are mostly platform noise ("does not support propagateSizeHints"): log file only.
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.INFO}.get(mode, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


class ErrorReporter(QObject):
    """sys.excepthook and threading.excepthook: log the traceback, then show a dialog.

    A dialog can only be shown from the GUI thread, so the hook emits a signal: called directly
    there, queued from a worker thread.
    """

    _report = Signal(str, str)

    def __init__(self, log_path: Path, parent=None):
        super().__init__(parent)
        self.log_path = log_path
        self._showing = False
        self._report.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = lambda args: self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details)
        try:
            self._report.emit(f"{exc_type.__name__}: {exc}", details)
        except RuntimeError:  # the reporter is gone (shutting down): the log has it
            pass

    def _show(self, summary: str, details: str) -> None:
        if self._showing:  # one dialog at a time: an error inside a loop must not stack hundreds
            return
        self._showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Unexpected error"),
                              self.tr("Something went wrong. Your data is safe; you can keep working, "
                                      "or restart StandardQ if the window misbehaves."),
                              parent=QApplication.activeWindow())
            box.setInformativeText(summary[:500] + "\n\n" + self.tr("Details were written to {path}").format(
                path=self.log_path))
            box.setDetailedText(details)
            box.exec()
        finally:
            self._showing = False


# ----------------------------------------------------------------------------- application
def create_application() -> QApplication:
    QCoreApplication.setOrganizationName(APP_NAME)  # QSettings: window geometry, last shop, language
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName("StandardQ")
    apply_style(app)
    from .icons import app_icon

    app.setWindowIcon(app_icon())
    i18n.install_translators(i18n.effective_language())
    return app


class Shell(QObject):
    """Owns the main window; switching language rebuilds it in place (no restart needed)."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.window = None

    def open(self, remember: bool = True, build_models: bool = True):
        from .main_window import MainWindow  # the heavy widget imports wait until the app exists

        window = MainWindow(self.store, remember=remember, build_models=build_models)
        window.language_requested.connect(self.switch_language)
        self.window = window
        window.show()
        return window

    def switch_language(self, code: str) -> None:
        old = self.window
        i18n.remember_language(code)
        if old.retrain_panel.busy():  # rebuilding would end the retrain: apply it at next start
            QMessageBox.information(old, self.tr("Language"),
                                    self.tr("The new language applies when StandardQ starts next time."))
            return
        shop_id, current, tab = old.shop_id(), old.questions.current(), old.tabs.currentIndex()
        old.form.set_question(None)  # save pending edits under the old window
        old.save_settings()
        i18n.install_translators(i18n.effective_language(code))
        window = self.open(remember=old.remember, build_models=old.build_models)
        window.setGeometry(old.geometry())
        if shop_id is not None:
            window.shop_bar.select(shop_id)
        if current is not None:
            window.questions.select(current.id)
        window.tabs.setCurrentIndex(tab)
        window.serve_switch.adopt(old.serve_switch)  # the server goes on serving across the rebuild
        old.shutdown()
        old.close()
        old.deleteLater()


def take_screenshot(store: Store, path: Path) -> int:
    """Render the main window with the demo shop and its first question to `path`; no training."""
    from ..core.demo import ensure_demo_shop

    shop, _ = ensure_demo_shop(store)
    shell = Shell(store)
    window = shell.open(remember=False, build_models=False)
    window.resize(*SCREENSHOT_SIZE)
    window.shop_bar.select(shop.id)
    window.questions.select_first()
    app = QApplication.instance()
    # Painting while the query panel's model loader ran crashed the frozen bundle: wait for it.
    window.shutdown()
    for _ in range(5):  # let layouts, style polish and the first paint settle
        app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(path))
    window.close()
    if not ok:
        log.error("could not write the screenshot %s", path)
        print(f"standardq: error: could not write {path}", file=sys.stderr)
    return 0 if ok else 1


def _no_display() -> bool:
    """On Linux without X11 / Wayland, Qt would abort the process: say so instead."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def run_gui(home: str | None, screenshot: str | None = None, demo: bool = False) -> int:
    """The application; `demo`: open on the demo shop, creating it first if absent."""
    if screenshot:  # renders without a display (CI, headless servers)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif _no_display():
        print("standardq: error: no display to open the window on (set DISPLAY, or see `standardq --help` "
              "for the command-line commands)", file=sys.stderr)
        return 1
    home_dir = data_dir(home)
    log_path = setup_logging(home_dir)
    app = create_application()
    errors = ErrorReporter(log_path, app)
    errors.install()
    log.info("StandardQ %s starting, data in %s", __version__, home_dir)
    try:
        store = Store(home_dir)
    except StoreError as exc:
        log.error("%s", exc)
        QMessageBox.critical(None, "StandardQ", str(exc))
        return 1
    try:
        if screenshot:
            return take_screenshot(store, Path(screenshot))
        shell = Shell(store)
        window = shell.open()
        if demo:
            window.open_demo_shop()
        return app.exec()
    finally:
        store.close()
