"""JobRunner: one job at a time, cancellable, stale outcomes dropped, nothing left running at close."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from desktop_app.core.reporter import Cancelled  # noqa: E402
from desktop_app.gui.job_runner import JobRunner, cancel_and_wait  # noqa: E402
from desktop_app.gui.workers import FunctionWorker  # noqa: E402


def _gated(result=None, error: Exception | None = None):
    """A worker that waits for its gate (or a cancel), then returns `result` or raises `error`."""
    gate = threading.Event()

    def job(reporter):
        while not gate.wait(0.01):
            reporter.check_cancel()
        if error is not None:
            raise error
        return result

    return FunctionWorker(job), gate


class Seen:
    def __init__(self, runner: JobRunner) -> None:
        self.events: list = []
        runner.finished.connect(lambda r: self.events.append(("finished", r)))
        runner.failed.connect(lambda m: self.events.append(("failed", m)))
        runner.cancelled.connect(lambda: self.events.append(("cancelled",)))


def test_the_current_jobs_outcome_comes_once_and_busy_until_handled(qtbot):
    runner = JobRunner()
    seen = Seen(runner)
    worker, gate = _gated(result=42)
    assert not runner.busy()
    runner.start(worker)
    assert runner.busy() and runner.worker is worker
    with qtbot.waitSignal(runner.finished, timeout=5000):
        gate.set()
    assert seen.events == [("finished", 42)] and not runner.busy()
    assert runner.worker is worker and worker.result == 42  # kept after it ended
    assert runner.cancel_and_wait(1000)


def test_a_superseded_jobs_result_is_dropped_and_it_was_cancelled(qtbot):
    runner = JobRunner()
    seen = Seen(runner)
    old, old_gate = _gated(result="old")
    new, new_gate = _gated(result="new")
    runner.start(old)
    runner.start(new)
    assert old.reporter.cancelled and runner.jobs() == [new, old]
    assert old.wait(5000)  # the old one ends (cancelled); its outcome is dropped
    with qtbot.waitSignal(runner.finished, timeout=5000) as done:
        new_gate.set()
    assert done.args == ["new"] and seen.events == [("finished", "new")]
    qtbot.waitUntil(lambda: runner.jobs() == [new], timeout=2000)  # the old one forgotten once ended


def test_drop_without_cancel_lets_the_job_finish_and_ignores_it(qtbot):
    runner = JobRunner()
    seen = Seen(runner)
    worker, gate = _gated(result="built")
    runner.start(worker)
    runner.drop(cancel=False)
    assert not runner.busy() and runner.worker is None and not worker.reporter.cancelled
    gate.set()
    assert worker.wait(5000) and worker.result == "built"
    qtbot.waitUntil(lambda: not runner.jobs(), timeout=2000)
    assert seen.events == []


def test_cancel_keeps_the_job_current_so_its_cancelled_comes(qtbot):
    runner = JobRunner()
    worker, _gate = _gated()
    runner.start(worker)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel()
    assert not runner.busy() and worker.state == "cancelled"


def test_after_cancel_and_wait_not_busy_and_the_outcome_still_comes(qtbot):
    runner = JobRunner()
    worker, _gate = _gated()
    runner.start(worker)
    assert runner.cancel_and_wait(5000) and not runner.busy()  # at once, before the queued signal
    with qtbot.waitSignal(runner.cancelled, timeout=2000):
        pass
    assert not runner.busy()


def test_a_failure_is_relayed_as_one_line(qtbot):
    runner = JobRunner()
    worker, gate = _gated(error=ValueError("bad input"))
    runner.start(worker)
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        gate.set()
    assert failed.args == ["bad input"] and not runner.busy()


def test_cancel_and_wait_and_shutdown_leave_nothing_running(qtbot):
    first, second = JobRunner(), JobRunner()
    seen = Seen(first)
    a, _ = _gated()
    b, _ = _gated()
    c, _ = _gated()
    first.start(a)
    first.start(b, cancel_previous=False)  # a keeps running, superseded
    second.start(c)
    assert not a.reporter.cancelled
    assert cancel_and_wait([first, second], 5000)
    assert all(w.state == "cancelled" for w in (a, b, c))
    first.shutdown(1000)
    qtbot.wait(50)  # the queued signals arrive after shutdown: nothing handed on
    assert seen.events == [] and not first.busy() and first.worker is None
