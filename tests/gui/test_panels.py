"""The query panel, the retrain panel and their dialogs, offscreen, on a tiny model.

Retrains run for real: in a RetrainWorker thread that drives a spawned child process.
"""

from __future__ import annotations

import json
import sys
import time

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QDialog  # noqa: E402

from desktop_app.core.matcher import Matcher  # noqa: E402
from desktop_app.gui.widgets.query_panel import QueryPanel  # noqa: E402
from desktop_app.gui.widgets.retrain_panel import RetrainPanel  # noqa: E402
from desktop_app.gui.widgets.settings_dialog import SettingsDialog  # noqa: E402
from desktop_app.gui.widgets.versions_dialog import VersionsDialog  # noqa: E402
from desktop_app.gui.workers import SignalReporter  # noqa: E402

from .fixtures_panels import TINY_TRAIN, TickCounter, tiny_model, tiny_shop, untuned  # noqa: E402,F401

LOAD_TIMEOUT = 180_000   # ms: the first load exports the tiny model to ONNX in a child process
TRAIN_TIMEOUT = 300_000  # ms: spawn, import torch, train, export, quantize, index on 2 cores


def _panel(qtbot, cls, store):
    panel = cls(store)
    qtbot.addWidget(panel)
    panel.resize(900, 640)
    panel.show()
    return panel


def _loaded_query_panel(qtbot, store, shop_id):
    panel = _panel(qtbot, QueryPanel, store)
    with qtbot.waitSignal(panel.model_ready, timeout=LOAD_TIMEOUT, raising=True):
        panel.set_shop(shop_id)
    return panel


# ----------------------------------------------------------------------------- workers
def test_signal_reporter_throttles_progress_and_relays_the_rest(qtbot):
    rep = SignalReporter()
    seen = {"stage": [], "progress": [], "metric": [], "log": []}
    rep.stage_changed.connect(lambda n, t: seen["stage"].append((n, t)))
    rep.progress_changed.connect(lambda d, t: seen["progress"].append((d, t)))
    rep.metric_reported.connect(lambda n, v, s: seen["metric"].append((n, v, s)))
    rep.log_message.connect(seen["log"].append)
    rep.stage("train", total=10_000)
    for i in range(1, 10_001):
        rep.progress(i, 10_000)
    rep.metric("loss", 1.5, 3)
    rep.metric("val_top1", 0.8)
    rep.log("hello")
    assert seen["stage"] == [("train", 10_000)]
    assert 1 <= len(seen["progress"]) <= 20 and seen["progress"][-1] == (10_000, 10_000)
    assert seen["metric"] == [("loss", 1.5, 3), ("val_top1", 0.8, -1)] and seen["log"] == ["hello"]
    assert not rep.cancelled
    rep.cancel()
    assert rep.cancelled


# ----------------------------------------------------------------------------- retrain
def test_retrain_runs_in_worker_keeps_event_loop_turning_then_query_panel_answers(qtbot, store, tiny_shop):
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)  # builds the untuned version in a child
    v0 = store.active_version(tiny_shop.id)
    assert v0.loss == "none" and query.matcher.version.id == v0.id
    retrain = _panel(qtbot, RetrainPanel, store)
    retrain.set_shop(tiny_shop.id)
    retrain.model_changed.connect(query.reload_model)
    losses = []
    ticks = TickCounter(10)

    ticks.start()
    with qtbot.waitSignal(retrain.retrain_finished, timeout=TRAIN_TIMEOUT) as finished:
        assert retrain.start_retrain()
        assert retrain.busy() and not retrain.retrain_button.isEnabled()
        retrain.worker.reporter.metric_reported.connect(lambda n, v, s: losses.append(v) if n == "loss" else None)
    ticks.stop()

    result = finished.args[0]
    active = store.active_version(tiny_shop.id)
    assert active.id == result["version_id"] != v0.id and active.loss == "arcface"
    assert active.params["epochs"] == TINY_TRAIN["epochs"]  # the shop's stored settings were used
    assert set(result) >= {"val_top1_before", "val_top1_after", "seconds"}
    assert losses and retrain.plot.loss  # the plot received the per-step loss
    assert retrain.result_card.isVisible() and retrain.progress.bar.value() == 1000 and not retrain.busy()
    # The run's timeline after training is kept for the next run's ETA, per shop and as the newest.
    qtbot.waitUntil(lambda: retrain.timeline.path.exists(), timeout=5000)  # written by a thread
    saved = json.loads(retrain.timeline.path.read_text(encoding="utf-8"))
    plan = saved["shops"][str(tiny_shop.id)]
    assert plan == saved["last"]
    assert plan["total"] > 0 and plan["offsets"]["export#1"] >= 0
    assert plan["offsets"]["export#1"] <= plan["offsets"]["index#1"] <= plan["total"]
    # The GUI thread kept turning during the whole retrain: a 10 ms timer ticked throughout.
    expected = ticks.seconds / 0.010
    assert len(ticks.gaps) >= 0.3 * expected, (len(ticks.gaps), expected)
    assert ticks.max_gap_ms < 1000, ticks.max_gap_ms

    # model_changed -> the query panel loads the new version and answers with it.
    qtbot.waitUntil(lambda: query.matcher is not None and query.matcher.version.id == active.id,
                    timeout=LOAD_TIMEOUT)
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("发票怎么开")
    r = done.args[0]
    assert r.model_version == active.id and r.matches[0].standard_question == "怎么开发票"
    assert r.decision == "answer"  # an exact entry scores 1.0
    assert query.live.match_model.rowCount() == len(r.matches) > 1
    assert query.live.decision_label.property("state") == "answer"


def test_the_panel_shows_the_clocks_eta_and_progress(qtbot, store, tiny_shop, monkeypatch):
    """The ETA itself is computed in the core (tests/unit/test_retrain_eta.py); the panel's tick
    shows it: elapsed time, time left, and a bar that follows the clock's fraction."""
    from desktop_app.core.retrain_eta import RetrainEta

    panel = _panel(qtbot, RetrainPanel, store)
    panel.set_shop(tiny_shop.id)
    monkeypatch.setattr(panel, "busy", lambda: True)  # a run's tick, without the run
    now = time.monotonic()
    panel.clock = RetrainEta({"total": 50.0, "offsets": {}}, now=now - 12)
    panel.clock.on_stage("train", 20, now=now - 10)
    panel.clock.on_progress(10, 20)
    panel._tick()
    assert "Elapsed 12 s" in panel.progress.eta_label.text() and "1 min" in panel.progress.eta_label.text()
    assert panel.progress.bar.value() == int(1000 * panel.clock.fraction) > 0


def test_progress_bar_repaints_with_the_next_frame_not_inside_the_update(qtbot, store, tiny_shop):
    """QProgressBar.setValue paints at once; the panel defers that paint to the next frame, so a
    progress update never paints in the middle of a timer slot (bench/gui_stall.py)."""
    from PySide6.QtCore import QEvent, QObject

    panel = _panel(qtbot, RetrainPanel, store)
    panel.set_shop(tiny_shop.id)
    bar = panel.progress.bar
    bar.setVisible(True)
    qtbot.waitExposed(panel)

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    bar.installEventFilter(paints)
    qtbot.wait(50)
    before = paints.count
    panel.progress.set_fraction(0.5)
    assert bar.value() == 500 and paints.count == before  # not painted inside the call
    qtbot.waitUntil(lambda: paints.count > before, timeout=2000)  # but with the next frame
    assert panel.progress.percent_label.text() == "50%"


def test_the_qt_classes_are_created_a_slice_at_a_time(qtbot):
    """All at once they held the window 70-170 ms as it opened; each turn of the event loop now
    creates what fits in its budget and the next turn goes on where it stopped."""
    from desktop_app.gui.widgets.retrain import preload

    total = sum(1 for _ in preload._qt_names())
    names = preload._qt_names()
    assert preload.resolve_qt_classes(names, 0.0) == (1, False)  # the budget spent after one name
    touched, turns, done = 1, 0, False
    while not done:
        n, done = preload.resolve_qt_classes(names, 0.001)
        touched, turns = touched + n, turns + 1
    assert touched == total > 500 and turns >= 1


def test_the_plot_is_built_while_idle_and_shown_by_a_retrain(qtbot, store, tiny_shop):
    """Building and first painting the pyqtgraph plot at the Retrain click held the window for
    90-230 ms; the panel does it beforehand, once the background imports are done (shown or not),
    without the context menus."""
    from desktop_app.gui.widgets.retrain import preload

    pytest.importorskip("pyqtgraph")
    hidden = RetrainPanel(store)
    qtbot.addWidget(hidden)
    preload.preload_plot_and_retrain()
    qtbot.waitUntil(preload.preloaded, timeout=60_000)  # Qt classes a slice per event-loop turn, then the thread
    assert "desktop_app.core.pipeline" in sys.modules
    qtbot.waitUntil(lambda: bool(hidden.plot.parts), timeout=5000)  # built while the panel was never shown
    assert not hidden._warm_timer.isActive()
    panel = _panel(qtbot, RetrainPanel, store)
    panel.set_shop(tiny_shop.id)
    qtbot.waitUntil(lambda: bool(panel.plot.parts), timeout=5000)
    plot = panel.plot.parts
    assert plot["widget"].isVisible() and not panel.plot.hint.isVisible()
    assert plot["item"].getViewBox().menu is None and plot["vb2"].menu is None
    assert panel.plot.ensure() is plot  # built once
    # Starting and ending a run show and hide the progress bar and the result card: the plot
    # keeps its size (a resize repaints its axes from scratch).
    qtbot.wait(20)
    size = plot["widget"].size()
    panel.progress.bar.setVisible(True)
    panel.result_card.setVisible(True)
    qtbot.wait(20)
    assert plot["widget"].size() == size


def test_cancel_leaves_previous_version_active(qtbot, store, tiny_shop, untuned):
    retrain = _panel(qtbot, RetrainPanel, store)
    retrain.set_shop(tiny_shop.id)
    stages = []
    with qtbot.waitSignal(retrain.retrain_cancelled, timeout=TRAIN_TIMEOUT):
        assert retrain.start_retrain()

        def on_stage(name, _total):
            stages.append(name)
            if name == "train":
                retrain.cancel()

        retrain.worker.reporter.stage_changed.connect(on_stage)
    assert "train" in stages and "export" not in stages
    assert store.active_version(tiny_shop.id).id == untuned.id
    last = store.versions(tiny_shop.id)[-1]
    assert last.id != untuned.id and last.status == "cancelled" and not last.active
    assert not retrain.busy() and retrain.retrain_button.isEnabled()
    assert retrain.result_card.property("state") == "cancelled"
    assert retrain.cancel_and_wait(1000)  # nothing left running


def test_failed_retrain_shows_the_error_and_changes_nothing(qtbot, store, tiny_shop, untuned, tmp_path):
    store.set_shop_settings(tiny_shop.id, {**store.shop_settings(tiny_shop.id),
                                           "train": {**TINY_TRAIN, "base_model": str(tmp_path / "missing")}})
    retrain = _panel(qtbot, RetrainPanel, store)
    retrain.set_shop(tiny_shop.id)
    with qtbot.waitSignal(retrain.retrain_failed, timeout=TRAIN_TIMEOUT) as failed:
        assert retrain.start_retrain()
    assert "does not exist" in failed.args[0]
    assert retrain.result_card.property("state") == "failed" and "missing" in retrain.result_card.text.text()
    assert store.active_version(tiny_shop.id).id == untuned.id


def test_invalid_stored_settings_are_reported_before_starting(qtbot, store, tiny_shop):
    store.set_shop_settings(tiny_shop.id, {**store.shop_settings(tiny_shop.id), "train": {"epochs": 0}})
    retrain = _panel(qtbot, RetrainPanel, store)
    retrain.set_shop(tiny_shop.id)
    assert not retrain.start_retrain()
    assert not retrain.busy() and retrain.result_card.property("state") == "failed"
    assert "epochs" in retrain.result_card.text.text()


# ----------------------------------------------------------------------------- query panel
def test_new_standard_question_is_found_without_retraining(qtbot, store, tiny_shop, untuned):
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    new = store.add_standard(tiny_shop.id, "滚刷多久换一次", category="配件", answer="建议三个月换一次")
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("滚刷多久换一次")
    top = done.args[0].matches[0]
    assert top.id == new.id and top.score == pytest.approx(1.0, abs=1e-3)
    assert len(store.versions(tiny_shop.id)) == 1  # no retraining happened
    assert query.live.answer_view.toPlainText() == "建议三个月换一次"
    # Disabled: gone from the results at once, too.
    store.update_standard(new.id, enabled=False)
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("滚刷多久换一次")
    assert all(m.id != new.id for m in done.args[0].matches)


def test_typing_queries_after_the_debounce_and_reports_latency(qtbot, store, tiny_shop, untuned):
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    results = []
    query.query_done.connect(results.append)
    # QTest.keyClicks only types ASCII: insert the characters as an input method commits them.
    for ch in "吸力变弱了":
        query.live.edit.insert(ch)
        qtbot.wait(40)
    t_last = time.perf_counter()
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        pass
    waited = time.perf_counter() - t_last
    assert len(results) == 1  # debounced: one query for the whole burst of keystrokes
    assert done.args[0].query == "吸力变弱了" and waited >= 0.08
    assert done.args[0].matches[0].standard_question == "扫地机器人吸力变小了怎么办"
    assert "ms" in query.live.latency_label.text() and query.live.last_timing_ms < 1000
    query.live.edit.clear()
    assert query.live.match_model.rowCount() == 0 and query.live.decision_label.property("state") == "idle"


def test_query_panel_says_why_twin_standard_questions_are_only_suggested(qtbot, store, tiny_shop, untuned):
    from desktop_app.core.matcher import set_threshold_override

    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    store.add_similar(invoice.id, "运费谁承担？")  # 退货运费谁出 holds 运费谁承担
    set_threshold_override(store, tiny_shop.id, answer=-1.0, suggest=-1.0, margin=0.0)  # all else answered
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("运费谁承担")
    assert done.args[0].twin and query.live.decision_label.property("state") == "suggest"
    assert "same similar question" in query.live.detail_label.text()
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("吸力变弱了")
    assert not done.args[0].twin and query.live.decision_label.property("state") == "answer"
    assert "same similar question" not in query.live.detail_label.text()


def test_never_answer_it_marks_a_negative_that_takes_effect_at_once(qtbot, store, tiny_shop, untuned, monkeypatch):
    from desktop_app.core import offtopic
    from desktop_app.core.matcher import set_threshold_override

    # The tiny model's neighbours are near random: among 3,000 built-in messages one is always
    # close. One built-in message here, so the shop's own negative is what decides.
    monkeypatch.setattr(offtopic, "builtin_offtopic", lambda: ("今天天气怎么样",))
    set_threshold_override(store, tiny_shop.id, answer=-1.0, suggest=-1.0, margin=0.0)  # all else answered
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    answered = None
    for text in ("餐馆的电话是多少", "发票抬头写错了", "运费怎么算的", "机器不回充了", "吸力小了咋办"):
        with qtbot.waitSignal(query.query_done, timeout=5000) as done:
            query.query_now(text)
        if done.args[0].decision == "answer":
            answered = text
            break
    assert answered and query.live.negative_button.isEnabled()
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        assert query.live.mark_negative()  # no retraining: the panel asks again at once
    assert [n.text for n in store.negatives(tiny_shop.id)] == [answered]
    assert done.args[0].decision == "no_match" and done.args[0].offtopic["own"]
    assert "marked as matching nothing" in query.live.detail_label.text()
    with qtbot.waitSignal(query.query_done, timeout=5000) as done:
        query.query_now("吸力变弱了")
    assert done.args[0].decision == "answer"


def test_query_panel_without_shop_or_questions(qtbot, store):
    query = _panel(qtbot, QueryPanel, store)
    query.set_shop(None)
    assert query.matcher is None and not query.live.edit.isEnabled()
    empty = store.create_shop("empty")
    query.set_shop(empty.id)
    assert query.matcher is None and not query.busy()
    assert query.model_chip.property("state") == "none"


def test_matcher_host_shares_one_matcher_and_reloads_after_a_running_load(qtbot, store, tiny_shop, untuned):
    from desktop_app.gui.matcher_host import MatcherHost

    host = MatcherHost(store)
    ready = []
    host.ready.connect(ready.append)
    with qtbot.waitSignal(host.ready, timeout=LOAD_TIMEOUT):
        host.open(tiny_shop.id)
        host.open(tiny_shop.id)  # asked again during the load: once more after it, not twice at once
        assert len(host.jobs.jobs()) == 1
    first = host.matcher
    assert host.shared(tiny_shop.id) == (first, host.lock) and host.shared(tiny_shop.id + 1) is None
    qtbot.waitUntil(lambda: len(ready) == 2, timeout=LOAD_TIMEOUT)
    assert host.matcher is not first and not host.is_loading()
    assert host.thresholds() == dict(host.matcher.thresholds)
    with qtbot.waitSignal(host.failed) as failed:
        host.drop("model files gone")
    assert failed.args == ["model files gone"] and host.matcher is None and host.shared(tiny_shop.id) is None
    with qtbot.waitSignal(host.unavailable) as why:
        host.open(None)
    assert why.args == ["none"]
    assert host.cancel_and_wait(5000)


def test_the_generation_guard_reuses_the_query_panels_open_matcher(qtbot, store, tiny_shop, untuned):
    from desktop_app.core.reporter import Reporter
    from desktop_app.gui.widgets.augment_dialog import AugmentDialog

    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    dialog = AugmentDialog(store, tiny_shop.id, matchers=query.matchers)
    qtbot.addWidget(dialog)
    dialog.encoder_check.setChecked(True)
    guard = dialog._guard_factory()(store, Reporter())
    assert guard.encoder is query.matcher.encoder and guard.checks_encoder
    other = store.create_shop("other")
    assert query.matchers.shared(other.id) is None  # another shop's dialog loads its own model


def test_batch_test_from_csv_and_txt(qtbot, store, tiny_shop, untuned, tmp_path):
    query = _loaded_query_panel(qtbot, store, tiny_shop.id)
    csv_path = tmp_path / "batch.csv"
    csv_path.write_text("问题,标准问\n发票怎么开,怎么开发票\n运费谁承担,退货运费谁出\n吸力变弱了,扫地机器人吸力变小了怎么办\n"
                        "你们几点下班,\n", encoding="utf-8-sig")
    with qtbot.waitSignal(query.batch_done, timeout=60_000) as done:
        assert query.run_batch_file(csv_path)
    summary = done.args[0]
    assert summary["n"] == 4 and summary["n_expected"] == 3 and summary["top1"] == 1.0
    assert summary["answer"] + summary["suggest"] + summary["no_match"] == 4
    assert query.batch.model.rowCount() == 4 and query.batch.model.columnCount() == 6
    assert query.batch.export_button.isEnabled()
    out = tmp_path / "out.csv"
    query.write_batch_csv(out)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("query,expected,top_match")

    txt = tmp_path / "batch.txt"
    txt.write_text("发票怎么开\n\n退货包邮吗\n", encoding="utf-8")
    with qtbot.waitSignal(query.batch_done, timeout=60_000) as done:
        assert query.run_batch_file(txt)
    assert done.args[0]["n"] == 2 and done.args[0]["accuracy"] is None
    assert query.batch.model.columnCount() == 4

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert not query.run_batch_file(bad)
    assert "question column" in query.batch.file_label.text()


# ----------------------------------------------------------------------------- dialogs
def test_settings_dialog_validates_and_stores_sparse_overrides(qtbot, store, tiny_shop, tmp_path):
    dialog = SettingsDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    assert dialog.epochs.value() == TINY_TRAIN["epochs"] and dialog.loss.currentData() == "arcface"
    assert dialog.base_kind.currentData() == SettingsDialog.FOLDER  # the tiny model's folder

    dialog.base_text.setText(str(tmp_path / "nowhere"))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.error_label.isHidden() and "nowhere" in dialog.error_label.text()

    dialog.base_kind.setCurrentIndex(dialog.base_kind.findData(SettingsDialog.HUB))
    dialog.base_text.setText("not a model id")
    dialog.accept()
    assert "Hugging Face" in dialog.error_label.text() and dialog.result() != QDialog.DialogCode.Accepted

    dialog.base_kind.setCurrentIndex(dialog.base_kind.findData(SettingsDialog.FOLDER))
    dialog.base_text.setText(store.shop_settings(tiny_shop.id)["base_model"])
    dialog.loss.setCurrentIndex(dialog.loss.findData("cosface"))
    dialog.margin.setValue(0.3)
    dialog.epochs.setValue(5)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    train = store.shop_settings(tiny_shop.id)["train"]
    # Only what differs from the defaults, and the keys the dialog does not show are kept.
    assert train == {**TINY_TRAIN, "epochs": 5, "loss": "cosface", "margin": 0.3}
    assert dialog.saved_config.loss == "cosface" and dialog.saved_config.lr == TINY_TRAIN["lr"]

    again = SettingsDialog(store, tiny_shop.id)
    qtbot.addWidget(again)
    assert again.loss.currentData() == "cosface" and again.epochs.value() == 5
    again.restore_defaults()
    again.accept()
    assert "train" not in store.shop_settings(tiny_shop.id)  # all defaults: nothing stored


def test_settings_dialog_shows_invalid_stored_settings(qtbot, store, tiny_shop):
    store.set_shop_settings(tiny_shop.id, {**store.shop_settings(tiny_shop.id), "train": {"bogus": 1}})
    dialog = SettingsDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    assert not dialog.error_label.isHidden() and "bogus" in dialog.error_label.text()
    dialog.accept()  # saving replaces them with valid settings
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "train" not in store.shop_settings(tiny_shop.id)


def test_versions_dialog_activates_an_older_version(qtbot, store, tiny_shop, untuned):
    from desktop_app.core.pipeline import retrain
    from desktop_app.core.prepare import shop_train_config

    newer = retrain(store, tiny_shop.id, shop_train_config(store, tiny_shop.id)).version
    assert store.active_version(tiny_shop.id).id == newer.id
    added = store.add_standard(tiny_shop.id, "尘袋多少钱")
    dialog = VersionsDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 0).text() == f"v{newer.id}"
    dialog.select_version(newer.id)
    assert not dialog.activate_button.isEnabled()  # already active
    dialog.select_version(untuned.id)
    assert dialog.activate_button.isEnabled()
    with qtbot.waitSignal(dialog.version_activated, timeout=LOAD_TIMEOUT) as activated:
        assert dialog.activate_selected()
        assert not dialog.close_button.isEnabled()  # not closable mid-activation
    assert activated.args[0] == untuned.id
    assert store.active_version(tiny_shop.id).id == untuned.id
    assert dialog.table.item(1, 7).text() == "✓" and dialog.close_button.isEnabled()
    # its index was rebuilt from the current questions: the question added meanwhile is found
    assert Matcher.open(store, tiny_shop.id).query("尘袋多少钱").matches[0].id == added.id


def test_versions_dialog_read_only_during_a_retrain(qtbot, store, tiny_shop, untuned):
    dialog = VersionsDialog(store, tiny_shop.id, read_only=True)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and not dialog.activate_button.isEnabled()
