"""The form of one standard question: text, category, answer, enabled. Save writes through.

Leaving a question with unsaved edits (selecting another, switching shop) saves them; if the store
refuses (a conflict, an empty text), the operator is told and the edits are dropped, so what the
form shows is always what the store holds.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ...core.store import StandardQuestion, Store, StoreError
from ..messages import show_error
from ..models import local_time


class QuestionForm(QWidget):
    saved = Signal(object)  # the StandardQuestion as stored

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.question: StandardQuestion | None = None
        self._loading = False

        self.text = QLineEdit(placeholderText=self.tr("e.g. 扫地机器人吸力变小了怎么办"))
        self.category = QComboBox(editable=True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category.lineEdit().setPlaceholderText(self.tr("Pick or type a category"))
        self.answer = QPlainTextEdit(placeholderText=self.tr("The reply the customer service gives"))
        self.answer.setTabChangesFocus(True)
        self.answer.setMinimumHeight(70)
        self.answer.setMaximumHeight(96)
        self.enabled = QCheckBox(self.tr("Enabled"))
        self.enabled.setToolTip(self.tr("A disabled question stays in the list but is never matched"))
        self.meta = QLabel(objectName="meta")

        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(self.tr("Save"), toolTip=self.tr("Save (Ctrl+S)"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        for signal in (self.text.textChanged, self.category.currentTextChanged,
                       self.answer.textChanged, self.enabled.toggled):
            signal.connect(self._update_buttons)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("Standard question"), self.text)
        category_row = QHBoxLayout()  # category and the enabled switch share a row: room for the table
        category_row.addWidget(self.category, 1)
        category_row.addSpacing(16)
        category_row.addWidget(self.enabled)
        form.addRow(self.tr("Category"), category_row)
        form.addRow(self.tr("Answer"), self.answer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.meta, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.set_question(None)

    # -- showing -------------------------------------------------------------------------------
    def set_categories(self, categories: list[str]) -> None:
        current = self.category.currentText()
        self._loading = True
        self.category.clear()
        self.category.addItems(categories)
        self.category.setCurrentText(current)
        self._loading = False

    def set_question(self, sq: StandardQuestion | None) -> None:
        """Show a question (None: empty and disabled). Pending edits of the previous one are saved."""
        if self.is_dirty():
            self.save(quiet_failure_title=self.tr("Changes not saved"))
        self.question = sq
        self._loading = True
        self.text.setText(sq.text if sq else "")
        self.category.setCurrentText(sq.category if sq else "")
        self.answer.setPlainText(sq.answer if sq else "")
        self.enabled.setChecked(sq.enabled if sq else True)
        self._loading = False
        for w in (self.text, self.category, self.answer, self.enabled):
            w.setEnabled(sq is not None)
        self.meta.setText(self.tr("ID {id} · updated {when}").format(
            id=sq.id, when=local_time(sq.updated_at)) if sq else "")
        self._update_buttons()

    def values(self) -> dict:
        return {"text": self.text.text().strip(), "category": self.category.currentText().strip(),
                "answer": self.answer.toPlainText(), "enabled": self.enabled.isChecked()}

    def is_dirty(self) -> bool:
        if self.question is None:
            return False
        sq = self.question
        stored = {"text": sq.text, "category": sq.category, "answer": sq.answer, "enabled": sq.enabled}
        return self.values() != stored

    # -- writing --------------------------------------------------------------------------------
    def save(self, quiet_failure_title: str | None = None) -> bool:
        """Write the form to the store. On refusal the message names why; returns success."""
        if self.question is None or not self.is_dirty():
            return True
        stored = self.question
        changed = {k: v for k, v in self.values().items() if getattr(stored, k) != v}
        try:
            updated = self.store.update_standard(stored.id, **changed)
        except StoreError as exc:
            show_error(self, quiet_failure_title or self.tr("Not saved"), exc)
            if quiet_failure_title:  # we are leaving this question: drop the refused edits
                self.question = stored
                self.revert()
            return False
        self.question = updated
        self.meta.setText(self.tr("ID {id} · updated {when}").format(
            id=updated.id, when=local_time(updated.updated_at)))
        self._update_buttons()
        self.saved.emit(updated)
        return True

    def revert(self) -> None:
        sq = self.question
        self.question = None  # so set_question does not try to save what we are discarding
        self.set_question(sq)

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.text.selectAll()

    def _update_buttons(self, *args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
