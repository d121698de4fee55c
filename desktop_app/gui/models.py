"""Qt item models over the Store. setData writes through; the store's refusal refuses the edit.

The standard-question list is loaded with one query (Store.standards, counts included) and kept
in memory, so data() never touches SQLite: 5,000 questions scroll as fast as 50. Single edits
update one row in place instead of reloading.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (QAbstractListModel, QAbstractTableModel, QCoreApplication, QModelIndex,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QColor, QFont

from ..core.store import SimilarQuestion, StandardQuestion, Store, StoreError
from .messages import error_text
from .style import FAINT, MUTED, WARNING

IdRole = Qt.ItemDataRole.UserRole + 1
CategoryRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3
EnabledRole = Qt.ItemDataRole.UserRole + 4
RecordRole = Qt.ItemDataRole.UserRole + 5


def local_time(iso: str) -> str:
    """The store's UTC timestamps in the computer's time zone, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return (iso or "")[:16]


def source_labels() -> dict[str, str]:
    return {"manual": QCoreApplication.translate("Labels", "manual"),
            "imported": QCoreApplication.translate("Labels", "imported"),
            "rules": QCoreApplication.translate("Labels", "rules"),
            "llm": QCoreApplication.translate("Labels", "LLM"),
            "log": QCoreApplication.translate("Labels", "chat log")}


def status_labels() -> dict[str, str]:
    return {"accepted": QCoreApplication.translate("Labels", "accepted"),
            "pending": QCoreApplication.translate("Labels", "pending"),
            "rejected": QCoreApplication.translate("Labels", "rejected")}


class StandardListModel(QAbstractListModel):
    """The shop's standard questions; DisplayRole is the text, other fields under custom roles."""

    edit_failed = Signal(str)   # a refused inline edit, already worded for the operator
    edited = Signal(object)     # the StandardQuestion after a successful write

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.shop_id: int | None = None
        self._rows: list[StandardQuestion] = []
        self._row_of: dict[int, int] = {}

    # -- loading ---------------------------------------------------------------------------
    def load(self, shop_id: int | None) -> None:
        self.beginResetModel()
        self.shop_id = shop_id
        self._rows = self.store.standards(shop_id) if shop_id is not None else []
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {sq.id: i for i, sq in enumerate(self._rows)}

    def record(self, row: int) -> StandardQuestion:
        return self._rows[row]

    def row_of(self, standard_id: int) -> int | None:
        return self._row_of.get(standard_id)

    def records(self) -> list[StandardQuestion]:
        return self._rows

    # -- keeping in step with edits made elsewhere (form, similar table) --------------------
    def refresh_record(self, standard_id: int) -> None:
        """Re-read one question (its text, fields and similar count) after an edit."""
        row = self._row_of.get(standard_id)
        if row is None:
            return
        self._rows[row] = self.store.standard(standard_id)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def append(self, sq: StandardQuestion) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(sq)
        self._row_of[sq.id] = row
        self.endInsertRows()
        return row

    def remove(self, standard_id: int) -> None:
        row = self._row_of.get(standard_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._reindex()
        self.endRemoveRows()

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        sq = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return sq.text
        if role == CountRole:
            return sq.similar_count
        if role == CategoryRole:
            return sq.category
        if role == IdRole:
            return sq.id
        if role == EnabledRole:
            return sq.enabled
        if role == RecordRole:
            return sq
        if role == Qt.ItemDataRole.ToolTipRole:
            return sq.answer[:300] or None
        return None

    def flags(self, index: QModelIndex):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Inline rename of a standard question; a conflict or empty text refuses the edit."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        sq = self._rows[index.row()]
        if str(value).strip() == sq.text:
            return False
        try:
            updated = self.store.update_standard(sq.id, text=str(value))
        except StoreError as exc:
            self.edit_failed.emit(error_text(exc))
            return False
        self._rows[index.row()] = updated
        self.dataChanged.emit(index, index)
        self.edited.emit(updated)
        return True


class StandardFilterProxy(QSortFilterProxyModel):
    """Filters by a set of ids (the store's normalised text search) and by category.

    Searching goes through Store.standards(search=...), which compares normalised text (width,
    case, traditional/simplified), so what the list finds matches what the store calls equal.
    """

    UNCATEGORISED = "\x00"  # category filter value for questions without a category

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ids: set[int] | None = None
        self._category: str | None = None

    def set_ids(self, ids: set[int] | None) -> None:
        self._ids = ids
        self.invalidateRowsFilter()

    def category(self) -> str | None:
        return self._category

    def set_category(self, category: str | None) -> None:
        self._category = category
        self.invalidateRowsFilter()

    def is_filtering(self) -> bool:
        return self._ids is not None or self._category is not None

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        sq = self.sourceModel().record(source_row)
        if self._ids is not None and sq.id not in self._ids:
            return False
        if self._category is not None:
            wanted = "" if self._category == self.UNCATEGORISED else self._category
            if sq.category != wanted:
                return False
        return True


class SimilarTableModel(QAbstractTableModel):
    """The similar questions of one standard question: text (editable), source, status, updated."""

    TEXT, SOURCE, STATUS, UPDATED = range(4)
    edit_failed = Signal(str)
    edited = Signal()

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.standard_id: int | None = None
        self._rows: list[SimilarQuestion] = []
        self._sources = source_labels()
        self._statuses = status_labels()
        self._struck = QFont()
        self._struck.setStrikeOut(True)  # rejected questions stay visible but read as crossed out

    def load(self, standard_id: int | None) -> None:
        self.beginResetModel()
        self.standard_id = standard_id
        self._rows = self.store.similars(standard_id) if standard_id is not None else []
        self.endResetModel()

    def reload(self) -> None:
        self.load(self.standard_id)

    def record(self, row: int) -> SimilarQuestion:
        return self._rows[row]

    def records(self) -> list[SimilarQuestion]:
        return self._rows

    def row_of(self, similar_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == similar_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Similar question"), self.tr("Source"), self.tr("Status"), self.tr("Updated"))[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        sim = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.TEXT:
                return sim.text
            if col == self.SOURCE:
                return self._sources.get(sim.source, sim.source)
            if col == self.STATUS:
                return self._statuses.get(sim.status, sim.status)
            return local_time(sim.updated_at)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.STATUS and sim.status == "pending":
                return QColor(WARNING)
            if sim.status == "rejected":
                return QColor(FAINT)
            if col in (self.SOURCE, self.UPDATED):
                return QColor(MUTED)
        if role == Qt.ItemDataRole.FontRole and sim.status == "rejected" and col == self.TEXT:
            return self._struck
        if role == IdRole:
            return sim.id
        return None

    def flags(self, index: QModelIndex):
        base = super().flags(index)
        if index.isValid() and index.column() == self.TEXT:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != self.TEXT:
            return False
        sim = self._rows[index.row()]
        if str(value).strip() == sim.text:
            return False
        try:
            self._rows[index.row()] = self.store.update_similar(sim.id, text=str(value))
        except StoreError as exc:
            self.edit_failed.emit(error_text(exc))
            return False
        self.dataChanged.emit(index, index.siblingAtColumn(self.UPDATED))
        self.edited.emit()
        return True
