"""The similar questions of the selected standard question: inline edit, add (one or many lines),
delete, accept / reject pending ones, move to another standard question.

Many lines are added through Store.import_rows(skip_conflicts=True): one transaction, and the
store's own conflict rules decide which lines are refused, so they are listed, the rest added.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from ...core.io_formats import ImportRow
from ...core.store import StandardQuestion, Store, StoreError
from ..icons import icon
from ..messages import confirm, conflict_text, show_error
from ..models import SimilarTableModel
from ..style import ERROR, SUCCESS
from .question_picker import QuestionPicker

_LINES = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in _LINES.split(text or "") if line.strip()]


class SimilarTable(QWidget):
    changed = Signal(object)  # list of standard-question ids whose similar questions changed

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.standard: StandardQuestion | None = None
        self.model = SimilarTableModel(store, self)
        self.model.edit_failed.connect(lambda text: show_error(self, self.tr("Not changed"), text))
        self.model.edited.connect(self._emit_changed)

        self.title = QLabel(self.tr("Similar questions"), objectName="title")
        self.stats = QLabel(objectName="hint")
        self.new_text = QLineEdit(placeholderText=self.tr("Type a similar question and press Enter; "
                                                          "pasting several lines adds them all"))
        self.new_text.returnPressed.connect(self._add_typed)
        self.new_text.installEventFilter(self)  # a multi-line paste adds every line
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self._add_typed)
        self.bulk_button = QPushButton(icon("lines"), self.tr("Add many…"))
        self.bulk_button.clicked.connect(self._add_many_dialog)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(32)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(SimilarTableModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for col in (SimilarTableModel.SOURCE, SimilarTableModel.STATUS, SimilarTableModel.UPDATED):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        # Del and Ctrl+V act on the table only while it has focus (not inside an inline editor).
        for key, slot in ((QKeySequence.StandardKey.Delete, self.delete_selected),
                          (QKeySequence.StandardKey.Paste, self.paste_clipboard)):
            action = QAction(self.view)
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)

        self.accept_button = QPushButton(icon("check", SUCCESS), self.tr("Accept"))
        self.accept_button.setToolTip(self.tr("Accepted questions are used for matching and training"))
        self.accept_button.clicked.connect(lambda: self.set_status("accepted"))
        self.reject_button = QPushButton(icon("x", ERROR), self.tr("Reject"))
        self.reject_button.clicked.connect(lambda: self.set_status("rejected"))
        self.move_button = QPushButton(icon("move"), self.tr("Move to…"))
        self.move_button.clicked.connect(self.move_selected)
        self.delete_button = QPushButton(icon("trash"), self.tr("Delete"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_selected)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.stats, 1)
        adder = QHBoxLayout()
        adder.addWidget(self.new_text, 1)
        adder.addWidget(self.add_button)
        adder.addWidget(self.bulk_button)
        actions = QHBoxLayout()
        for button in (self.accept_button, self.reject_button, self.move_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(adder)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self.set_standard(None)

    # -- showing ---------------------------------------------------------------------------------
    def set_standard(self, sq: StandardQuestion | None) -> None:
        self.standard = sq
        self.model.load(sq.id if sq else None)
        for w in (self.new_text, self.add_button, self.bulk_button, self.view):
            w.setEnabled(sq is not None)
        self._update_stats()

    def selected(self) -> list:
        return [self.model.record(i.row()) for i in self.view.selectionModel().selectedRows()]

    def select_ids(self, ids) -> None:
        sel = self.view.selectionModel()
        sel.clearSelection()
        for sim_id in ids:
            row = self.model.row_of(sim_id)
            if row is not None:
                sel.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                           | QItemSelectionModel.SelectionFlag.Rows)

    # -- adding ------------------------------------------------------------------------------------
    def add_lines(self, lines: list[str]) -> tuple[int, list]:
        """Add every line as an accepted manual similar question; returns (added, conflicts)."""
        if self.standard is None or not lines:
            return 0, []
        try:  # re-read: the form may have renamed the question since it was shown here
            self.standard = self.store.standard(self.standard.id)
        except StoreError as exc:
            show_error(self, self.tr("Not added"), exc)
            return 0, []
        rows = [ImportRow(row=None, standard_question=self.standard.text, similar_question=line,
                          source="manual", status="accepted") for line in lines]
        try:
            report = self.store.import_rows(self.standard.shop_id, rows, skip_conflicts=True)
        except StoreError as exc:
            show_error(self, self.tr("Not added"), exc)
            return 0, []
        self.model.reload()
        self._update_stats()
        if report.added_similar:
            self.view.scrollToBottom()
            self._emit_changed()
        if report.conflicts:
            listed = "\n".join(conflict_text(c) for c in report.conflicts[:15])
            if len(report.conflicts) > 15:
                listed += "\n" + self.tr("… and {n} more").format(n=len(report.conflicts) - 15)
            QMessageBox.information(self, self.tr("Some lines were not added"), self.tr(
                "Added {added} of {total}. These were left out:\n\n{listed}").format(
                added=report.added_similar, total=len(lines), listed=listed))
        return report.added_similar, report.conflicts

    def paste_clipboard(self) -> None:
        self.add_lines(split_lines(QGuiApplication.clipboard().text()))

    def _add_typed(self) -> None:
        lines = split_lines(self.new_text.text())
        if not lines:
            return
        added, conflicts = self.add_lines(lines)
        if added and not conflicts:
            self.new_text.clear()

    def _add_many_dialog(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Add many similar questions"))
        dialog.resize(460, 380)
        edit = QPlainTextEdit(placeholderText=self.tr("One similar question per line"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(self.tr("Paste or type one question per line. Lines that already belong "
                                        "to a question are listed and left out."), wordWrap=True))
        layout.addWidget(edit, 1)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_lines(split_lines(edit.toPlainText()))
        dialog.deleteLater()

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.new_text and event.type() == QEvent.Type.KeyPress
                and event.matches(QKeySequence.StandardKey.Paste)):
            lines = split_lines(QGuiApplication.clipboard().text())
            if len(lines) > 1:  # one line pastes into the field as usual
                self.add_lines(lines)
                return True
        return super().eventFilter(obj, event)

    # -- changing ------------------------------------------------------------------------------------
    def set_status(self, status: str) -> None:
        ids = [s.id for s in self.selected() if s.status != status]
        if not ids:
            return
        try:
            self.store.set_similar_status(ids, status)
        except StoreError as exc:
            show_error(self, self.tr("Not changed"), exc)
            return
        self.model.reload()
        self.select_ids(ids)
        self._update_stats()
        self._emit_changed()

    def move_selected(self) -> None:
        chosen = self.selected()
        if not chosen or self.standard is None:
            return
        target = QuestionPicker.pick(self, self.store, self.standard.shop_id, exclude_id=self.standard.id,
                                     prompt=self.tr("Move %n similar question(s) to:", "", len(chosen)))
        if target is None:
            return
        failures = []
        for sim in chosen:
            try:
                self.store.update_similar(sim.id, standard_id=target)
            except StoreError as exc:
                failures.append(exc)
        self.model.reload()
        self._update_stats()
        self.changed.emit([self.standard.id, target])
        if failures:
            show_error(self, self.tr("Not moved"), failures[0])

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        text = (self.tr("Delete the similar question “{text}”?").format(text=chosen[0].text) if len(chosen) == 1
                else self.tr("Delete {n} similar questions?").format(n=len(chosen)))
        if not confirm(self, self.tr("Delete similar questions"), text):
            return
        for sim in chosen:
            try:
                self.store.delete_similar(sim.id)
            except StoreError as exc:
                show_error(self, self.tr("Not deleted"), exc)
                break
        self.model.reload()
        self._update_stats()
        self._emit_changed()

    # -- state -------------------------------------------------------------------------------------------
    def _emit_changed(self) -> None:
        self._update_stats()
        if self.standard is not None:
            self.changed.emit([self.standard.id])

    def _update_stats(self) -> None:
        rows = self.model.records()
        pending = sum(s.status == "pending" for s in rows)
        text = self.tr("{n} in total").format(n=len(rows)) if self.standard else ""
        if pending:
            text += self.tr(" · {n} pending review").format(n=pending)
        self.stats.setText(text)

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.accept_button.setEnabled(any(s.status != "accepted" for s in chosen))
        self.reject_button.setEnabled(any(s.status != "rejected" for s in chosen))
        self.move_button.setEnabled(bool(chosen))
        self.delete_button.setEnabled(bool(chosen))
