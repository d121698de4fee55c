"""The query panel's two tables: one query's top matches, and a batch test's rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ...style import ANSWER, DECISION_COLORS, MUTED, NO_MATCH, SUBTLE, TEXT
from ..score_bar import SCORE_ROLE
from .labels import decision_name


def setup_table(table: QTableView) -> None:
    """Read-only rows, selected whole, no grid."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(34)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class MatchTableModel(QAbstractTableModel):
    """Top-k matches of one query: rank, standard question, category, similarity (bar)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matches: list = []

    def set_matches(self, matches: list) -> None:
        self.beginResetModel()
        self.matches = list(matches)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.matches)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ["#", self.tr("Standard question"), self.tr("Category"), self.tr("Similarity")][section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.matches[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [str(index.row() + 1), m.standard_question, m.category, None][col]
        if role == SCORE_ROLE and col == 3:
            return m.score
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.standard_question}\n{m.score:.4f}" + (f"\n\n{m.answer}" if m.answer else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in (0, 2):
            return QColor(MUTED)
        if role == Qt.ItemDataRole.FontRole and col == 1 and index.row() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class BatchTableModel(QAbstractTableModel):
    """One row per question of a batch test."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results: list = []
        self.expected: list[str] | None = None
        self.correct: list[bool] | None = None
        self.keys = ["query", "top", "score", "decision"]

    def set_results(self, results, expected, correct) -> None:
        self.beginResetModel()
        self.results, self.expected, self.correct = list(results), expected, correct
        self.keys = ["query", "expected", "top", "score", "decision", "right"] if expected is not None \
            else ["query", "top", "score", "decision"]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.results)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.keys)

    def score_column(self) -> int:
        return self.keys.index("score")

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return {"query": self.tr("Question"), "expected": self.tr("Expected"), "top": self.tr("Top match"),
                    "score": self.tr("Similarity"), "decision": self.tr("Decision"),
                    "right": self.tr("Right")}[self.keys[section]]
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        r = self.results[row]
        top = r.matches[0] if r.matches else None
        key = self.keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "query":
                return r.query
            if key == "expected":
                return self.expected[row] or self.tr("(no match)")
            if key == "top":
                return top.standard_question if top else ""
            if key == "decision":
                return decision_name(r.decision)
            if key == "right":
                return "✓" if self.correct[row] else "✗"
            return None
        if role == SCORE_ROLE and key == "score":
            return top.score if top else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "decision":
                return QColor(DECISION_COLORS.get(r.decision, TEXT))
            if key == "right":
                return QColor(ANSWER if self.correct[row] else NO_MATCH)
            if key == "expected" and not self.expected[row]:
                return QColor(SUBTLE)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("decision", "right"):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and top is not None:
            return "\n".join(f"{m.score:.3f}  {m.standard_question}" for m in r.matches)
        return None
