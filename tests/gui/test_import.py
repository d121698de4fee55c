"""Import dialog: preview, column mapping for other platforms' files, a dry run that lists the
conflicts and writes nothing, then the import; export; and Store.import_rows(dry_run=True)."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.io_formats import ImportRow, read_rows
from desktop_app.gui.widgets.import_dialog import ImportDialog, guess_mapping
from tests.gui.helpers import db_dump, seed


@pytest.fixture
def shop(store):
    return seed(store)


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# A file exported from another platform: its own headers, several similars in one cell.
FOREIGN = (["分类", "问题", "相似问法", "回答", "备注"], [
    ["售后", "怎么开发票", "开票", "在订单详情页申请，一个工作日内开出。"],
    ["配件", "尘袋多少钱", "尘袋怎么卖\n尘袋价格", "39 元一个", "x"],
    ["配件", "滤网多久换一次", "吸力变弱了", "三个月", ""],  # 吸力变弱了 belongs to another question
])


def test_dry_run_reports_and_writes_nothing(store, shop):
    before = db_dump(store)
    rows = [ImportRow(1, "新问题", "新问法"), ImportRow(2, "新问题", "吸力变弱了")]
    report = store.import_rows(shop.id, rows, dry_run=True)
    assert (report.added_standard, report.added_similar, len(report.conflicts)) == (1, 1, 1)
    assert report.conflicts[0].row == 2
    assert db_dump(store) == before


def test_guess_mapping_knows_core_and_foreign_headers():
    assert guess_mapping(["标准问", "相似问", "答案"]) == {0: "standard_question", 1: "similar_question", 2: "answer"}
    assert guess_mapping(["分类", "问题", "相似问法", "回答", "备注"]) == {
        0: "category", 1: "standard_question", 2: "similar_question", 3: "answer"}


def test_import_dialog_preview_mapping_dry_run_then_import(store, shop, tmp_path, qtbot, dialogs, make_window):
    window = make_window(store)
    path = write_csv(tmp_path / "faq.csv", *FOREIGN)
    before = db_dump(store)
    dialog = window.import_file(path)  # owned (and deleted when closed) by the window
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)

    # preview: the mapping row, then the file's rows; the mapping was recognised
    assert dialog.preview.rowCount() == 1 + 3
    assert dialog.preview.item(2, 2).text() == "尘袋怎么卖 ⏎ 尘袋价格"
    assert dialog.mapping() == {"分类": "category", "问题": "standard_question", "相似问法": "similar_question",
                                "回答": "answer", "备注": ""}

    # dry run: counts and the conflict, nothing written, Import only with "skip conflicts"
    report = dialog.report
    assert (report.added_standard, report.added_similar, report.updated_standard) == (2, 3, 1)
    assert len(report.conflicts) == 1 and report.conflicts[0].row == 4
    problem = dialog.problems.item(0).text()
    assert "吸力变弱了" in problem and "扫地机器人吸力变小了怎么办" in problem
    assert db_dump(store) == before
    assert not dialog.import_button.isEnabled()
    dialog.skip_conflicts.setChecked(True)
    assert dialog.import_button.isEnabled()

    # the mapping step: leave the answers out, the check runs again
    dialog.set_mapping("回答", "")
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.updated_standard == 0, timeout=10000)
    assert db_dump(store) == before

    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    sq = store.find_standard(shop.id, "尘袋多少钱")
    assert sq.category == "配件" and sq.answer == ""
    assert {s.text for s in store.similars(sq.id)} == {"尘袋怎么卖", "尘袋价格"}
    assert store.find_standard(shop.id, "怎么开发票").answer == "在订单详情页申请电子发票。"  # untouched
    moved = [s for s in store.similars(shop_id=shop.id) if s.text == "吸力变弱了"]
    assert len(moved) == 1 and moved[0].standard_id == store.find_standard(shop.id, "扫地机器人吸力变小了怎么办").id
    assert window.questions.model.rowCount() == 5  # the list reloaded
    assert "Import finished" in [title for kind, title, _ in dialogs.shown]


def test_import_dialog_lists_file_errors(store, shop, tmp_path, qtbot):
    path = write_csv(tmp_path / "bad.csv", ["标准问", "相似问", "启用"], [
        ["a", "b", "maybe"], ["", "orphan", ""], ["c", "d", "是"]])
    dialog = ImportDialog(store, shop.id)
    qtbot.addWidget(dialog)
    before = db_dump(store)
    dialog.open_file(path)
    qtbot.waitUntil(lambda: bool(dialog.file_errors), timeout=10000)
    texts = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(texts) == 2 and "row 2" in texts[0] and "row 3" in texts[1]
    assert not dialog.import_button.isEnabled()
    # no standard-question column at all once it is unmapped
    dialog.set_mapping("标准问", "")
    qtbot.waitUntil(lambda: not dialog.jobs.busy() and any("standard question column" in e.message
                                                         for e in dialog.file_errors), timeout=10000)
    assert db_dump(store) == before


def test_export_writes_every_column(store, shop, tmp_path, monkeypatch, make_window):
    target = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window = make_window(store)
    window.export_file()
    rows, _ = read_rows(target)
    assert len(rows) == 5 and {r.standard_question for r in rows} == {
        "怎么开发票", "退货运费谁出", "扫地机器人吸力变小了怎么办"}


def test_closing_the_dialog_during_a_check_neither_waits_nor_writes(store, shop, tmp_path, qtbot):
    rows = [[f"标准问{i}", f"相似问{i}-{j}"] for i in range(2000) for j in range(5)]
    path = write_csv(tmp_path / "big.csv", ["标准问", "相似问"], rows)
    before = db_dump(store)
    dialog = ImportDialog(store, shop.id)
    dialog.open_file(path)
    qtbot.waitUntil(lambda: bool(dialog.headers), timeout=10000)  # the check has started
    dialog.reject()
    assert dialog.result() == 0 and dialog.rows is None
    qtbot.waitUntil(lambda: not dialog.jobs.jobs(), timeout=30000)  # the orphaned check ends by itself
    assert db_dump(store) == before
    dialog.deleteLater()
