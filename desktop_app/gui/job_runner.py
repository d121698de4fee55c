"""One background job at a time for a widget: start, cancel, supersede, wait, and stale results dropped.

Modelled on Orange3's `ConcurrentMixin` (Orange/widgets/utils/concurrent.py), over our `JobWorker`
(workers.py): the owner starts a worker through a `JobRunner` and listens to the runner's
`finished` / `failed` / `cancelled`, which come for the current job only. A job that a newer one
replaced (or that `drop` let go) still runs to its end, cancelled or not, but what it brings back
is dropped; `cancel_and_wait` / `shutdown` stop and wait for every job still running, so a window
closes without a thread behind it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from .workers import JobWorker


class JobRunner(QObject):
    """The owner's current background job and the superseded ones still running."""

    finished = Signal(object)  # the current job's result
    failed = Signal(str)       # its one-line error
    cancelled = Signal()       # it stopped after cancel()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: JobWorker | None = None  # the current job; kept after it ends (its result, its timings)
        self._pending = False  # the current job's outcome has not been handed on yet
        self._waited = False   # wait() saw the current job's thread end (its outcome may still come)
        self._old: list[JobWorker] = []  # superseded jobs whose thread may still run

    # -- control ------------------------------------------------------------------------------
    def start(self, worker: JobWorker, cancel_previous: bool = True) -> JobWorker:
        """Run `worker`, replacing the current job (cancelled unless `cancel_previous` is False)."""
        self.drop(cancel=cancel_previous)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self.worker = worker
        self._pending, self._waited = True, False
        worker.start()
        return worker

    def busy(self) -> bool:
        """A job runs, or its outcome is on its way (its queued signal not handled yet) and no
        `wait` has seen it end."""
        return self._pending and not self._waited

    def cancel(self) -> None:
        """Ask the current job to stop; it stays current, so its `cancelled` still comes."""
        if self._pending:
            self.worker.cancel()

    def drop(self, cancel: bool = True) -> None:
        """Let the current job go: cancelled (or left to finish its work) and its outcome ignored."""
        if self.worker is not None and self._pending:
            if cancel:
                self.worker.cancel()
            self._old.append(self.worker)
        self.worker = None
        self._pending = False

    def jobs(self) -> list[JobWorker]:
        """Every job that may still be running: the current one and the superseded ones."""
        return [w for w in (self.worker, *self._old) if w is not None]

    def cancel_all(self) -> None:
        for worker in self.jobs():
            worker.cancel()

    def wait(self, timeout_ms: int = 30000, deadline: float | None = None) -> bool:
        """Wait for every job's thread to end; True when none runs any more (then not busy, though
        the current job's outcome is still handed on when its signal arrives)."""
        deadline = time.monotonic() + timeout_ms / 1000 if deadline is None else deadline
        ok = True
        for worker in self.jobs():
            ok &= worker.wait(max(0, int((deadline - time.monotonic()) * 1000)))
        self._waited = self._waited or (ok and self._pending)
        return ok

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        self.cancel_all()
        return self.wait(timeout_ms)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """At close: stop everything, wait for it, and hand nothing on afterwards."""
        ok = self.cancel_and_wait(timeout_ms)
        self.drop(cancel=False)
        return ok

    # -- the worker's signals, queued to the GUI thread ---------------------------------------
    def _take(self) -> bool:
        """True when the signal's sender is the current job (now ended); a stale one is forgotten."""
        worker = self.sender()
        if worker in self._old:
            self._old.remove(worker)
        if worker is not self.worker or not self._pending:
            return False
        self._pending = False
        return True

    def _on_finished(self, result) -> None:
        if self._take():
            self.finished.emit(result)

    def _on_failed(self, message: str) -> None:
        if self._take():
            self.failed.emit(message)

    def _on_cancelled(self) -> None:
        if self._take():
            self.cancelled.emit()


def cancel_and_wait(runners, timeout_ms: int = 30000) -> bool:
    """Cancel the jobs of several runners at once, then wait for all of them under one deadline."""
    runners = list(runners)
    for runner in runners:
        runner.cancel_all()
    deadline = time.monotonic() + timeout_ms / 1000
    return all([runner.wait(deadline=deadline) for runner in runners])
