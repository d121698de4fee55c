"""The retrain's imports, done in a background thread before Retrain is clicked."""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

_preload_started = False
_preloaded = threading.Event()  # the background imports are done (or failed)


def preloaded() -> bool:
    return _preloaded.is_set()


# The Qt modules pyqtgraph imports; their classes are created on the GUI thread (see below).
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtTest")
# Creating them all at once held the GUI thread 70-170 ms as the window opened (bench/gui_stall.py,
# first load); in turns of the event loop of about this long, the window keeps reacting.
RESOLVE_SLICE_S = 0.008


def _qt_names():
    import importlib

    for name in QT_MODULES:
        try:
            module = importlib.import_module(f"PySide6.{name}")
        except ImportError:  # pyqtgraph will say what is missing; the plot is optional
            continue
        for attr in dir(module):
            yield module, attr


def resolve_qt_classes(names=None, budget_s: float | None = None) -> tuple[int, bool]:
    """Create the classes of the Qt modules pyqtgraph imports, now, on this thread (about 0.14 ms a
    name when PySide6 creates them lazily, 800 names). `names`: an iterator from _qt_names() to go
    on with; `budget_s`: stop after about that long. Returns (names touched, whether all are done)."""
    names = _qt_names() if names is None else names
    touched, end = 0, None if budget_s is None else time.perf_counter() + budget_s
    for module, attr in names:
        getattr(module, attr, None)
        touched += 1
        if end is not None and time.perf_counter() >= end:
            return touched, False
    return touched, True


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
    # should make this free; the frozen app still crashed that way under CPU load (2 of 40
    # launches), with the thread inside Module::get -> createPythonEnum. A slice at a time, from
    # the event loop, and the thread starts when the last is done.
    from PySide6.QtCore import QTimer

    names = _qt_names()

    def resolve_some():
        if resolve_qt_classes(names, RESOLVE_SLICE_S)[1]:
            threading.Thread(target=run, name="preload-pyqtgraph", daemon=True).start()
        else:
            QTimer.singleShot(0, resolve_some)

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

    resolve_some()
