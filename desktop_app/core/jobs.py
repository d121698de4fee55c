"""Run a long core job in a child process, relaying its progress to a Reporter in this one.

ONNX export and onnxruntime session creation hold the GIL for seconds, which would freeze a GUI;
a child process also makes cancel real: it is asked first, and terminated if it does not listen.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import queue as queue_mod
import sys
import time
import traceback
from typing import Any

from .reporter import Cancelled, Reporter

CANCEL_GRACE_S = 15.0
CHILD_NICE = 10


class JobError(Exception):
    """The job failed in the child; the message is the child's error."""


class _QueueReporter(Reporter):
    def __init__(self, queue, cancel_event):
        super().__init__()
        self._queue = queue
        self._cancel_event = cancel_event
        self._last_progress = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel_event.is_set()

    def check_cancel(self) -> None:
        if self._cancel_event.is_set():
            raise Cancelled()

    def stage(self, name, total=None):
        self._queue.put(("stage", (name, total)))

    def progress(self, done, total=None):
        now = time.monotonic()  # throttle: a GUI needs a few updates a second, not hundreds
        if now - self._last_progress >= 0.1 or (total is not None and done >= total):
            self._last_progress = now
            self._queue.put(("progress", (done, total)))

    def metric(self, name, value, step=None):
        self._queue.put(("metric", (name, value, step)))

    def log(self, message):
        self._queue.put(("log", (message,)))


def _lower_priority() -> None:
    """Training keeps both cores busy; the window and the query panel's encoder must still answer
    at once. nice 10, and on Linux the SCHED_IDLE policy: the child runs when nothing of normal
    priority wants the CPU, and a waking GUI or encoder process preempts it straight away (demo
    shop, live query during a retrain: max 56 - 81 ms over five runs with nice 10 alone, 40 ms with
    SCHED_IDLE). The price: on a machine kept busy by other work, training slows down more.
    Windows has neither: the process priority class is set below normal instead."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), 0x00004000)  # BELOW_NORMAL_PRIORITY_CLASS
        return
    if hasattr(os, "nice"):
        try:
            os.nice(CHILD_NICE)
        except OSError:
            pass
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:  # threads started later (torch's, onnxruntime's) inherit it
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass


def _child(target: str, kwargs: dict, queue, cancel_event) -> None:
    module, _, name = target.partition(":")
    _lower_priority()
    try:
        fn = getattr(importlib.import_module(module), name)
        result = fn(**kwargs, reporter=_QueueReporter(queue, cancel_event))
        queue.put(("result", result))
    except Cancelled:
        queue.put(("cancelled", None))
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        queue.put(("error", (f"{exc}" or type(exc).__name__, traceback.format_exc())))


def run_in_subprocess(target: str, kwargs: dict, reporter: Reporter, *, poll_s: float = 0.05,
                      cancel_grace_s: float = CANCEL_GRACE_S, on_abandon=None) -> Any:
    """Call `module:function(**kwargs, reporter=...)` in a spawned child and return its result.

    Raises Cancelled when the reporter was cancelled, JobError when the child failed or died.
    `on_abandon()` runs in the parent when the child had to be terminated or crashed, to clean
    up what it left half done.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    cancel_event = ctx.Event()
    proc = ctx.Process(target=_child, args=(target, kwargs, queue, cancel_event), daemon=True)
    proc.start()
    cancel_sent_at = None
    try:
        while True:
            if reporter.cancelled and cancel_sent_at is None:
                cancel_event.set()
                cancel_sent_at = time.monotonic()
            if cancel_sent_at is not None and time.monotonic() - cancel_sent_at > cancel_grace_s:
                proc.terminate()
                proc.join(5)
                if on_abandon:
                    on_abandon()
                raise Cancelled()
            try:
                kind, payload = queue.get(timeout=poll_s)
            except queue_mod.Empty:
                if not proc.is_alive():
                    try:  # the last message may land just after the process ends
                        kind, payload = queue.get(timeout=0.5)
                    except queue_mod.Empty:
                        if on_abandon:
                            on_abandon()
                        raise JobError(f"the job's process ended unexpectedly (exit code {proc.exitcode})") from None
                else:
                    continue
            if kind == "result":
                return payload
            if kind == "cancelled":
                raise Cancelled()
            if kind == "error":
                raise JobError(payload[0])
            getattr(reporter, kind)(*payload)
    finally:
        if proc.is_alive():
            proc.join(2)
        if proc.is_alive():
            proc.terminate()
