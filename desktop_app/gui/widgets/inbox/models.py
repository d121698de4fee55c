"""The inbox tab's tables: the groups (ranked as the core ranks them), one group's texts, and the
standard questions nearest to it; and the delegate that tags near ties."""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...style import MUTED, NO_MATCH, SUBTLE, SUGGEST, WARNING, WARNING_BG, WARNING_BORDER
from ..score_bar import SCORE_ROLE

TIE_ROLE = Qt.ItemDataRole.UserRole + 2   # bool: the group is a near tie
ID_ROLE = Qt.ItemDataRole.UserRole + 3    # the group id / the member's norm / the standard question id
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _when(ts: float) -> str:
    if not ts:
        return ""
    fmt = "%H:%M" if time.localtime(ts)[:3] == time.localtime()[:3] else "%m-%d %H:%M"
    return time.strftime(fmt, time.localtime(ts))


class GroupModel(QAbstractTableModel):
    """Open groups: representative (with a near-tie tag), messages, texts, top suggestion, its score."""

    QUESTION, MESSAGES, TEXTS, SUGGESTION, SCORE = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.groups: list = []

    def set_groups(self, groups: list) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.endResetModel()

    def group(self, row: int):
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def row_of(self, group_id: int) -> int:
        return next((i for i, g in enumerate(self.groups) if g.id == group_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("Consumers asked"), self.tr("Messages"), self.tr("Texts"), self.tr("Top suggestion"),
                    self.tr("Similarity")][section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole \
                and section in (self.MESSAGES, self.TEXTS):
            return RIGHT
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        g, col = self.groups[index.row()], index.column()
        top = g.nearest[0] if g.nearest else None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.QUESTION:
                return g.representative
            if col == self.MESSAGES:
                return str(g.count)
            if col == self.TEXTS:
                return str(len(g.members))
            if col == self.SUGGESTION:
                return top.text if top else "—"
            return None
        if role == SCORE_ROLE and col == self.SCORE and top is not None:
            return top.score
        if role == TIE_ROLE:
            return g.near_tie
        if role == ID_ROLE:
            return g.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.MESSAGES, self.TEXTS):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == self.SUGGESTION:
            return QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.QUESTION:
                shown = "\n".join(f"{m.count}× {m.text}" for m in g.members[:12])
                more = "\n…" if len(g.members) > 12 else ""
                tie = ("\n\n" + self.tr("Near tie: the top two standard questions score almost the same; "
                                        "your decision here teaches the model most.")) if g.near_tie else ""
                return shown + more + tie
            if col == self.SUGGESTION and g.nearest:
                return "\n".join(f"{s.score:.3f}  {s.text}" for s in g.nearest)
        return None


class TieTagDelegate(QStyledItemDelegate):
    """The representative, with a small "near tie" tag at its right end when the group is one."""

    def __init__(self, label: str, parent=None) -> None:
        super().__init__(parent)
        self.label = label

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not index.data(TIE_ROLE):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        metrics = QFontMetrics(opt.font)
        tag_w = metrics.horizontalAdvance(self.label) + 14
        text_rect = opt.rect.adjusted(0, 0, -(tag_w + 10), 0)
        opt.text = metrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, max(10, text_rect.width() - 10))
        style = opt.widget.style() if opt.widget else QApplication.style()
        saved = opt.rect
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        opt.rect = text_rect
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        h = metrics.height() + 4
        tag = QRectF(saved.right() - tag_w - 6, saved.center().y() - h / 2 + 1, tag_w, h)
        painter.setPen(QColor(WARNING_BORDER))
        painter.setBrush(QColor(WARNING_BG))
        painter.drawRoundedRect(tag, h / 2, h / 2)
        painter.setPen(QColor(WARNING))
        painter.drawText(tag, int(Qt.AlignmentFlag.AlignCenter), self.label)
        painter.restore()


class MemberModel(QAbstractTableModel):
    """One group's texts, most asked first: text, how often, why it is here, when last asked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.members: list = []

    def set_members(self, members: list) -> None:
        self.beginResetModel()
        self.members = list(members)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("Text"), self.tr("Times"), self.tr("Why here"), self.tr("Last asked")][section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section == 1:
            return RIGHT
        return None

    def why(self, m) -> str:
        parts = []
        if m.no_match:
            parts.append(self.tr("no match"))
        if m.suggest:
            parts.append(self.tr("suggested"))
        if m.feedback:
            parts.append(self.tr("feedback"))
        return " · ".join(parts)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m, col = self.members[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [m.text, str(m.count), self.why(m), _when(m.last_ts)][col]
        if role == ID_ROLE:
            return m.norm
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            return QColor(NO_MATCH if m.no_match and not m.suggest else SUGGEST if m.suggest else MUTED)
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(SUBTLE)
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return self.tr("Not matched {a} times, only suggested {b} times, answered but marked unhelpful or "
                           "answered with another question {c} times").format(a=m.no_match, b=m.suggest, c=m.feedback)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return m.text
        return None


class NearestModel(QAbstractTableModel):
    """The standard questions nearest to a group: question, category, similarity (bar)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.nearest: list = []
        self.target_id: int | None = None  # the one "Add" adds to: shown in bold

    def set_nearest(self, nearest: list, target_id: int | None) -> None:
        self.beginResetModel()
        self.nearest = list(nearest)
        self.target_id = target_id
        self.endResetModel()

    def set_target(self, target_id: int | None) -> None:
        self.target_id = target_id
        if self.nearest:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.nearest) - 1, 2))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.nearest)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("Standard question"), self.tr("Category"), self.tr("Similarity")][section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s, col = self.nearest[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [s.text, s.category, None][col]
        if role == SCORE_ROLE and col == 2:
            return s.score
        if role == ID_ROLE:
            return s.id
        if role == Qt.ItemDataRole.FontRole and col == 0 and s.id == self.target_id:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return s.text
        return None
