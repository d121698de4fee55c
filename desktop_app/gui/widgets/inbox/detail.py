"""One group in detail, under the inbox's list: what consumers asked (its texts, with counts; select
some to fix only those) beside the standard questions nearest to it (click: the one Add adds to)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from ..query.tables import setup_table
from ..score_bar import ScoreBarDelegate
from .models import MemberModel, NearestModel


def table_view(model, selection=QAbstractItemView.SelectionMode.ExtendedSelection) -> QTableView:
    table = QTableView()
    table.setModel(model)
    setup_table(table)
    table.setSelectionMode(selection)
    table.verticalHeader().setDefaultSectionSize(30)
    return table


class GroupDetail(QSplitter):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setChildrenCollapsible(False)
        self.members = MemberModel(self)
        self.member_table = table_view(self.members)
        header = self.member_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 64), (2, 120), (3, 96)):
            header.resizeSection(col, width)
        self.nearest = NearestModel(self)
        self.nearest_table = table_view(self.nearest, QAbstractItemView.SelectionMode.SingleSelection)
        self.nearest_delegate = ScoreBarDelegate(self.nearest_table)
        self.nearest_table.setItemDelegateForColumn(2, self.nearest_delegate)
        header = self.nearest_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 90)
        header.resizeSection(2, 140)
        self.nearest_table.setToolTip(self.tr("Click: add to this one. Double-click: open it in the editor."))
        for title, table in ((self.tr("What consumers asked (select texts to fix only those)"), self.member_table),
                             (self.tr("Nearest standard questions"), self.nearest_table)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(4)
            lay.addWidget(QLabel(title, objectName="hint"))
            lay.addWidget(table, 1)
            self.addWidget(box)
        self.setSizes([500, 400])
