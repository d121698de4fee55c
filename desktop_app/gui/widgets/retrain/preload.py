"""The retrain's imports, done in a background thread before Retrain is clicked."""

from __future__ import annotations

import gc
import logging
import threading

log = logging.getLogger(__name__)

_preload_started = False
_preloaded = threading.Event()  # the background imports are done (or failed)


def preloaded() -> bool:
    return _preloaded.is_set()


def resolve_qt_classes() -> int:
    """Create every class of the Qt modules pyqtgraph imports, now, on this thread; returns how many
    names were touched (under 1 ms when PySide6 created them at import, ~100 ms when lazily)."""
    import importlib

    touched = 0
    for name in ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtTest"):
        try:
            module = importlib.import_module(f"PySide6.{name}")
        except ImportError:  # pyqtgraph will say what is missing; the plot is optional
            continue
        for attr in dir(module):
            getattr(module, attr, None)
            touched += 1
    return touched


def preload_plot_and_retrain() -> None:
    """Import pyqtgraph and the retrain's own modules in a background thread (about 0.5 s of
    imports, kept off the GUI thread; Python switches threads every few ms, so the window stays
    responsive meanwhile), then take the start-up objects out of the cyclic collector's walks
    (gc.freeze)."""
    global _preload_started
    if _preload_started:
        return
    _preload_started = True
    # The Qt modules pyqtgraph uses are imported, and every class in them created, here on the GUI
    # thread, so that the thread runs Python code only: PySide6 creating a class in a thread while
    # the GUI thread paints crashes (SIGSEGV in pythonToCppConversion). PYSIDE6_OPTION_LAZY=0
    # should make the loop below free; the frozen app still crashed that way under CPU load
    # (2 of 40 launches), with the thread inside Module::get -> createPythonEnum.
    resolve_qt_classes()

    def run():
        try:
            import pyqtgraph  # noqa: F401
        except Exception:  # the plot is optional: TrainingPlot reports it when needed
            log.warning("pyqtgraph could not be imported", exc_info=True)
        try:
            # Imported at the Retrain click instead, they held the GIL (and the window) 250 ms.
            from ....core import pipeline, prepare  # noqa: F401
        except Exception:  # the worker will report it
            log.warning("the retrain's modules could not be imported", exc_info=True)
        finally:
            # What exists now lives as long as the window: out of the full collections' walks,
            # which stop every thread (52 ms with the window up, more on a busy machine).
            gc.freeze()
            _preloaded.set()

    threading.Thread(target=run, name="preload-pyqtgraph", daemon=True).start()
