"""Run core jobs off the GUI thread; their reporter calls arrive as (throttled) Qt signals.

Every worker is a `JobWorker`: a QObject living in the GUI thread that runs one job in a Python
thread and reports the outcome with exactly one of three signals, delivered (queued) in the GUI
thread:

- ``finished(object)``: the job's result (a dict for retrain / activate, a Matcher for the loader);
- ``cancelled()``: the job stopped after ``cancel()``;
- ``failed(str)``: a one-line message for the operator (the traceback goes to the log).

Training, ONNX export and the base model's first export run in a spawned child process
(`jobs.run_in_subprocess`): they hold the GIL for seconds, which a thread of the GUI process would
turn into a frozen window. The thread here only relays the child's progress and waits.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from ..core.jobs import JobError, run_in_subprocess
from ..core.reporter import Cancelled, Reporter
from ..core.store import Store

log = logging.getLogger(__name__)

PROGRESS_MIN_INTERVAL_S = 0.05  # at most ~20 progress signals a second


class SignalReporter(QObject, Reporter):
    """A core Reporter whose calls become Qt signals; ``cancel()`` may be called from any thread.

    Progress is throttled: a signal is emitted only when the visible percentage changes and at most
    every 50 ms, and always for the last unit of a stage.
    """

    stage_changed = Signal(str, int)        # name, total units (-1: unknown)
    progress_changed = Signal(int, int)     # done, total (-1: unknown)
    metric_reported = Signal(str, float, int)  # name ('loss', 'val_top1', ...), value, step (-1: none)
    log_message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        Reporter.__init__(self)
        self._last_emit = 0.0
        self._last_permille = -1
        self._total: int | None = None

    # -- Reporter interface, called from the job's thread ------------------------------
    def stage(self, name: str, total: int | None = None) -> None:
        self._total = total
        self._last_emit = 0.0
        self._last_permille = -1
        self.stage_changed.emit(str(name), -1 if total is None else int(total))

    def progress(self, done: int, total: int | None = None) -> None:
        total = self._total if total is None else total
        now = time.monotonic()
        last = total is not None and done >= total
        permille = int(1000 * done / total) if total else -1
        if not last:
            if now - self._last_emit < PROGRESS_MIN_INTERVAL_S:
                return
            if total and permille == self._last_permille:
                return
        self._last_emit = now
        self._last_permille = permille
        self.progress_changed.emit(int(done), -1 if total is None else int(total))

    def metric(self, name: str, value: float, step: int | None = None) -> None:
        self.metric_reported.emit(str(name), float(value), -1 if step is None else int(step))

    def log(self, message: str) -> None:
        self.log_message.emit(str(message))


class JobWorker(QObject):
    """Runs ``run_job(reporter)`` in a thread; one job per worker object."""

    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reporter = SignalReporter()
        self.state = "idle"  # idle / running / finished / cancelled / failed
        self.result: Any = None
        self.error: str | None = None
        self.started_at: float | None = None
        self._thread: threading.Thread | None = None

    # -- to override ----------------------------------------------------------------------
    def run_job(self, reporter: Reporter) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- control, from the GUI thread -------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a worker runs one job; create a new one")
        self.state = "running"
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._main, name=type(self).__name__, daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self.reporter.cancel()

    def is_running(self) -> bool:
        return self.state == "running"

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until the job's thread ends; True when it did within the timeout."""
        if self._thread is None:
            return True
        self._thread.join(None if timeout_ms is None else timeout_ms / 1000)
        return not self._thread.is_alive()

    # -- the thread -------------------------------------------------------------------------
    def _main(self) -> None:
        try:
            result = self.run_job(self.reporter)
        except Cancelled:
            self.state = "cancelled"
            self._emit(self.cancelled)
        except JobError as exc:
            self.error = str(exc) or type(exc).__name__
            self.state = "failed"
            log.error("%s failed: %s", type(self).__name__, self.error)
            self._emit(self.failed, self.error)
        except Exception as exc:  # noqa: BLE001 - the operator must see it, not a silent thread death
            self.error = str(exc) or type(exc).__name__
            self.state = "failed"
            log.exception("%s failed", type(self).__name__)
            self._emit(self.failed, self.error)
        else:
            self.result = result
            self.state = "finished"
            self._emit(self.finished, result)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the receiving widgets are gone (window closed): nothing to tell
            log.debug("worker signal dropped: receiver deleted")


def _private_store(store: Store) -> Store:
    """A second connection to the same database for a worker thread (WAL: reads never block)."""
    return Store(Path(store.home))


class RetrainWorker(JobWorker):
    """Training -> export -> evaluation -> index -> activation, in a child process.

    ``finished(dict)`` carries version_id, val_top1_before, val_top1_after, seconds.
    ``config=None`` uses the shop's stored settings (`core.shop_settings`).
    """

    def __init__(self, store: Store, shop_id: int, config=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = str(store.home)
        self.shop_id = shop_id
        self.config = config

    def run_job(self, reporter: Reporter) -> dict:
        from ..core.pipeline import retrain_in_subprocess
        from ..core.shop_settings import load_settings

        store = Store(Path(self.home))
        try:
            config = self.config if self.config is not None else load_settings(store, self.shop_id).train_config()
            result = retrain_in_subprocess(store, self.shop_id, config, reporter)
            # Warm the pages the window reads next, here, off the GUI thread (bench/RESULTS.md).
            store.shop(self.shop_id)
            store.active_version(self.shop_id)
            store.count_similars(self.shop_id, status="pending")
            return result
        finally:
            store.close()


class ActivateWorker(JobWorker):
    """Roll back (or forward) to a model version, in a child process: ``finished(dict)``."""

    def __init__(self, store: Store, version_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = str(store.home)
        self.version_id = version_id

    def run_job(self, reporter: Reporter) -> dict:
        return run_in_subprocess("desktop_app.core.prepare:activate_job",
                                 {"home": self.home, "version_id": self.version_id}, reporter)


class MatcherLoader(JobWorker):
    """Opens a shop's Matcher off the GUI thread; ``finished(Matcher)``.

    A shop with no model yet first gets its untuned version (`pipeline.ensure_model`), in a child
    process: the first time per user this exports the base encoder to ONNX (about a minute).
    The Matcher is then opened here with its encoder in a child process (encoder_process: the
    tokenizer parse and the onnxruntime session would hold the GUI process's GIL for over a
    second), warmed up with one query, and handed back bound to ``store``, the GUI's store.
    """

    WARM_UP = "你好"

    def __init__(self, store: Store, shop_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id = shop_id
        self.built_model = False  # True when this load had to create the untuned version
        self.seconds: float | None = None
        self.superseded = False  # set by the GUI: finish building the model, but skip opening it

    def run_job(self, reporter: Reporter):
        from ..core.encoder_process import ProcessEncoder
        from ..core.services.matching import open_matcher

        t0 = time.perf_counter()
        private = _private_store(self.store)
        try:
            if private.active_version(self.shop_id) is None:
                reporter.stage("prepare model")
                run_in_subprocess("desktop_app.core.prepare:ensure_model_job",
                                  {"home": str(private.home), "shop_id": self.shop_id}, reporter)
                self.built_model = True
            reporter.check_cancel()
            if self.superseded:  # the operator moved on: the model is built, nobody needs it open
                return None
            reporter.stage("load model")
            matcher = open_matcher(private, self.shop_id, encoder_factory=ProcessEncoder)
            matcher.query(self.WARM_UP, k=1)  # first onnxruntime run allocates: not on the GUI thread
            reporter.check_cancel()
            matcher.store = self.store  # from now on, used from the GUI thread with the GUI's store
            self.seconds = time.perf_counter() - t0
            return matcher
        finally:
            private.close()


class BatchQueryWorker(JobWorker):
    """Answers many questions with an open Matcher, in chunks; ``finished(list[QueryResult])``.

    ``lock`` guards the Matcher: the live query box uses it from the GUI thread between chunks
    (and never blocks on it: it retries a moment later).
    """

    CHUNK = 16

    def __init__(self, matcher, texts: list[str], lock: threading.Lock, k: int = 3,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matcher = matcher
        self.texts = list(texts)
        self.lock = lock
        self.k = k
        self.seconds: float | None = None

    def run_job(self, reporter: Reporter) -> list:
        t0 = time.perf_counter()
        reporter.stage("query", total=len(self.texts))
        results = []
        for start in range(0, len(self.texts), self.CHUNK):
            reporter.check_cancel()
            chunk = self.texts[start:start + self.CHUNK]
            with self.lock:
                results += self.matcher.query_many(chunk, k=self.k)
            reporter.progress(len(results), len(self.texts))
        self.seconds = time.perf_counter() - t0
        return results


class FunctionWorker(JobWorker):
    """Runs any ``fn(reporter)`` in a thread (for short jobs that release the GIL)."""

    def __init__(self, fn: Callable[[Reporter], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn

    def run_job(self, reporter: Reporter) -> Any:
        return self._fn(reporter)
