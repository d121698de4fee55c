"""The editor, offscreen: edits write through to the store, survive a restart, and conflicts are
refused with a message. Dialogs are answered by the `dialogs` fixture (conftest.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from desktop_app.core.store import Store
from desktop_app.gui.widgets.question_picker import QuestionPicker
from tests.gui.helpers import db_dump, seed, similar_id


@pytest.fixture
def shop(store):
    return seed(store)


def open_question(window, store, shop, text):
    sq = store.find_standard(shop.id, text)
    assert window.questions.select(sq.id)
    assert window.form.question.id == sq.id
    return sq


def fake_input(monkeypatch, *answers):
    answers = iter(answers)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))


# ----------------------------------------------------------------------------- write-through
def test_edits_write_through_and_survive_a_restart(tmp_path, make_window, qtbot):
    home = tmp_path / "data"
    store = Store(home)
    shop = seed(store)
    window = make_window(store)
    assert window.questions.model.rowCount() == 3
    sq = open_question(window, store, shop, "怎么开发票")

    form = window.form
    form.text.setText("发票怎么开具")
    form.category.setCurrentText("财务")
    form.answer.setPlainText("在“我的订单”里申请电子发票。")
    form.enabled.setChecked(False)
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    stored = store.standard(sq.id)
    assert (stored.text, stored.category, stored.answer, stored.enabled) == (
        "发票怎么开具", "财务", "在“我的订单”里申请电子发票。", False)
    assert not form.save_button.isEnabled()

    # Similar questions: inline edit through the view's own editor, and one typed + Enter.
    table = window.similars
    row = table.model.row_of(similar_id(store, shop.id, "发票怎么开"))
    index = table.model.index(row, 0)
    table.view.setCurrentIndex(index)
    table.view.edit(index)
    editor = table.view.viewport().findChild(QLineEdit)
    editor.setText("发票怎么开呢")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "发票怎么开呢" in {s.text for s in store.similars(sq.id)})  # the commit is queued
    table.new_text.insert("可以开专票吗")  # QTest types ASCII only
    qtbot.keyClick(table.new_text, Qt.Key.Key_Return)
    assert table.new_text.text() == ""
    assert {s.text for s in store.similars(sq.id)} == {"可以开专票吗", "发票怎么开呢", "能开发票吗"}

    # The list follows: new text, new count, and the new category in the filter.
    record = window.questions.model.record(window.questions.model.row_of(sq.id))
    assert (record.text, record.similar_count) == ("发票怎么开具", 3)
    assert window.questions.category.findData("财务") >= 0

    window.close()
    store.close()

    store2 = Store(home)  # a restart: a new store on the same folder, a new window
    try:
        window2 = make_window(store2)
        open_question(window2, store2, shop, "发票怎么开具")
        assert window2.form.category.currentText() == "财务"
        assert window2.form.answer.toPlainText() == "在“我的订单”里申请电子发票。"
        assert not window2.form.enabled.isChecked()
        assert {s.text for s in window2.similars.model.records()} == {"可以开专票吗", "发票怎么开呢", "能开发票吗"}
        window2.close()
    finally:
        store2.close()


def test_leaving_a_question_saves_its_pending_edits(store, shop, make_window):
    window = make_window(store)
    sq = open_question(window, store, shop, "怎么开发票")
    window.form.answer.setPlainText("新的答案")
    open_question(window, store, shop, "退货运费谁出")
    assert store.standard(sq.id).answer == "新的答案"


# ----------------------------------------------------------------------------- conflicts
def test_conflicting_edits_are_refused_with_a_message(store, shop, make_window, dialogs):
    window = make_window(store)
    sq = open_question(window, store, shop, "怎么开发票")
    before = db_dump(store)

    # a similar question renamed to another question's standard text
    model = window.similars.model
    row = model.row_of(similar_id(store, shop.id, "发票怎么开"))
    assert not model.setData(model.index(row, 0), "退货运费谁出")
    assert "退货运费谁出" in dialogs.texts("warning")[-1]
    assert model.record(row).text == "发票怎么开"

    # the form: text of another standard question's similar question; the edit stays for fixing
    window.form.text.setText("吸力变弱了")
    assert not window.form.save()
    assert "扫地机器人吸力变小了怎么办" in dialogs.texts("warning")[-1]
    assert window.form.is_dirty()

    # an empty text
    window.form.text.setText("   ")
    assert not window.form.save()
    assert "empty" in dialogs.texts("warning")[-1]
    window.form.revert()

    # inline rename in the list
    lm = window.questions.model
    assert not lm.setData(lm.index(lm.row_of(sq.id)), "运费谁承担")
    assert "运费谁承担" in dialogs.texts("warning")[-1]
    assert db_dump(store) == before


# ----------------------------------------------------------------------------- similar questions
def test_paste_many_lines_adds_them_and_lists_conflicts(store, shop, make_window, dialogs, qtbot):
    window = make_window(store)
    sq = open_question(window, store, shop, "怎么开发票")
    QGuiApplication.clipboard().setText("能不能开发票\n\n发票抬头怎么填\r\n运费谁承担\n能开发票吗\n")
    window.similars.view.setFocus()
    qtbot.keyClick(window.similars.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    texts = sorted(s.text for s in store.similars(sq.id))
    assert texts == sorted(["发票怎么开", "能开发票吗", "能不能开发票", "发票抬头怎么填"])
    # "运费谁承担" belongs to another question: listed, not added; "能开发票吗" is already here: skipped
    info = dialogs.texts("information")[-1]
    assert "运费谁承担" in info and "退货运费谁出" in info
    assert window.questions.model.record(window.questions.model.row_of(sq.id)).similar_count == 4

    # a multi-line paste into the "add" field adds every line too
    QGuiApplication.clipboard().setText("开票要多久\n发票寄到哪里")
    window.similars.new_text.setFocus()
    qtbot.keyClick(window.similars.new_text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert {"开票要多久", "发票寄到哪里"} <= {s.text for s in store.similars(sq.id)}


def test_accept_and_reject_pending_similar_questions(store, shop, make_window, qtbot):
    sq = store.find_standard(shop.id, "怎么开发票")
    pending = store.add_similar(sq.id, "发票能开吗", source="llm", status="pending")
    window = make_window(store)
    open_question(window, store, shop, "怎么开发票")
    table = window.similars
    assert "1" in table.stats.text()
    row = table.model.row_of(pending.id)
    assert table.model.data(table.model.index(row, table.model.SOURCE)) == "LLM"
    table.select_ids([pending.id])
    assert table.accept_button.isEnabled()
    qtbot.mouseClick(table.accept_button, Qt.MouseButton.LeftButton)
    assert store.similar(pending.id).status == "accepted"
    qtbot.mouseClick(table.reject_button, Qt.MouseButton.LeftButton)
    assert store.similar(pending.id).status == "rejected"
    assert table.selected()[0].id == pending.id  # the selection stays for the next decision


def test_move_a_similar_question_to_another_standard_question(store, shop, make_window, monkeypatch, qtbot):
    source = store.find_standard(shop.id, "怎么开发票")
    target = store.find_standard(shop.id, "退货运费谁出")
    monkeypatch.setattr(QuestionPicker, "pick", classmethod(lambda cls, parent, st, shop_id, exclude_id=None,
                                                            prompt="": target.id))
    window = make_window(store)
    open_question(window, store, shop, "怎么开发票")
    moved = similar_id(store, shop.id, "能开发票吗")
    window.similars.select_ids([moved])
    qtbot.mouseClick(window.similars.move_button, Qt.MouseButton.LeftButton)
    assert store.similar(moved).standard_id == target.id
    counts = {r.text: r.similar_count for r in window.questions.model.records()}
    assert counts[source.text] == 1 and counts[target.text] == 2
    assert [s.text for s in window.similars.model.records()] == ["发票怎么开"]


def test_question_picker_searches_and_excludes_the_current_question(store, shop, qtbot):
    source = store.find_standard(shop.id, "怎么开发票")
    picker = QuestionPicker(store, shop.id, exclude_id=source.id)
    qtbot.addWidget(picker)
    assert picker.proxy.rowCount() == 2
    picker.search.setText("退貨")  # traditional characters: the store's normalised search finds 退货
    qtbot.waitUntil(lambda: picker.proxy.rowCount() == 1)
    assert picker.chosen_id() == store.find_standard(shop.id, "退货运费谁出").id


def test_delete_similar_questions_with_confirmation(store, shop, make_window, dialogs, qtbot):
    window = make_window(store)
    sq = open_question(window, store, shop, "怎么开发票")
    window.similars.select_ids([similar_id(store, shop.id, "发票怎么开")])
    dialogs.answer = QMessageBox.StandardButton.No
    window.similars.view.setFocus()
    qtbot.keyClick(window.similars.view, Qt.Key.Key_Delete)
    assert len(store.similars(sq.id)) == 2
    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(window.similars.view, Qt.Key.Key_Delete)
    assert [s.text for s in store.similars(sq.id)] == ["能开发票吗"]


# ----------------------------------------------------------------------------- standard questions
def test_new_duplicate_delete_and_keyboard_shortcuts(store, shop, make_window, dialogs, monkeypatch, qtbot):
    window = make_window(store)
    fake_input(monkeypatch, ("尘袋多少钱", True))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    new = store.find_standard(shop.id, "尘袋多少钱")
    assert new is not None and window.form.question.id == new.id

    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    copy = store.find_standard(shop.id, "尘袋多少钱 (copy)")
    assert copy is not None and window.form.question.id == copy.id

    window.questions.view.setFocus()
    dialogs.answer = QMessageBox.StandardButton.No
    qtbot.keyClick(window.questions.view, Qt.Key.Key_Delete)
    assert store.find_standard(shop.id, "尘袋多少钱 (copy)") is not None
    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(window.questions.view, Qt.Key.Key_Delete)
    assert store.find_standard(shop.id, "尘袋多少钱 (copy)") is None
    assert "尘袋多少钱 (copy)" in dialogs.texts("question")[-1]
    assert window.questions.model.rowCount() == 4

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.questions.search.hasFocus()

    fake_input(monkeypatch, ("怎麼開發票", True))  # the same question in traditional characters
    window.questions.add_question()
    assert "怎么开发票" in dialogs.texts("warning")[-1]
    assert window.questions.model.rowCount() == 4


def test_search_and_category_filter(store, shop, make_window, qtbot):
    window = make_window(store)
    questions = window.questions
    questions.search.setText("吸力")
    qtbot.waitUntil(lambda: questions.proxy.rowCount() == 1)
    assert questions.current() is None or questions.current().text == "扫地机器人吸力变小了怎么办"
    questions.search.clear()
    qtbot.waitUntil(lambda: questions.proxy.rowCount() == 3)
    questions.category.setCurrentIndex(questions.category.findData("售后"))
    assert questions.proxy.rowCount() == 2
    assert "2" in questions.count_label.text() and "3" in questions.count_label.text()
    # selecting a hidden question clears the filters
    assert questions.select(store.find_standard(shop.id, "扫地机器人吸力变小了怎么办").id)
    assert questions.proxy.rowCount() == 3
    # fewest similar questions first, then back to the order added
    questions.category.setCurrentIndex(questions.category.findData("清洁"))
    window.shop_bar.reload()  # reloading the shop resets the filters
    assert questions.proxy.rowCount() == 3 and questions.category.currentIndex() == 0
    questions.sort_group.actions()[1].trigger()  # fewest similar questions first
    assert questions.proxy.index(0, 0).data() == "退货运费谁出"
    questions.set_sort(None)
    assert [questions.proxy.index(i, 0).data() for i in range(3)] == [r.text for r in questions.model.records()]


# ----------------------------------------------------------------------------- shops
def test_shop_create_rename_delete(store, shop, make_window, dialogs, monkeypatch, qtbot):
    window = make_window(store)
    bar = window.shop_bar
    fake_input(monkeypatch, ("新店", True))
    bar.new_action.trigger()
    new = store.shop("新店")
    assert bar.current_id() == new.id and window.questions.model.rowCount() == 0
    assert window.stack.currentIndex() == 1

    fake_input(monkeypatch, ("店A", True))  # taken: refused with a message
    bar.rename_action.trigger()
    assert store.shop(new.id).name == "新店" and "店A" in dialogs.texts("warning")[-1]
    fake_input(monkeypatch, ("新店二号", True))
    bar.rename_action.trigger()
    assert store.shop(new.id).name == "新店二号" and bar.combo.currentText() == "新店二号"

    files = store.home / "shops" / str(new.id)
    files.mkdir(parents=True)
    dialogs.answer = QMessageBox.StandardButton.No
    bar.delete_action.trigger()
    assert any(s.id == new.id for s in store.shops())
    dialogs.answer = QMessageBox.StandardButton.Yes
    bar.delete_action.trigger()
    assert not any(s.id == new.id for s in store.shops())
    assert not files.exists()
    assert bar.current_id() == shop.id and window.questions.model.rowCount() == 3

    bar.delete_action.trigger()  # the last shop: the welcome page shows
    assert store.shops() == [] and window.stack.currentIndex() == 0
    window.open_demo_shop()
    assert window.questions.model.rowCount() == 66


# ----------------------------------------------------------------------------- status bar
def test_model_badge_counts_edits_since_training(store, shop, make_window, qtbot):
    window = make_window(store)
    assert window.badge.property("state") == "none"
    revision = store.shop(shop.id).revision
    base = store.add_version(shop.id, base_model="m", loss="none", data_revision=revision, status="ready")
    store.activate_version(base.id)
    window.refresh_status()
    assert window.badge.property("state") == "base"
    tuned = store.add_version(shop.id, base_model="m", loss="arcface", data_revision=revision, status="ready")
    store.activate_version(tuned.id)
    window.retrain_panel.model_changed.emit()
    assert window.badge.property("state") == "fresh"
    assert f"v{tuned.id}" in window.badge.text()

    open_question(window, store, shop, "怎么开发票")
    window.form.answer.setPlainText("改过的答案")
    window.form.save()
    window.similars.new_text.insert("开票")
    qtbot.keyClick(window.similars.new_text, Qt.Key.Key_Return)
    assert window.badge.property("state") == "stale"
    assert "2" in window.badge.text()
    assert "3 standard questions" in window.stats_label.text()


# ----------------------------------------------------------------------------- settings
def test_window_geometry_and_last_shop_are_remembered(store, shop, make_window):
    other = seed(store, "店B")
    window = make_window(store, remember=True)
    window.shop_bar.select(other.id)
    window.resize(1024, 677)  # the offscreen screen is 1024 px wide
    window.close()
    window2 = make_window(store, remember=True)
    assert window2.shop_id() == other.id
    assert (window2.width(), window2.height()) == (1024, 677)


def test_closing_during_a_retrain_asks_then_cancels(store, shop, make_window, dialogs, monkeypatch):
    window = make_window(store)
    cancelled = []
    monkeypatch.setattr(window.retrain_panel, "busy", lambda: not cancelled)
    monkeypatch.setattr(window.retrain_panel, "cancel_and_wait", lambda *a, **k: cancelled.append(True) or True)
    dialogs.answer = QMessageBox.StandardButton.No
    assert not window.close()
    assert window.isVisible() and not cancelled
    dialogs.answer = QMessageBox.StandardButton.Yes
    assert window.close()
    assert cancelled == [True] and "retrain" in dialogs.texts("question")[-1].lower()
