"""The generation dialog and the review queue, offscreen, on a real store and a real HTTP server.

Preview writes nothing; a rules run fills the review queue with pending items; the LLM run asks
before sending and keeps what arrived when cancelled; the review queue accepts or rejects per
item, per standard question and all shown, and the window's counts follow.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.augment.secrets import load_key
from tests.gui.helpers import db_dump, seed
from tests.unit.test_augment_llm import KEY, FakeLLM

WAIT_MS = 30000


@pytest.fixture
def shop(store):
    return seed(store)


@pytest.fixture
def server():
    s = FakeLLM()
    yield s
    s.close()


def open_dialog(window, qtbot, text="怎么开发票"):
    window.questions.select(window.store.find_standard(window.shop_id(), text).id)
    dialog = window.open_augment()
    qtbot.addWidget(dialog)
    dialog.encoder_check.setChecked(False)  # no model in these shops: the text checks are the guard
    return dialog


def wait_idle(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)


def use_server(dialog, server, key=KEY):
    dialog.tabs.setCurrentIndex(dialog.LLM_TAB)
    dialog.provider.setCurrentIndex(dialog.provider.findData("custom"))
    dialog.base_url.setText(server.url)
    dialog.base_url.editingFinished.emit()
    dialog.model.setText("fake")
    dialog.api_key.setText(key)
    dialog.batch_size.setValue(4)
    dialog.concurrency.setValue(2)


def test_rules_preview_writes_nothing_then_a_run_fills_the_review_queue(store, shop, make_window, qtbot):
    window = make_window(store)
    dialog = open_dialog(window, qtbot)
    assert dialog.scope_current.isChecked() and dialog.standard_ids() == [store.find_standard(shop.id, "怎么开发票").id]
    dialog.entities.setPlainText("扫地机器人、扫地机")
    before = db_dump(store)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert dialog.last_preview.text == "怎么开发票" and len(dialog.last_preview.kept) == 10
    assert dialog.preview_list.count() == 1 + len(dialog.last_preview.kept) + len(dialog.last_preview.dropped)
    assert db_dump(store) == before  # a preview saves nothing, not even the edited lists

    dialog.scope_all.setChecked(True)
    dialog.rules_n.setValue(5)
    with qtbot.waitSignal(dialog.generated, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    pending = store.similars(shop_id=shop.id, status="pending", source="rules")
    assert len(pending) == 15 and dialog.last_summary.added == 15
    assert "15" in dialog.result_label.text()
    from desktop_app.core.augment.rules import AugmentSettings

    assert AugmentSettings.load(store, shop.id).entities == ["扫地机器人", "扫地机"]  # a run saves the lists
    assert window.pending_label.isVisible() and "15" in window.pending_label.text()
    current = window.questions.current()
    assert current.similar_count == 2 + 5  # the list's counts were refreshed
    assert sum(1 for s in window.similars.model.records() if s.status == "pending") == 5

    again = dialog.last_summary
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)  # topped up already: adds nothing
    wait_idle(qtbot, dialog)
    assert dialog.last_summary is not again and dialog.last_summary.added == 0
    assert len(store.similars(shop_id=shop.id, source="rules")) == 15


def test_review_queue_per_item_per_question_and_all_shown(store, shop, make_window, qtbot, dialogs):
    from desktop_app.core.augment.guard import Guard
    from desktop_app.core.augment.rules import augment_rules

    augment_rules(store, shop.id, per_question=4, guard=Guard(store, shop.id))
    window = make_window(store)
    assert "12" in window.pending_label.text()
    review = window.open_review()
    qtbot.addWidget(review)
    assert review.model.rowCount() == 12
    first_sq = review.model.rows[0][1].standard_id
    assert review.model.data(review.model.index(0, 0)) != "" and review.model.data(review.model.index(1, 0)) == ""

    review.view.selectRow(0)
    item = review.model.rows[0][1]
    qtbot.mouseClick(review.accept_selected, Qt.MouseButton.LeftButton)
    assert store.similar(item.id).status == "accepted" and review.model.rowCount() == 11
    assert "11" in window.pending_label.text()

    review.view.selectRow(0)  # the same standard question's next item
    assert review.model.rows[0][1].standard_id == first_sq
    review.set_group("rejected")
    group = store.similars(first_sq, source="rules")
    assert sorted(s.status for s in group) == ["accepted", "rejected", "rejected", "rejected"]
    assert review.model.rowCount() == 8

    review.source.setCurrentIndex(review.source.findData("llm"))
    assert review.model.rowCount() == 0 and not review.accept_shown.isEnabled()
    review.source.setCurrentIndex(0)
    review.search.setText("运费")
    shown = review.model.rowCount()
    assert 0 < shown < 8
    dialogs.answer = QMessageBox.StandardButton.No
    review.set_shown("accepted")
    assert review.model.rowCount() == shown  # declined: nothing changed
    dialogs.answer = QMessageBox.StandardButton.Yes
    review.set_shown("accepted")
    review.search.clear()
    assert review.model.rowCount() == 8 - shown
    review.set_shown("rejected")
    assert store.count_similars(shop.id, status="pending") == 0 and not window.pending_label.isVisible()


def test_llm_run_asks_before_sending_and_remembers_the_key(store, shop, make_window, qtbot, dialogs, server):
    window = make_window(store)
    dialog = open_dialog(window, qtbot)
    dialog.scope_all.setChecked(True)
    use_server(dialog, server)
    dialog.llm_n.setValue(6)
    dialogs.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    asked = dialogs.texts("question")[-1]
    assert "3" in asked and server.url in asked and "6" in asked
    assert server.log == [] and store.count_similars(shop.id, source="llm") == 0  # declined: nothing sent
    assert load_key(server.url) == KEY  # remembered (a private file here: no keyring in tests)
    assert KEY not in dialog.result_label.text() + dialog.error_label.text()

    dialogs.answer = QMessageBox.StandardButton.Yes
    dialog.api_key.clear()  # the stored key is used from now on
    with qtbot.waitSignal(dialog.generated, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert store.count_similars(shop.id, source="llm", status="pending") == 18
    assert all(h == f"Bearer {KEY}" for _, _, h in server.log)
    assert "Token" in dialog.result_label.text() and str(dialog.last_summary.usage["total_tokens"]) in \
        dialog.result_label.text()


def test_cancelled_llm_run_keeps_what_arrived_and_a_rerun_continues(store, shop, make_window, qtbot, dialogs):
    server = FakeLLM(["ok", "ok"] + ["slow"] * 40)
    try:
        window = make_window(store)
        dialog = open_dialog(window, qtbot)
        dialog.scope_all.setChecked(True)
        use_server(dialog, server)
        dialog.concurrency.setValue(1)
        dialog.llm_n.setValue(8)
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: store.count_similars(shop.id, source="llm") >= 8, timeout=WAIT_MS)
        dialog.cancel()
        wait_idle(qtbot, dialog)
        kept = store.count_similars(shop.id, source="llm")
        assert kept >= 8 and "Cancelled" in dialog.result_label.text()
        assert window.pending_label.isVisible()  # the window heard of the partial run

        server.script.clear()  # the provider answers quickly again: the rerun tops up what is missing
        with qtbot.waitSignal(dialog.generated, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, dialog)
        assert store.count_similars(shop.id, source="llm") == 24
        assert dialog.last_summary.added == 24 - kept
    finally:
        server.close()


def test_closing_the_window_during_a_run_asks_then_stops_it(store, shop, make_window, qtbot, dialogs):
    server = FakeLLM(["slow"] * 40)
    try:
        window = make_window(store)
        dialog = open_dialog(window, qtbot)
        use_server(dialog, server)
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(server.log) >= 1, timeout=WAIT_MS)
        assert dialog.busy()
        dialogs.answer = QMessageBox.StandardButton.No
        assert not window.close() and dialog.busy()
        dialogs.answer = QMessageBox.StandardButton.Yes
        assert window.close()
        assert not dialog.busy()
    finally:
        server.close()


def test_bad_llm_settings_are_a_message_not_a_crash(store, shop, make_window, qtbot, dialogs):
    window = make_window(store)
    dialog = open_dialog(window, qtbot)
    dialog.tabs.setCurrentIndex(dialog.LLM_TAB)
    dialog.provider.setCurrentIndex(dialog.provider.findData("custom"))
    dialog.base_url.setText("ftp://nowhere")
    dialog.model.setText("m")
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "http" in dialog.error_label.text()
    dialog.base_url.setText("https://api.example.invalid/v1")  # remote, and no key anywhere
    dialog.base_url.editingFinished.emit()
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert dialog.error_label.isVisible() and "API key" in dialog.error_label.text()
    assert store.count_similars(shop.id, source="llm") == 0
