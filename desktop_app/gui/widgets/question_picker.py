"""A dialog that picks one standard question of the shop (the target of a move)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListView, QVBoxLayout

from ...core.store import Store
from ..models import StandardFilterProxy, StandardListModel
from .question_list import QuestionDelegate


class QuestionPicker(QDialog):
    def __init__(self, store: Store, shop_id: int, exclude_id: int | None = None, parent=None,
                 prompt: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose a standard question"))
        self.resize(520, 560)
        self.store, self.shop_id = store, shop_id
        self.model = StandardListModel(store, self)
        self.model.load(shop_id)
        self.proxy = StandardFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        if exclude_id is not None:
            self.proxy.set_ids({sq.id for sq in self.model.records() if sq.id != exclude_id})
        self._exclude = exclude_id

        self.search = QLineEdit(placeholderText=self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(QuestionDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.doubleClicked.connect(lambda _i: self.accept())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_ok())

        layout = QVBoxLayout(self)
        if prompt:
            layout.addWidget(QLabel(prompt, wordWrap=True))
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self._update_ok()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.record(self.proxy.mapToSource(index).row()).id if index.isValid() else None

    def _apply_search(self) -> None:
        text = self.search.text().strip()
        ids = {sq.id for sq in self.store.standards(self.shop_id, search=text)} if text else \
            {sq.id for sq in self.model.records()}
        ids.discard(self._exclude)
        self.proxy.set_ids(ids)
        if self.proxy.rowCount() and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.view.currentIndex().isValid())

    @classmethod
    def pick(cls, parent, store: Store, shop_id: int, exclude_id: int | None = None, prompt: str = "") -> int | None:
        """Show the dialog; the chosen standard question's id, or None if cancelled."""
        dialog = cls(store, shop_id, exclude_id, parent, prompt)
        try:
            return dialog.chosen_id() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
