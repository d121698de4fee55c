"""Child jobs (core/jobs.py): a real spawned process, its result, its error, its priority."""

from __future__ import annotations

import os
import sys

import pytest

from desktop_app.core.jobs import CHILD_NICE, JobError, run_in_subprocess
from desktop_app.core.reporter import RecordingReporter


def probe(reporter):
    """Runs in the child: what priority it got, and one message back through the reporter."""
    reporter.log("hello from the child")
    policy = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else None
    return {"nice": os.nice(0) if hasattr(os, "nice") else None, "policy": policy, "pid": os.getpid()}


def fail(reporter):
    raise ValueError("broken on purpose")


def test_child_runs_below_normal_priority_and_reports_back():
    reporter = RecordingReporter()
    result = run_in_subprocess("tests.unit.test_jobs:probe", {}, reporter)
    assert result["pid"] != os.getpid()
    assert any(kind == "log" and "hello from the child" in str(payload) for kind, payload in reporter.events)
    if hasattr(os, "nice"):
        assert result["nice"] >= min(19, os.nice(0) + CHILD_NICE)
    if sys.platform.startswith("linux"):
        assert result["policy"] == os.SCHED_IDLE


def test_child_error_comes_back_as_job_error():
    with pytest.raises(JobError, match="broken on purpose"):
        run_in_subprocess("tests.unit.test_jobs:fail", {}, RecordingReporter())
