"""Progress / cancel reporting for long jobs, with no Qt: the GUI and the CLI each adapt it."""

from __future__ import annotations

import threading
from typing import Any


class Cancelled(Exception):
    """Raised inside a job when its reporter has been asked to cancel."""


class Reporter:
    """Base reporter: tracks cancel requests and ignores progress. Subclass to show it.

    A job calls ``stage`` when it enters a named step, ``progress`` as it goes, ``metric`` for
    numbers worth plotting (loss, validation accuracy) and ``check_cancel`` often; the caller
    calls ``cancel`` from any thread.
    """

    def __init__(self) -> None:
        self._cancel = threading.Event()

    # -- called by the caller -------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- called by the job ----------------------------------------------------
    def check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def stage(self, name: str, total: int | None = None) -> None:
        """A new step begins (e.g. "train", "export"); ``total`` units of progress follow."""

    def progress(self, done: int, total: int | None = None) -> None:
        """``done`` units of the current stage are finished."""

    def metric(self, name: str, value: float, step: int | None = None) -> None:
        """A number worth showing (loss, val_top1...)."""

    def log(self, message: str) -> None:
        """A line of human-readable status."""


class RecordingReporter(Reporter):
    """Keeps every event in a list: useful in tests and for replaying a child process's events."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []

    def stage(self, name, total=None):
        self.events.append(("stage", (name, total)))

    def progress(self, done, total=None):
        self.events.append(("progress", (done, total)))

    def metric(self, name, value, step=None):
        self.events.append(("metric", (name, value, step)))

    def log(self, message):
        self.events.append(("log", message))


NULL = Reporter()
