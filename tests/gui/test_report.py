"""Issue-5 views, offscreen on a tiny model: the evaluation report (thresholds set by hand, the
open set, the data doctor), labelling queries in the test panel, and the loss choices."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from desktop_app.core.config import TrainConfig  # noqa: E402
from desktop_app.core.matcher import effective_thresholds  # noqa: E402
from desktop_app.core.pipeline import retrain  # noqa: E402
from desktop_app.gui.widgets.query_panel import QueryPanel  # noqa: E402
from desktop_app.gui.widgets.report_dialog import ReportDialog  # noqa: E402
from desktop_app.gui.widgets.settings_dialog import SettingsDialog  # noqa: E402

from .fixtures_panels import TINY_TRAIN, tiny_model, tiny_shop, untuned  # noqa: E402,F401

WAIT = 120_000


@pytest.fixture
def trained(store, tiny_shop, untuned, tiny_model):  # noqa: F811
    config = TrainConfig.from_dict({"base_model": str(tiny_model), **TINY_TRAIN})
    return retrain(store, tiny_shop.id, config).version


def test_report_shows_both_models_and_sets_thresholds_by_hand(qtbot, store, tiny_shop, trained):  # noqa: F811
    dialog = ReportDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.metrics_table.rowCount() == 4  # fine-tuned and untuned, best entry and centroid
    assert dialog.metrics_table.item(0, 0).text() == "fine-tuned" and dialog.metrics_table.item(3, 1).text() == "centroid"
    calibrated = trained.thresholds
    assert dialog.answer_spin.value() == pytest.approx(calibrated["answer"], abs=1e-3)
    assert dialog.class_table.rowCount() == len(trained.metrics["report"]["per_class"])
    assert dialog._plots is not None  # the curves were drawn
    # what calibration gave up is worded by the GUI from its figures (so it can be translated)
    missed = bool(calibrated.get("note"))
    assert dialog.note.isVisibleTo(dialog) == missed
    if missed:
        assert "not reached" in dialog.note.text() and f"{100 * calibrated['precision']:.1f}%" in dialog.note.text()
    # which way a missed target points: off-topic messages (with the ones it would answer), or confusion
    missed_t = {**calibrated, "precision": 0.86, "precision_lower_bound": 0.79, "wrong_offtopic_share": 0.6}
    shown = [{"text": "这个零食保质期多久", "standard": "机器保修期是多久？", "score": 0.745}]
    text = dialog._missed_text(missed_t, shown)
    assert "60.0% of the wrong answers would be off-topic" in text and "这个零食保质期多久 → 机器保修期是多久？ (0.745)" in text
    text = dialog._missed_text({**missed_t, "wrong_offtopic_share": 0.2}, [])
    assert "held-out questions given another standard question" in text and "Off-topic messages" not in text
    text = dialog._missed_text({**missed_t, "wrong_offtopic_share": None}, [])  # too few to prove it, none wrong
    assert "given another standard question" not in text and "More similar questions" in text

    changed = []
    dialog.thresholds_changed.connect(lambda: changed.append(1))
    dialog.answer_spin.setValue(0.99)
    dialog.margin_spin.setValue(0.05)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    t = effective_thresholds(store, tiny_shop.id, trained)
    assert t["answer"] == 0.99 and t["margin"] == 0.05 and changed == [1]
    assert "Set by hand" in dialog.override_label.text() and dialog.reset_button.isEnabled()
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert "overridden" not in effective_thresholds(store, tiny_shop.id, trained)


def test_evaluate_now_scores_standard_questions_added_since_as_the_open_set(qtbot, store, tiny_shop,  # noqa: F811
                                                                            trained):
    new = store.add_standard(tiny_shop.id, "滚刷多久换一次")
    for text in ["主刷多久更换", "滚刷寿命多长", "刷子要换了吗"]:
        store.add_similar(new.id, text)
    dialog = ReportDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    assert "No standard question was added" in dialog.open_set.text()  # the stored report, made at training
    dialog.evaluate_now()
    qtbot.waitUntil(lambda: not dialog.busy() and "(1," in dialog.open_set.text(), timeout=WAIT)
    assert "3 questions" in dialog.open_set.text()
    assert store.version(trained.id).metrics["report"]["open_set"] == {"n_classes": 0}  # the stored one is kept


def test_calibrate_for_the_traffic_stores_thresholds_for_the_logged_mix(qtbot, store, tiny_shop,  # noqa: F811
                                                                         trained):
    from desktop_app.core.querylog import FILE_NAME, QueryLog, new_query_id, row_for

    similar = store.similars(shop_id=tiny_shop.id)[0].text  # the operator's own kind of question
    log = QueryLog(store.home / FILE_NAME)
    log.write([row_for(query_id=new_query_id(), shop_id=tiny_shop.id, text=similar if i % 10 else "你是机器人吗",
                       decision="no_match", matches=[], model_version=trained.id, latency_ms=5.0) for i in range(300)])
    log.close()
    dialog = ReportDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "measured on this shop's" not in dialog.calibrated.text()  # calibrated at training, for ten to one
    changed = []
    dialog.thresholds_changed.connect(lambda: changed.append(1))
    qtbot.mouseClick(dialog.calibrate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy() and bool(changed), timeout=WAIT)
    stored = store.version(trained.id)
    mix = stored.metrics["report"]["traffic_mix"]
    assert mix["messages"] == 300 and mix["ratio"] < 0.3
    assert stored.thresholds.get("offtopic_ratio", mix["ratio"]) == mix["ratio"]  # (none: too few to calibrate)
    assert "measured on this shop's 300 logged consumer messages" in dialog.calibrated.text()
    assert dialog.answer_spin.value() == pytest.approx(stored.thresholds["answer"], abs=1e-3)


def test_data_doctor_lists_findings_and_opens_the_question(qtbot, store, tiny_shop, trained, make_window):  # noqa: F811
    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    store.add_similar(invoice.id, "运费，谁承担")  # the same as a similar question of 退货运费谁出
    window = make_window(store)
    window.shop_bar.select(tiny_shop.id)
    dialog = window.retrain_panel.open_report()
    qtbot.addWidget(dialog)
    dialog.check_now()
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.findings_list.count() > 0, timeout=WAIT)
    assert dialog.tabs.currentIndex() == 3
    texts = [dialog.findings_list.item(i).text() for i in range(dialog.findings_list.count())]
    dup = next(i for i, t in enumerate(texts) if "运费，谁承担" in t)
    target = dialog.findings_list.item(dup).data(Qt.ItemDataRole.UserRole)[0]
    dialog.findings_list.itemDoubleClicked.emit(dialog.findings_list.item(dup))
    assert window.questions.current().id == target and window.tabs.currentIndex() == window.EDITOR_TAB


def test_query_panel_keeps_labelled_questions_for_evaluation(qtbot, store, tiny_shop, untuned, dialogs):  # noqa: F811
    panel = QueryPanel(store)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.model_ready, timeout=WAIT):
        panel.set_shop(tiny_shop.id)
    assert not panel.live.mark_none_button.isEnabled()
    panel.query_now("今天股市怎么样")
    assert panel.live.mark_none_button.isEnabled() and panel.live.mark_expected_button.isEnabled()
    assert panel.live.mark_none()
    panel.query_now("我想开张发票")
    live = panel.live
    live.table.selectRow(next(i for i, m in enumerate(live.match_model.matches) if m.standard_question == "怎么开发票"))
    assert panel.live.mark_expected()
    tests = {t.text: t.expected_id for t in store.test_questions(tiny_shop.id)}
    assert tests == {"今天股市怎么样": None, "我想开张发票": store.find_standard(tiny_shop.id, "怎么开发票").id}
    assert "2 questions, 1 that match nothing" in panel.live.testset_label.text()
    panel.query_now("发票怎么开")  # a similar question of the shop: it would be trained on
    assert not panel.live.mark_none() and "never trains on" in dialogs.texts("warning")[-1]


def test_settings_dialog_offers_the_loss_family_with_their_own_margins(qtbot, store, tiny_shop):  # noqa: F811
    dialog = SettingsDialog(store, tiny_shop.id)
    qtbot.addWidget(dialog)
    assert dialog.loss.count() == 10
    dialog.loss.setCurrentIndex(dialog.loss.findData("sphereface"))
    assert dialog.margin.value() == 2 and dialog.margin.decimals() == 0
    dialog.loss.setCurrentIndex(dialog.loss.findData("multi_similarity"))
    assert not dialog.margin.isEnabled()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    train = store.shop_settings(tiny_shop.id)["train"]
    assert train["loss"] == "multi_similarity" and "margin" not in train
