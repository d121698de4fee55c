"""The shop switcher of the toolbar: a combo of shops with create, rename and delete."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QToolButton, QWidget

from ...core.services.shops import delete_shop
from ...core.store import Store, StoreError
from ..icons import icon
from ..messages import confirm, show_error


class ShopBar(QWidget):
    shop_changed = Signal(object)  # shop id, or None when there is no shop

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        # Asked before deleting: the main window refuses while a job runs on that shop.
        self.can_delete: Callable[[int], bool] = lambda _shop_id: True

        self.combo = QComboBox()
        self.combo.setMinimumWidth(180)
        self.combo.setToolTip(self.tr("Switch shop"))
        self.combo.setPlaceholderText(self.tr("No shop yet"))
        self.combo.currentIndexChanged.connect(lambda _i: self.shop_changed.emit(self.current_id()))
        self.new_action = QAction(icon("shop-add"), self.tr("New shop…"), self)
        self.new_action.triggered.connect(self.create_shop)
        self.rename_action = QAction(icon("pencil"), self.tr("Rename shop…"), self)
        self.rename_action.triggered.connect(self.rename_shop)
        self.delete_action = QAction(icon("trash"), self.tr("Delete shop…"), self)
        self.delete_action.triggered.connect(self.delete_shop)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(QLabel(self.tr("Shop")))
        layout.addWidget(self.combo)
        for action in (self.new_action, self.rename_action, self.delete_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setIconSize(QSize(16, 16))
            layout.addWidget(button)
        self.reload()

    def actions_(self) -> list[QAction]:
        return [self.new_action, self.rename_action, self.delete_action]

    def current_id(self) -> int | None:
        return self.combo.currentData()

    def reload(self, select_id: int | None = None) -> None:
        """Refill from the store; selects select_id, else keeps the current shop, else the first."""
        keep = select_id if select_id is not None else self.current_id()
        self.combo.blockSignals(True)
        self.combo.clear()
        for shop in self.store.shops():
            self.combo.addItem(shop.name, shop.id)
        index = self.combo.findData(keep) if keep is not None else -1
        self.combo.setCurrentIndex(index if index >= 0 else (0 if self.combo.count() else -1))
        self.combo.blockSignals(False)
        has_shop = self.current_id() is not None
        self.rename_action.setEnabled(has_shop)
        self.delete_action.setEnabled(has_shop)
        self.shop_changed.emit(self.current_id())

    def select(self, shop_id: int) -> None:
        index = self.combo.findData(shop_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    # -- commands ------------------------------------------------------------------------------
    def create_shop(self) -> int | None:
        name, ok = QInputDialog.getText(self, self.tr("New shop"), self.tr("Shop name:"))
        if not ok or not name.strip():
            return None
        try:
            shop = self.store.create_shop(name)
        except StoreError as exc:
            show_error(self, self.tr("Shop not created"), exc)
            return None
        self.reload(select_id=shop.id)
        return shop.id

    def rename_shop(self) -> None:
        shop_id = self.current_id()
        if shop_id is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename shop"), self.tr("New name:"),
                                        QLineEdit.EchoMode.Normal, self.combo.currentText())
        if not ok or not name.strip() or name.strip() == self.combo.currentText():
            return
        try:
            self.store.rename_shop(shop_id, name)
        except StoreError as exc:
            show_error(self, self.tr("Shop not renamed"), exc)
            return
        self.combo.setItemText(self.combo.currentIndex(), name.strip())

    def delete_shop(self) -> None:
        shop_id = self.current_id()
        if shop_id is None or not self.can_delete(shop_id):
            return
        name = self.combo.currentText()
        n = len(self.store.standards(shop_id))
        if not confirm(self, self.tr("Delete shop"), self.tr(
                "Delete the shop “{name}” with its {n} standard questions, their similar questions and "
                "all its models? This cannot be undone.").format(name=name, n=n)):
            return
        try:
            delete_shop(self.store, shop_id)  # with its model files
        except StoreError as exc:
            show_error(self, self.tr("Shop not deleted"), exc)
            return
        self.reload()
