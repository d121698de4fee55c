"""Similarity scores drawn as bars, with the decision thresholds marked on them.

Cosine scores of a sentence encoder bunch up near the top (an untuned e5 rarely goes below 0.7),
so a bar spans [floor, 1] rather than [0, 1]: `ScoreScale` picks the floor from the thresholds,
once per model, so bars stay comparable from one query to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..style import ANSWER, DECISION_COLORS, NEUTRAL, NO_MATCH, SUGGEST, TEXT, TRACK  # noqa: F401

# The palette's decision colours under the names the dialogs import from here.
ANSWER_COLOR, SUGGEST_COLOR, NO_MATCH_COLOR, TRACK_COLOR, NEUTRAL_COLOR = ANSWER, SUGGEST, NO_MATCH, TRACK, NEUTRAL

SCORE_ROLE = Qt.ItemDataRole.UserRole + 1  # float score of the cell


@dataclass
class ScoreScale:
    answer: float = 0.9
    suggest: float = 0.8
    floor: float = 0.5

    @classmethod
    def from_thresholds(cls, thresholds: dict | None) -> "ScoreScale":
        thresholds = thresholds or {}
        answer = float(thresholds.get("answer", 0.9))
        suggest = min(float(thresholds.get("suggest", 0.8)), answer)
        floor = math.floor(max(0.0, min(suggest - 0.25, 0.9)) * 20) / 20  # a multiple of 0.05
        return cls(answer, suggest, floor)

    def fraction(self, score: float) -> float:
        return min(1.0, max(0.0, (score - self.floor) / max(1e-6, 1.0 - self.floor)))

    def color(self, score: float) -> str:
        if score >= self.answer:
            return ANSWER_COLOR
        if score >= self.suggest:
            return SUGGEST_COLOR
        return NEUTRAL_COLOR


class ScoreBarDelegate(QStyledItemDelegate):
    """Paints the float in SCORE_ROLE as a bar with the two threshold ticks and the value."""

    TEXT_WIDTH = 46

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.scale = ScoreScale()
        self.show_thresholds = True

    def set_scale(self, scale: ScoreScale) -> None:
        self.scale = scale

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, 30)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        score = index.data(SCORE_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        if score is None:
            return
        score = float(score)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = QRectF(opt.rect).adjusted(8, 0, -8, 0)
        bar_w = max(10.0, r.width() - self.TEXT_WIDTH)
        bar_h = min(10.0, r.height() * 0.36)
        top = r.center().y() - bar_h / 2
        track = QRectF(r.left(), top, bar_w, bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TRACK_COLOR))
        painter.drawRoundedRect(track, bar_h / 2, bar_h / 2)
        fill_w = bar_w * self.scale.fraction(score)
        if fill_w > 0.5:
            painter.setBrush(QColor(self.scale.color(score)))
            painter.drawRoundedRect(QRectF(track.left(), top, max(fill_w, bar_h), bar_h), bar_h / 2, bar_h / 2)
        if self.show_thresholds:
            for value, color in ((self.scale.suggest, SUGGEST_COLOR), (self.scale.answer, ANSWER_COLOR)):
                x = track.left() + bar_w * self.scale.fraction(value)
                pen = QPen(QColor(color))
                pen.setWidthF(2.0)
                painter.setPen(pen)
                painter.drawLine(QPointF(x, top - 4), QPointF(x, top + bar_h + 4))
        font = QFont(opt.font)
        font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", *font.families()])
        font.setPointSizeF(max(8.0, opt.font.pointSizeF() - 0.5))
        painter.setFont(font)
        painter.setPen(QColor(TEXT))
        text_rect = QRectF(track.right() + 6, r.top(), self.TEXT_WIDTH - 6, r.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), f"{score:.3f}")
        painter.restore()
