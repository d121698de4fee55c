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


def preload_plot_and_retrain() -> None:
    """Import pyqtgraph and the retrain's own modules in a background thread (about 0.5 s of
    imports, kept off the GUI thread; Python switches threads every few ms, so the window stays
    responsive meanwhile), then take the start-up objects out of the cyclic collector's walks
    (gc.freeze)."""
    global _preload_started
    if _preload_started:
        return
    _preload_started = True
    # The Qt modules pyqtgraph loads are imported here, on the GUI thread (6 ms), so the thread
    # imports Python code only (PySide6 classes created in a thread crashed the frozen app).
    try:
        from PySide6 import QtOpenGL, QtOpenGLWidgets, QtSvg, QtTest  # noqa: F401
    except ImportError:  # pyqtgraph will say what is missing; the plot is optional
        pass

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
