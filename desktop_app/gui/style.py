"""The application's look: Fusion with a light palette and one style sheet, so every panel
(ours and those embedded from other modules) shares the same spacing, colours and corners."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ..paths import resource

# The palette: every colour of the GUI by name (style sheets, painted cells, plots, rich text).
WHITE = "#ffffff"
PRIMARY = "#1677ff"
PRIMARY_HOVER = "#4096ff"
PRIMARY_DISABLED = "#a6c8ff"
TEXT = "#1f2329"
TEXT_SECONDARY = "#4e5969"  # log text, neutral icons
MUTED = "#646a73"
SUBTLE = "#8f959e"          # placeholders, empty values, inactive chips
SUBTLE_ALT = "#8a9099"      # secondary line of a list item
FAINT = "#a0a4ab"           # disabled items, placeholder text
DISABLED = "#b0b3b8"
QUIET = "#c9cdd4"           # idle pill, step arrows
BORDER = "#e5e6eb"
INPUT_BORDER = "#d0d3d9"
SCROLL_HOVER = "#a9aeb8"
GRIDLINE = "#f0f1f3"
BACKGROUND = "#f5f7fa"
SURFACE_ALT = "#fafbfc"     # alternate rows, read-only text boxes
SURFACE_SUNKEN = "#f7f8fa"
HEADER = "#fafafa"
HOVER = "#f0f2f5"
CHIP = "#f2f3f5"
GREY = "#f5f5f5"
SELECTED = "#e8f1ff"
DANGER = "#ff4d4f"
ACCENT = "#fa8c16"          # the second curve of a plot (validation accuracy)
SUCCESS = "#389e0d"
SUCCESS_BG = "#f6ffed"
SUCCESS_BORDER = "#b7eb8f"
WARNING = "#d46b08"
WARNING_STRONG = "#874d00"
WARNING_BG = "#fff7e6"
WARNING_BORDER = "#ffd591"
ERROR = "#cf1322"
ERROR_BG = "#fff1f0"
ERROR_BORDER = "#ffa39e"
INFO = "#1d39c4"
INFO_BG = "#f0f5ff"
INFO_BORDER = "#adc6ff"
# The query decisions and the score bars.
ANSWER = SUCCESS
SUGGEST = "#d48806"
NO_MATCH = ERROR
TRACK = "#eef0f3"
NEUTRAL = "#8c96a5"
DECISION_COLORS = {"answer": ANSWER, "suggest": SUGGEST, "no_match": NO_MATCH}

STYLE_SHEET = """
QMainWindow, QDialog {{ background: {BACKGROUND}; }}
QToolBar {{ background: {WHITE}; border: none; border-bottom: 1px solid {BORDER}; padding: 6px 10px; spacing: 6px; }}
QToolBar QLabel {{ color: {MUTED}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 6px; padding: 4px 8px; }}
QToolButton:hover {{ background: {HOVER}; border-color: {BORDER}; }}
QToolButton:disabled {{ color: {DISABLED}; }}
QStatusBar {{ background: {WHITE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar::item {{ border: none; }}
QFrame#card {{ background: {WHITE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QLabel#title {{ font-size: 15px; font-weight: 600; color: {TEXT}; }}
QLabel#hint, QLabel#meta {{ color: {MUTED}; }}
QTableView, QListView, QTreeView, QTableWidget {{
    background: {WHITE}; border: 1px solid {BORDER}; border-radius: 6px;
    selection-background-color: {SELECTED}; selection-color: {TEXT};
    alternate-background-color: {SURFACE_ALT}; gridline-color: {GRIDLINE}; }}
QHeaderView::section {{ background: {HEADER}; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px 8px; color: {MUTED}; font-weight: 600; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox {{
    background: {WHITE}; border: 1px solid {INPUT_BORDER}; border-radius: 6px; padding: 5px 8px;
    selection-background-color: {PRIMARY}; }}
QComboBox {{ background: {WHITE}; border: 1px solid {INPUT_BORDER}; border-radius: 6px; padding: 4px 8px; min-height: 20px; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus {{ border-color: {PRIMARY}; }}
QPushButton {{ background: {WHITE}; border: 1px solid {INPUT_BORDER}; border-radius: 6px; padding: 6px 14px; color: {TEXT}; }}
QPushButton:hover {{ border-color: {PRIMARY}; color: {PRIMARY}; }}
QPushButton:pressed {{ background: {SELECTED}; }}
QPushButton:disabled {{ color: {DISABLED}; background: {GREY}; border-color: {BORDER}; }}
QPushButton[primary="true"] {{ background: {PRIMARY}; border-color: {PRIMARY}; color: {WHITE}; }}
QPushButton[primary="true"]:hover {{ background: {PRIMARY_HOVER}; border-color: {PRIMARY_HOVER}; color: {WHITE}; }}
QPushButton[primary="true"]:disabled {{ background: {PRIMARY_DISABLED}; border-color: {PRIMARY_DISABLED}; color: {WHITE}; }}
QPushButton[danger="true"]:hover {{ border-color: {DANGER}; color: {DANGER}; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {BORDER}; background: {WHITE}; }}
QTabBar::tab {{ padding: 8px 18px; background: transparent; border: none;
    border-bottom: 2px solid transparent; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {PRIMARY}; border-bottom: 2px solid {PRIMARY}; }}
QTabBar::tab:hover {{ color: {PRIMARY}; }}
QSplitter::handle {{ background: {BACKGROUND}; }}
QLabel#badge {{ border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel#badge[state="fresh"] {{ background: {SUCCESS_BG}; color: {SUCCESS}; border: 1px solid {SUCCESS_BORDER}; }}
QLabel#badge[state="stale"] {{ background: {WARNING_BG}; color: {WARNING}; border: 1px solid {WARNING_BORDER}; }}
QLabel#badge[state="base"] {{ background: {INFO_BG}; color: {INFO}; border: 1px solid {INFO_BORDER}; }}
QLabel#pending {{ border-radius: 10px; padding: 2px 10px; margin-right: 6px; background: {WARNING_BG}; color: {WARNING};
    border: 1px solid {WARNING_BORDER}; }}
QLabel#pending:hover {{ border-color: {WARNING}; }}
QLabel#badge[state="none"] {{ background: {GREY}; color: {MUTED}; border: 1px solid {BORDER}; }}
QCheckBox {{ spacing: 6px; }}
QComboBox::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url("{chevron}"); width: 12px; height: 12px; }}
QComboBox QAbstractItemView {{ border: 1px solid {BORDER}; selection-background-color: {SELECTED};
    selection-color: {TEXT}; outline: none; padding: 4px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {INPUT_BORDER}; border-radius: 3px; min-height: 32px; }}
QScrollBar::handle:horizontal {{ background: {INPUT_BORDER}; border-radius: 3px; min-width: 32px; }}
QScrollBar::handle:hover {{ background: {SCROLL_HOVER}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QMenuBar {{ background: {WHITE}; }}
QMenu {{ background: {WHITE}; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 6px 24px 6px 12px; border-radius: 4px; }}
QMenu::item:selected {{ background: {SELECTED}; color: {TEXT}; }}
QToolTip {{ background: {TEXT}; color: {WHITE}; border: none; padding: 6px 8px; border-radius: 4px; }}
"""


def style_sheet() -> str:
    chevron = resource("icons", "chevron-down.svg").as_posix()
    return STYLE_SHEET.format(chevron=chevron, **{k: v for k, v in globals().items() if k.isupper()})


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, BACKGROUND), (QPalette.ColorRole.Base, WHITE),
                        (QPalette.ColorRole.AlternateBase, SURFACE_ALT), (QPalette.ColorRole.Text, TEXT),
                        (QPalette.ColorRole.WindowText, TEXT), (QPalette.ColorRole.ButtonText, TEXT),
                        (QPalette.ColorRole.Button, WHITE), (QPalette.ColorRole.Highlight, PRIMARY),
                        (QPalette.ColorRole.HighlightedText, WHITE),
                        (QPalette.ColorRole.PlaceholderText, FAINT), (QPalette.ColorRole.Link, PRIMARY)):
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    font = QFont(app.font())
    # CJK-capable families first; Qt falls back per glyph when one is missing.
    font.setFamilies(["Microsoft YaHei UI", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
                      "Source Han Sans SC", "WenQuanYi Micro Hei", font.family()])
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setStyleSheet(style_sheet())


def set_state(widget, state: str) -> None:
    """Set the "state" property style sheets select on, and re-polish so the new look applies."""
    widget.setProperty("state", state)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def card(*widgets):
    """A white rounded panel (QFrame#card in the style sheet) holding widgets stacked vertically."""
    from PySide6.QtWidgets import QFrame, QVBoxLayout

    frame = QFrame(objectName="card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 14, 16, 14)
    layout.setSpacing(10)
    for w in widgets:
        layout.addWidget(w)
    return frame
