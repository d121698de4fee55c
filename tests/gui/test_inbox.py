"""The inbox tab: groups listed from a query log with unanswered messages (ranked as the core ranks
them), each fix through its button changing the store and the list, Undo (button and Ctrl+Z),
hold-back, the status-bar count, the retrain panel's line, and File ▸ Import chat log… with the
column mapping and the sender filter on a small CSV. Real SQLite, the tiny model; the texts'
vectors are written into the log first (as an import or an earlier update would have), so which
texts group together is the test's own geometry and nothing needs encoding."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desktop_app.core import log_embeddings
from desktop_app.core.normalize import normalize_text
from desktop_app.core.querylog import FILE_NAME, QueryLog, new_query_id, row_for

from .fixtures_panels import tiny_model, tiny_shop, untuned  # noqa: F401

LOAD_TIMEOUT = 180_000  # ms: the first load starts the encoder child
JOB_TIMEOUT = 60_000
DIM = 32  # the tiny model's

COUPON = ["优惠券怎么用不了", "优惠券用不了", "券无法使用", "优惠券不能用怎么回事"]
INVOICE = ["能开增值税专票吗", "专票可以开吗"]
WEATHER = ["今天天气怎么样"]


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def write_log(store, shop_id: int, version_id: int, topics: list[list[str]], repeats: dict[str, int] | None = None):
    """Unanswered messages in the data directory's query log, each topic's texts close together."""
    repeats = repeats or {}
    log = QueryLog(store.home / FILE_NAME)
    try:
        rows, vectors = [], {}
        for t, texts in enumerate(topics):
            centre = np.random.default_rng(100 + t + 10 * len(texts)).normal(size=DIM)
            for i, text in enumerate(texts):
                vectors[normalize_text(text)] = _unit(_unit(centre) + 0.05 * np.random.default_rng(i + 7 * t)
                                                      .normal(size=DIM))
                rows += [row_for(query_id=new_query_id(), shop_id=shop_id, text=text, decision="no_match",
                                 matches=[], model_version=version_id, latency_ms=1.0)
                         for _ in range(repeats.get(text, 1))]
        log.write(rows)
        log_embeddings.put(log, shop_id, version_id, vectors)
    finally:
        log.close()


def idle(qtbot, panel, timeout=JOB_TIMEOUT) -> None:
    qtbot.waitUntil(lambda: not panel.busy() and panel._kind is None, timeout=timeout)


def members(panel) -> dict[frozenset, object]:
    return {frozenset(m.text for m in g.members): g for g in panel.groups.groups}


def select(panel, texts) -> None:
    group = members(panel)[frozenset(texts)]
    assert panel.select_group(group.id)


@pytest.fixture
def inbox_window(make_window, store, tiny_shop, untuned):  # noqa: F811
    write_log(store, tiny_shop.id, untuned.id, [COUPON, INVOICE, WEATHER],
              repeats={"优惠券怎么用不了": 3, "专票可以开吗": 2})
    return make_window(store)


def opened(qtbot, window):
    panel = window.inbox.panel
    qtbot.waitUntil(lambda: panel.groups.rowCount() == 3, timeout=LOAD_TIMEOUT)
    idle(qtbot, panel)
    return panel


def test_the_tab_lists_the_groups_as_the_core_ranks_them(qtbot, store, tiny_shop, inbox_window):
    from desktop_app.core.inbox import Inbox

    window = inbox_window
    panel = opened(qtbot, window)
    assert set(members(panel)) == {frozenset(COUPON), frozenset(INVOICE), frozenset(WEATHER)}
    inbox = Inbox.open(store, tiny_shop.id)
    try:
        assert [g.id for g in panel.groups.groups] == [g.id for g in inbox.groups(window.query_panel.matcher)]
    finally:
        inbox.close()
    coupon = members(panel)[frozenset(COUPON)]
    assert coupon.count == 6 and panel.groups.data(panel.groups.index(panel.groups.row_of(coupon.id), 1)) == "6"
    # The first group is selected: its texts with their counts, and the nearest standard questions.
    first = panel.groups.groups[0]
    assert panel.current_group() is first
    assert [m.text for m in panel.members.members] == [m.text for m in first.members]
    assert len(panel.nearest.nearest) == 3 and panel.fix_bar.target[0] == first.suggested_id
    assert panel.fix_bar.add_button.isEnabled() and "“" in panel.fix_bar.add_button.text()
    # The status bar counts the open groups; clicking it opens the tab.
    label = window.inbox.count_label
    assert label.isVisible() and "3" in label.text() and window.tabs.tabText(window.inbox.tab_index).endswith("3")
    window.tabs.setCurrentIndex(window.EDITOR_TAB)
    QTest.mouseClick(label, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is panel
    assert "3" in panel.state_label.text()


def test_each_fix_changes_the_store_and_the_list_and_undo_restores(qtbot, store, tiny_shop, inbox_window):
    window = inbox_window
    panel = opened(qtbot, window)
    window.tabs.setCurrentWidget(panel)
    shop = tiny_shop.id
    before = {s.text for s in store.similars(shop_id=shop)}

    # Add as similar questions of the preselected top suggestion.
    select(panel, COUPON)
    target_id, _ = panel.fix_bar.target
    target_count = next(r.similar_count for r in window.questions.model.records() if r.id == target_id)
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.add_button.click()
    idle(qtbot, panel)
    assert {s.text for s in store.similars(standard_id=target_id)} >= set(COUPON)
    assert frozenset(COUPON) not in members(panel) and panel.groups.rowCount() == 2
    assert next(r.similar_count for r in window.questions.model.records() if r.id == target_id) == target_count + 4
    assert "4" in panel.message.text() and "2" in window.inbox.count_label.text()
    assert window.retrain_panel.summary.inbox_label.isVisibleTo(window.retrain_panel)
    assert "4" in window.retrain_panel.summary.inbox_label.text()
    # Undo with Ctrl+Z in the tab: the texts leave the shop and the group is back.
    panel.table.setFocus()
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        QTest.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot, panel)
    assert {s.text for s in store.similars(shop_id=shop)} == before
    assert frozenset(COUPON) in members(panel)

    # Only some texts of a group: the rest stays in it.
    select(panel, COUPON)
    rows = [i for i, m in enumerate(panel.members.members) if m.text in ("券无法使用", "优惠券用不了")]
    for row in rows:
        panel.member_table.selectionModel().select(
            panel.members.index(row, 0), panel.member_table.selectionModel().SelectionFlag.Select
            | panel.member_table.selectionModel().SelectionFlag.Rows)
    assert "2 selected" in panel.fix_bar.scope_label.text() and panel.fix_bar.new_button.isEnabled()
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.add_button.click()
    idle(qtbot, panel)
    assert {s.text for s in store.similars(shop_id=shop)} - before == {"券无法使用", "优惠券用不了"}
    assert frozenset({"优惠券怎么用不了", "优惠券不能用怎么回事"}) in members(panel)
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.undo_button.click()
    idle(qtbot, panel)

    # New standard question: the representative, the rest as its similar questions, the answer to write.
    select(panel, INVOICE)
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT) as changed:
        panel.fix_bar.new_button.click()
    idle(qtbot, panel)
    new = store.standard(changed.args[1])
    assert new.text in INVOICE and new.answer == ""
    assert {s.text for s in store.similars(standard_id=new.id)} == set(INVOICE) - {new.text}
    assert any(r.id == new.id for r in window.questions.model.records())
    assert panel.to_write.isVisibleTo(panel) and new.text in panel.to_write.text()
    panel.to_write.linkActivated.emit(str(new.id))  # "write it": the editor opens on it
    assert window.tabs.currentIndex() == window.EDITOR_TAB and window.questions.current().id == new.id
    window.tabs.setCurrentWidget(panel)

    # Matches nothing: a negative of the shop.
    select(panel, WEATHER)
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.none_button.click()
    idle(qtbot, panel)
    assert [n.text for n in store.negatives(shop)] == WEATHER
    assert members(panel) == {frozenset(COUPON): members(panel)[frozenset(COUPON)]}
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.undo_button.click()
    idle(qtbot, panel)
    assert store.negatives(shop) == []

    # Bulk: two groups ignored at once (the shop does not change), one undo brings both back.
    revision = store.shop(shop).revision
    select(panel, COUPON)
    panel.table.selectionModel().select(panel.groups.index(panel.groups.row_of(members(panel)[frozenset(WEATHER)].id), 0),
                                        panel.table.selectionModel().SelectionFlag.Select
                                        | panel.table.selectionModel().SelectionFlag.Rows)
    assert len(panel.targets()) == 2 and not panel.fix_bar.new_button.isEnabled()
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.ignore_button.click()
    idle(qtbot, panel)
    assert panel.groups.rowCount() == 0 and store.shop(shop).revision == revision
    assert not window.inbox.count_label.isVisible() and panel.stack.currentWidget() is panel.placeholder
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.undo_button.click()
    idle(qtbot, panel)
    assert set(members(panel)) == {frozenset(COUPON), frozenset(WEATHER)}


def test_another_standard_question_from_the_menu_and_hold_back(qtbot, store, tiny_shop, inbox_window, monkeypatch):
    window = inbox_window
    panel = opened(qtbot, window)
    assert not panel.hold_back.isChecked()
    panel.hold_back.setChecked(True)
    assert QSettings().value("inbox/hold_back", type=bool)
    select(panel, COUPON)
    invoice_row = panel.groups.row_of(members(panel)[frozenset(INVOICE)].id)
    flags = panel.table.selectionModel().SelectionFlag
    panel.table.selectionModel().select(panel.groups.index(invoice_row, 0), flags.Select | flags.Rows)
    target = next(s for s in panel.current_group().nearest if s.id != panel.fix_bar.target[0])
    (action,) = [a for a in panel.fix_bar.add_menu.actions() if a.text().startswith(target.text)]
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        action.trigger()  # both groups, to a standard question picked from the menu
    idle(qtbot, panel)
    texts = set(COUPON + INVOICE)
    added = {s.text for s in store.similars(standard_id=target.id)} & texts
    held = [t for t in store.test_questions(tiny_shop.id) if t.text in texts]
    assert len(held) == 1 and len(added) == 5 and held[0].expected_id == target.id  # one in five
    assert "held back" in panel.message.text() and panel.fix_bar.target[0] == target.id
    # "Another standard question…" at the end of the menu: any question of the shop, from the picker.
    from desktop_app.gui.widgets.question_picker import QuestionPicker

    dock = store.find_standard(tiny_shop.id, "充电座找不到怎么办")
    monkeypatch.setattr(QuestionPicker, "pick", classmethod(lambda cls, *a, **k: dock.id))
    select(panel, WEATHER)
    with qtbot.waitSignal(panel.store_changed, timeout=JOB_TIMEOUT):
        panel.fix_bar.add_menu.actions()[-1].trigger()
    idle(qtbot, panel)
    assert "今天天气怎么样" in {s.text for s in store.similars(standard_id=dock.id)}
    # A new panel (the next session) remembers the checkbox.
    from desktop_app.gui.widgets.inbox import InboxPanel

    other = InboxPanel(store, window.query_panel.matchers)
    qtbot.addWidget(other)
    assert other.hold_back.isChecked()


def test_new_messages_join_at_the_next_check(qtbot, store, tiny_shop, untuned, inbox_window):  # noqa: F811
    panel = opened(qtbot, inbox_window)
    shown = panel.groups.groups
    assert panel.refresh(quiet=True)
    idle(qtbot, panel)
    assert panel.groups.groups is shown  # nothing new: the list is left alone (its selection too)
    write_log(store, tiny_shop.id, untuned.id, [["扫地机能拖地吗", "可以拖地吗"]])
    with qtbot.waitSignal(panel.counts_changed, timeout=JOB_TIMEOUT):
        assert panel.refresh(quiet=True)
    idle(qtbot, panel)
    assert frozenset({"扫地机能拖地吗", "可以拖地吗"}) in members(panel) and panel.groups.rowCount() == 4


# ----------------------------------------------------------------------------- chat-log import
CHAT = [
    ["会话ID", "发送时间", "发送方", "消息内容"],
    ["s1", "2026-03-01 10:00:01", "买家", "在吗"],
    ["s1", "2026-03-01 10:00:05", "客服", "亲，在的，请问有什么可以帮您"],
    ["s1", "2026-03-01 10:00:09", "买家", "我的手机号13812345678，优惠券怎么用不了"],
    ["s2", "2026/3/1 11:02", "顾客", "发票怎么开"],
    ["s2", "2026/3/1 11:03", "客服机器人", "您好，发票在订单详情页申请"],
    ["s3", "2026/3/1 12:00", "买家", "在吗"],
]


def write_csv(path, rows):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_chat_log_import_with_mapping_and_sender_filter(qtbot, store, tiny_shop, inbox_window, tmp_path, dialogs):
    window = inbox_window
    panel = opened(qtbot, window)
    path = write_csv(tmp_path / "chats.csv", CHAT)
    dialog = window.inbox.import_chat_log(path)
    qtbot.waitUntil(lambda: dialog.table is not None, timeout=JOB_TIMEOUT)
    m = dialog.mapping()
    assert (m.text, m.time, m.sender, m.session) == (3, 1, 2, 0)
    assert sorted(dialog.consumer_values()) == ["买家", "顾客"] and dialog.mask.isChecked()
    assert dialog.import_button.isEnabled()
    dialog.set_consumer_values(["买家"])  # not 顾客 this time
    assert "3 of the 6" in dialog.status.text()
    dialog.set_role(0, "")  # no session column: the two 在吗 are both kept
    assert dialog.mapping().session is None
    dialog.set_role(2, "")  # no sender column: nothing to tick, everything would be imported
    assert not dialog.senders.isVisible() and "6 of the 6" in dialog.status.text()
    dialog.set_role(2, "sender")
    dialog.set_consumer_values(["买家"])
    with qtbot.waitSignal(dialog.finished, timeout=JOB_TIMEOUT):
        assert dialog.start_import()
    assert dialog.summary.imported == 3 and dialog.summary.other_senders == 3 and not dialog.summary.cancelled
    assert any("3 messages logged" in t for t in dialogs.texts("information"))
    log = QueryLog(store.home / FILE_NAME)
    try:
        imported = [r.text for r in log.rows(tiny_shop.id) if r.source == "imported"]
    finally:
        log.close()
    assert sorted(imported) == sorted(["在吗", "在吗", "我的手机号[手机号]，优惠券怎么用不了"])
    assert window.tabs.currentWidget() is panel  # the inbox updates after: what was not answered joins it
    unanswered = 3 - dialog.summary.decisions["answer"]
    qtbot.waitUntil(lambda: panel.view.counts.messages == 10 + unanswered, timeout=JOB_TIMEOUT)


def test_bad_chat_files_say_what_is_wrong(qtbot, store, tiny_shop, inbox_window, tmp_path):
    window = inbox_window
    opened(qtbot, window)  # the model is open: only the file can stop the import
    txt = tmp_path / "chats.txt"
    txt.write_text("hello", encoding="utf-8")
    dialog = window.inbox.import_chat_log(txt)
    qtbot.waitUntil(lambda: not dialog.jobs.busy(), timeout=JOB_TIMEOUT)
    assert "cannot be imported" in dialog.status.text() and ".txt" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    dialog.open_file(write_csv(tmp_path / "empty.csv", [["消息内容", "发送方"]]))
    qtbot.waitUntil(lambda: not dialog.jobs.busy(), timeout=JOB_TIMEOUT)
    assert "no messages" in dialog.status.text() and not dialog.import_button.isEnabled()
    dialog.open_file(write_csv(tmp_path / "odd.csv", [["a", "b"], ["x", "y"]]))
    qtbot.waitUntil(lambda: dialog.table is not None, timeout=JOB_TIMEOUT)
    assert "message text" in dialog.status.text() and not dialog.import_button.isEnabled()
    dialog.set_role(1, "text")
    assert dialog.import_button.isEnabled()
    dialog.reject()


def test_grouping_many_texts_leaves_the_window_responsive(qtbot, make_window, store, tiny_shop, untuned):  # noqa: F811
    from .fixtures_panels import TickCounter

    topics = [[f"第{t}号问题的问法{i}" for i in range(3)] for t in range(400)]  # 1,200 texts, 400 topics
    write_log(store, tiny_shop.id, untuned.id, topics)
    ticks = TickCounter(10)
    ticks.start()
    window = make_window(store)
    panel = window.inbox.panel
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy(), timeout=LOAD_TIMEOUT)
    ticks.stop()
    assert panel.view.counts.texts == 1200 and panel.groups.rowCount() == panel.view.counts.groups >= 300
    # The grouping ran in a thread: the event loop kept turning (the window is built in the first gap).
    print(f"grouping 1,200 texts: {ticks.seconds:.1f} s, longest event-loop gaps {sorted(ticks.gaps)[-3:]}")
    assert sorted(ticks.gaps)[-2] < 0.5, f"longest gaps: {sorted(ticks.gaps)[-3:]}"
