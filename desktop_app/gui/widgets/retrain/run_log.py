"""The retrain's log lines, behind a "Details" toggle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QVBoxLayout, QWidget


class RunLog(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        self.toggle = QToolButton()
        self.toggle.setText(self.tr("Details"))
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self._toggle)
        lay.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.view = QPlainTextEdit()
        self.view.setObjectName("log")
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(2000)
        self.view.setMaximumHeight(120)
        self.view.setVisible(False)
        lay.addWidget(self.view)

    def _toggle(self, on: bool) -> None:
        self.view.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def append(self, elapsed: float, message: str) -> None:
        self.view.appendPlainText(f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}")

    def clear(self) -> None:
        self.view.clear()
