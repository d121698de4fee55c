"""The review queue: every pending (generated) similar question of a shop, to accept or reject per
item, per standard question, or all that the filter shows. Only accepted ones are matched and train.

Accepting goes through the store, whose conflict rules already held when the item was generated;
the index picks accepted items up before the next query (Matcher.refresh), no retraining needed.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...core.augment import review
from ...core.normalize import normalize_text
from ...core.store import SimilarQuestion, Store, StoreError
from ..messages import confirm, show_error
from ..models import source_labels
from ..style import MUTED


class PendingModel(QAbstractTableModel):
    """Rows: (standard question text, pending similar question), grouped by standard question."""

    STANDARD, SIMILAR, SOURCE = range(3)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, SimilarQuestion]] = []
        self._sources = source_labels()

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Standard question"), self.tr("Generated similar question"), self.tr("Source"))[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        standard, sim = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.STANDARD:
                # Only the first row of a group names its standard question: the list reads as groups.
                first = index.row() == 0 or self.rows[index.row() - 1][1].standard_id != sim.standard_id
                return standard if first else ""
            if col == self.SIMILAR:
                return sim.text
            return self._sources.get(sim.source, sim.source)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.STANDARD:
            return standard
        if role == Qt.ItemDataRole.ForegroundRole and col != self.SIMILAR:
            return QColor(MUTED)
        return None


class ReviewDialog(QDialog):
    changed = Signal(object)  # standard-question ids whose similar questions changed status

    def __init__(self, store: Store, shop_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id = shop_id
        self.setWindowTitle(self.tr("Review queue — {shop}").format(shop=store.shop(shop_id).name))
        self.setMinimumSize(860, 560)
        self.model = PendingModel(self)
        self._build()
        self.reload()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        self.title = QLabel(objectName="title")
        hint = QLabel(self.tr("Generated questions wait here. Accept the ones that mean exactly what their standard "
                              "question means; only accepted ones are matched and train the model."), objectName="hint")
        hint.setWordWrap(True)
        root.addWidget(self.title)
        root.addWidget(hint)

        filters = QHBoxLayout()
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), None)
        labels = source_labels()
        for key in ("rules", "llm", "log", "imported", "manual"):
            self.source.addItem(labels[key], key)
        self.source.currentIndexChanged.connect(self.reload)
        self.search = QLineEdit(placeholderText=self.tr("Search standard or similar questions"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.reload)
        filters.addWidget(self.source)
        filters.addWidget(self.search, 1)
        root.addLayout(filters)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(PendingModel.STANDARD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PendingModel.SIMILAR, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PendingModel.SOURCE, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(PendingModel.STANDARD, 280)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        root.addWidget(self.view, 1)

        row1 = QHBoxLayout()
        self.accept_selected = QPushButton(self.tr("Accept selected"))
        self.accept_selected.setProperty("primary", True)
        self.reject_selected = QPushButton(self.tr("Reject selected"))
        self.accept_group = QPushButton(self.tr("Accept all of this standard question"))
        self.reject_group = QPushButton(self.tr("Reject all of this standard question"))
        for button, slot in ((self.accept_selected, lambda: self.set_selected("accepted")),
                             (self.reject_selected, lambda: self.set_selected("rejected")),
                             (self.accept_group, lambda: self.set_group("accepted")),
                             (self.reject_group, lambda: self.set_group("rejected"))):
            button.clicked.connect(slot)
            row1.addWidget(button)
        row1.addStretch(1)
        root.addLayout(row1)

        row2 = QHBoxLayout()
        self.accept_shown = QPushButton(self.tr("Accept all shown"))
        self.reject_shown = QPushButton(self.tr("Reject all shown"))
        self.accept_shown.clicked.connect(lambda: self.set_shown("accepted"))
        self.reject_shown.clicked.connect(lambda: self.set_shown("rejected"))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row2.addWidget(self.accept_shown)
        row2.addWidget(self.reject_shown)
        row2.addStretch(1)
        row2.addWidget(close)
        root.addLayout(row2)

        # A: accept, R: reject the selection, as fast reviewers expect (while the table has focus).
        for key, status in (("A", "accepted"), ("R", "rejected")):
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=status: self.set_selected(s))

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        texts = {sq.id: sq.text for sq in self.store.standards(self.shop_id)}
        pending = self.store.similars(shop_id=self.shop_id, status="pending", source=self.source.currentData())
        needle = normalize_text(self.search.text())
        rows = [(texts.get(p.standard_id, "?"), p) for p in pending]
        if needle:
            rows = [r for r in rows if needle in normalize_text(r[0]) or needle in normalize_text(r[1].text)]
        order = {sid: i for i, sid in enumerate(texts)}  # the shop's order of standard questions
        rows.sort(key=lambda r: (order.get(r[1].standard_id, len(order)), r[1].id))
        self.model.set_rows(rows)
        total = len(self.store.similars(shop_id=self.shop_id, status="pending"))
        self.title.setText(self.tr("{n} pending · {shown} shown").format(n=total, shown=len(rows)))
        self._update_buttons()

    def selected_rows(self) -> list[SimilarQuestion]:
        return [self.model.rows[i.row()][1] for i in self.view.selectionModel().selectedRows()]

    def _update_buttons(self) -> None:
        selected = bool(self.view.selectionModel().selectedRows())
        for b in (self.accept_selected, self.reject_selected, self.accept_group, self.reject_group):
            b.setEnabled(selected)
        for b in (self.accept_shown, self.reject_shown):
            b.setEnabled(bool(self.model.rows))

    # ------------------------------------------------------------------ actions
    def _apply(self, items: list[SimilarQuestion], status: str) -> int:
        if not items:
            return 0
        try:
            n = review(self.store, self.shop_id, status, ids=[s.id for s in items])
        except StoreError as exc:
            show_error(self, self.tr("Not changed"), exc)
            return 0
        first = min(self.view.selectionModel().selectedRows(), default=None, key=lambda i: i.row())
        self.reload()
        if first is not None and self.model.rows:  # keep the reviewer's place in the list
            self.view.selectRow(min(first.row(), len(self.model.rows) - 1))
        self.changed.emit(sorted({s.standard_id for s in items}))
        return n

    def set_selected(self, status: str) -> int:
        return self._apply(self.selected_rows(), status)

    def set_group(self, status: str) -> int:
        """Every shown pending item of the standard questions of the selection."""
        groups = {s.standard_id for s in self.selected_rows()}
        return self._apply([s for _, s in self.model.rows if s.standard_id in groups], status)

    def set_shown(self, status: str) -> int:
        items = [s for _, s in self.model.rows]
        verb = self.tr("Accept") if status == "accepted" else self.tr("Reject")
        if not confirm(self, self.tr("Review queue"), self.tr("{verb} all %n shown similar question(s)?", "", len(items)).format(
                verb=verb)):
            return 0
        return self._apply(items, status)
