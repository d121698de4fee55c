"""The application's look: Fusion with a light palette and one style sheet, so every panel
(ours and those embedded from other modules) shares the same spacing, colours and corners."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ..paths import resource

PRIMARY = "#1677ff"
TEXT = "#1f2329"
MUTED = "#646a73"
BORDER = "#e5e6eb"
BACKGROUND = "#f5f7fa"
SELECTED = "#e8f1ff"
WARNING = "#d46b08"
SUCCESS = "#389e0d"

STYLE_SHEET = """
QMainWindow, QDialog {{ background: {BACKGROUND}; }}
QToolBar {{ background: #ffffff; border: none; border-bottom: 1px solid {BORDER}; padding: 6px 10px; spacing: 6px; }}
QToolBar QLabel {{ color: {MUTED}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 6px; padding: 4px 8px; }}
QToolButton:hover {{ background: #f0f2f5; border-color: {BORDER}; }}
QToolButton:disabled {{ color: #b0b3b8; }}
QStatusBar {{ background: #ffffff; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar::item {{ border: none; }}
QFrame#card {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 8px; }}
QLabel#title {{ font-size: 15px; font-weight: 600; color: {TEXT}; }}
QLabel#hint, QLabel#meta {{ color: {MUTED}; }}
QTableView, QListView, QTreeView, QTableWidget {{
    background: #ffffff; border: 1px solid {BORDER}; border-radius: 6px;
    selection-background-color: {SELECTED}; selection-color: {TEXT};
    alternate-background-color: #fafbfc; gridline-color: #f0f1f3; }}
QHeaderView::section {{ background: #fafafa; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px 8px; color: {MUTED}; font-weight: 600; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox {{
    background: #ffffff; border: 1px solid #d0d3d9; border-radius: 6px; padding: 5px 8px;
    selection-background-color: {PRIMARY}; }}
QComboBox {{ background: #ffffff; border: 1px solid #d0d3d9; border-radius: 6px; padding: 4px 8px; min-height: 20px; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus {{ border-color: {PRIMARY}; }}
QPushButton {{ background: #ffffff; border: 1px solid #d0d3d9; border-radius: 6px; padding: 6px 14px; color: {TEXT}; }}
QPushButton:hover {{ border-color: {PRIMARY}; color: {PRIMARY}; }}
QPushButton:pressed {{ background: {SELECTED}; }}
QPushButton:disabled {{ color: #b0b3b8; background: #f5f5f5; border-color: {BORDER}; }}
QPushButton[primary="true"] {{ background: {PRIMARY}; border-color: {PRIMARY}; color: #ffffff; }}
QPushButton[primary="true"]:hover {{ background: #4096ff; border-color: #4096ff; color: #ffffff; }}
QPushButton[primary="true"]:disabled {{ background: #a6c8ff; border-color: #a6c8ff; color: #ffffff; }}
QPushButton[danger="true"]:hover {{ border-color: #ff4d4f; color: #ff4d4f; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {BORDER}; background: #ffffff; }}
QTabBar::tab {{ padding: 8px 18px; background: transparent; border: none;
    border-bottom: 2px solid transparent; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {PRIMARY}; border-bottom: 2px solid {PRIMARY}; }}
QTabBar::tab:hover {{ color: {PRIMARY}; }}
QSplitter::handle {{ background: {BACKGROUND}; }}
QLabel#badge {{ border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel#badge[state="fresh"] {{ background: #f6ffed; color: {SUCCESS}; border: 1px solid #b7eb8f; }}
QLabel#badge[state="stale"] {{ background: #fff7e6; color: {WARNING}; border: 1px solid #ffd591; }}
QLabel#badge[state="base"] {{ background: #f0f5ff; color: #1d39c4; border: 1px solid #adc6ff; }}
QLabel#pending {{ border-radius: 10px; padding: 2px 10px; margin-right: 6px; background: #fff7e6; color: {WARNING};
    border: 1px solid #ffd591; }}
QLabel#pending:hover {{ border-color: {WARNING}; }}
QLabel#badge[state="none"] {{ background: #f5f5f5; color: {MUTED}; border: 1px solid {BORDER}; }}
QCheckBox {{ spacing: 6px; }}
QComboBox::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url("{chevron}"); width: 12px; height: 12px; }}
QComboBox QAbstractItemView {{ border: 1px solid {BORDER}; selection-background-color: {SELECTED};
    selection-color: {TEXT}; outline: none; padding: 4px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: #d0d3d9; border-radius: 3px; min-height: 32px; }}
QScrollBar::handle:horizontal {{ background: #d0d3d9; border-radius: 3px; min-width: 32px; }}
QScrollBar::handle:hover {{ background: #a9aeb8; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QMenuBar {{ background: #ffffff; }}
QMenu {{ background: #ffffff; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 6px 24px 6px 12px; border-radius: 4px; }}
QMenu::item:selected {{ background: {SELECTED}; color: {TEXT}; }}
QToolTip {{ background: #1f2329; color: #ffffff; border: none; padding: 6px 8px; border-radius: 4px; }}
"""


def style_sheet() -> str:
    chevron = resource("icons", "chevron-down.svg").as_posix()
    return STYLE_SHEET.format(chevron=chevron, **{k: v for k, v in globals().items() if k.isupper()})


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, BACKGROUND), (QPalette.ColorRole.Base, "#ffffff"),
                        (QPalette.ColorRole.AlternateBase, "#fafbfc"), (QPalette.ColorRole.Text, TEXT),
                        (QPalette.ColorRole.WindowText, TEXT), (QPalette.ColorRole.ButtonText, TEXT),
                        (QPalette.ColorRole.Button, "#ffffff"), (QPalette.ColorRole.Highlight, PRIMARY),
                        (QPalette.ColorRole.HighlightedText, "#ffffff"),
                        (QPalette.ColorRole.PlaceholderText, "#a0a4ab"), (QPalette.ColorRole.Link, PRIMARY)):
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    font = QFont(app.font())
    # CJK-capable families first; Qt falls back per glyph when one is missing.
    font.setFamilies(["Microsoft YaHei UI", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
                      "Source Han Sans SC", "WenQuanYi Micro Hei", font.family()])
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setStyleSheet(style_sheet())
