"""The retrain's ETA and its saved timeline, without Qt."""

from __future__ import annotations

import json

import pytest

from desktop_app.core.retrain_eta import POST_TRAIN_DEFAULT_S, PRE_TRAIN_FRACTION, RetrainEta, TimelineFile


def test_eta_after_training_follows_the_last_runs_timeline():
    """Export to evaluation took 50 s last time, index starting 40 s after training: 2 s into
    this run's index stage, 50 - 40 - 2 = 8 s are left. Before any run, the default."""
    t = 1000.0
    eta = RetrainEta(None, now=t)
    eta.on_stage("train", 20, now=t + 2)
    assert eta.eta(t + 3) is None  # no step done yet
    eta.on_progress(10, 20)
    assert eta.eta(t + 12) == pytest.approx(10 + POST_TRAIN_DEFAULT_S)  # 1 s a step, 10 to go
    eta.post_plan = {"total": 50.0, "offsets": {"export#1": 0.0, "quantize#1": 20.0, "quantize#2": 30.0,
                                                "index#1": 40.0}}
    assert eta.eta(t + 12) == pytest.approx(10 + 50)
    eta.on_stage("export", -1, now=t + 22)
    assert eta.train_end == t + 22
    eta.on_stage("quantize", -1, now=t + 40)
    eta.on_stage("quantize", -1, now=t + 55)
    assert eta.eta(t + 57) == pytest.approx(50 - 30 - 2)  # the second quantize, 2 s in
    eta.on_stage("index", -1, now=t + 60)
    assert eta.eta(t + 62) == pytest.approx(8)
    assert eta.eta(t + 200) == 1.0  # later than last time: "almost done", never negative
    eta.on_stage("evaluate", -1, now=t + 61)  # a stage the last run did not have: time since training ended
    assert eta.eta(t + 62) == pytest.approx(50 - 40)
    assert eta.post_timeline(t + 80) == {"total": 58.0, "offsets": {
        "export#1": 0.0, "quantize#1": 18.0, "quantize#2": 33.0, "index#1": 38.0, "evaluate#1": 39.0}}


def test_no_timeline_without_a_training_stage():
    eta = RetrainEta(None, now=0.0)
    eta.on_stage("prepare", -1, now=1.0)
    assert eta.eta(2.0) is None and eta.post_timeline(3.0) is None


def test_progress_fraction_never_goes_back_and_stops_short_of_the_end():
    t = 0.0
    eta = RetrainEta({"total": 10.0, "offsets": {}}, now=t)
    assert eta.advance(t) == PRE_TRAIN_FRACTION[""]
    eta.on_stage("prepare", -1, now=t + 1)
    assert eta.advance(t + 1) == PRE_TRAIN_FRACTION["prepare"]
    eta.on_stage("train", 10, now=t + 2)
    eta.on_progress(5, 10)
    # 5 steps in 5 s, 5 to go and 10 s after training: 7 s elapsed of 7 + 15.
    assert eta.advance(t + 7) == pytest.approx(7 / 22)
    eta.on_progress(5, 10)
    assert eta.advance(t + 30) >= 7 / 22  # slower now: the estimate grows, the bar does not go back
    assert eta.set_fraction(0.1) == pytest.approx(eta.fraction) and eta.fraction > 0.1
    eta.on_stage("index", -1, now=t + 100)
    assert eta.advance(t + 1000) <= 0.99
    assert eta.complete() == 1.0


def test_timeline_file_per_shop_then_newest_and_damage_tolerated(tmp_path):
    timeline = {"total": 58.0, "offsets": {"export#1": 0.0}}
    other = {"total": 30.0, "offsets": {}}
    file = TimelineFile(tmp_path)
    assert file.load(1) is None  # no file yet: the default
    assert file.save(1, None) is None  # nothing to save
    file.save(1, timeline).join(10)  # written off the calling thread
    assert file.load(1) == timeline and file.load(2) == timeline  # the newest of any shop
    file.save(2, other).join(10)
    assert file.load(1) == timeline and file.load(2) == other and file.load(3) == other
    data = json.loads(file.path.read_text(encoding="utf-8"))
    assert data == {"last": other, "shops": {"1": timeline, "2": other}}
    data["shops"]["1"] = "not a plan"  # a damaged entry
    file.path.write_text(json.dumps(data), encoding="utf-8")
    assert file.load(1) == other  # falls back to the newest of any shop
    file.path.write_text("{broken", encoding="utf-8")
    assert file.load(1) is None  # only an estimate: the default then
    file.save(1, timeline).join(10)  # and a damaged file is replaced, not a crash
    assert file.load(1) == timeline
    assert not file.path.with_name(file.path.name + ".tmp").exists()


def test_timeline_write_failure_is_logged_not_raised(tmp_path, caplog):
    file = TimelineFile(tmp_path / "missing-dir")
    file.write(1, {"total": 1.0})
    assert "could not save the retrain timeline" in caplog.text
