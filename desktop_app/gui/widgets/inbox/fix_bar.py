"""The inbox's one-click fixes in a row: add as similar questions of ▾ (the top suggestion
preselected; the menu offers the other nearest ones and any standard question), new standard
question, matches nothing, ignore; and Undo. The panel decides what they apply to."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget

from ...icons import icon
from ...style import PRIMARY, PRIMARY_DISABLED, PRIMARY_HOVER, WHITE

ADD_STYLE = f"""
QToolButton#addButton {{ background: {PRIMARY}; color: {WHITE}; border: 1px solid {PRIMARY}; border-radius: 6px;
    padding: 6px 10px; padding-right: 24px; }}
QToolButton#addButton:hover {{ background: {PRIMARY_HOVER}; border-color: {PRIMARY_HOVER}; }}
QToolButton#addButton:disabled {{ background: {PRIMARY_DISABLED}; border-color: {PRIMARY_DISABLED}; }}
QToolButton#addButton::menu-button {{ border: none; border-left: 1px solid {PRIMARY_HOVER}; width: 20px; }}
"""
ELIDE = 14  # characters of a standard question shown on the Add button


def short(text: str, n: int = ELIDE) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class FixBar(QWidget):
    add_requested = Signal(int)   # the standard question the texts become similar questions of
    pick_requested = Signal()     # "another standard question…": the panel opens the picker
    new_requested = Signal()
    none_requested = Signal()
    ignore_requested = Signal()
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: tuple[int, str] | None = None
        self._listed: list | None = None  # the nearest standard questions the menu lists
        self.setStyleSheet(ADD_STYLE)
        self.scope_label = QLabel(objectName="hint")
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)
        self.add_button = QToolButton(objectName="addButton")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_menu = QMenu(self.add_button)
        self.add_button.setMenu(self.add_menu)
        self.add_button.clicked.connect(self._add_clicked)
        self.new_button = QPushButton(icon("plus"), self.tr("New standard question"))
        self.new_button.setToolTip(self.tr("The group's representative becomes a new standard question and its other "
                                           "texts its similar questions; the answer is left for you to write."))
        self.new_button.clicked.connect(self.new_requested)
        self.none_button = QPushButton(self.tr("Matches nothing"))
        self.none_button.setToolTip(self.tr("These texts match no standard question: they become the shop's "
                                            "negatives, are never answered, and later texts like them are not "
                                            "shown again."))
        self.none_button.clicked.connect(self.none_requested)
        self.ignore_button = QPushButton(self.tr("Ignore"))
        self.ignore_button.setToolTip(self.tr("Take them out of the inbox without changing the shop; later texts "
                                              "like them are not shown again."))
        self.ignore_button.clicked.connect(self.ignore_requested)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.clicked.connect(self.undo_requested)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(6)
        for w in (self.add_button, self.new_button, self.none_button, self.ignore_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        col.addWidget(self.scope_label)
        col.addLayout(buttons)
        self.set_scope("", [], None, enabled=False, can_new=False)
        self.set_undo(None, False)

    # -- state, set by the panel --------------------------------------------------------------
    def set_scope(self, scope: str, nearest: list, target: tuple[int, str] | None, *, enabled: bool,
                  can_new: bool) -> None:
        """What a fix applies to (in words), the nearest standard questions for the menu, the preselected one."""
        self.scope_label.setText(scope)
        listed = [(s.id, s.score) for s in nearest]
        if listed != self._listed or not self.add_menu.actions():  # not while one of its actions is handled
            self._listed = listed
            for action in self.add_menu.actions():
                self.add_menu.removeAction(action)
                action.deleteLater()
            for s in nearest:
                action = self.add_menu.addAction(f"{s.text}    {s.score:.3f}")
                action.triggered.connect(lambda _c=False, i=s.id, t=s.text: self.choose(i, t))
            if nearest:
                self.add_menu.addSeparator()
            self.add_menu.addAction(self.tr("Another standard question…")).triggered.connect(self.pick_requested)
        self.set_target(target)
        for w in (self.add_button, self.none_button, self.ignore_button):
            w.setEnabled(enabled)
        self.new_button.setEnabled(enabled and can_new)

    def set_target(self, target: tuple[int, str] | None) -> None:
        self.target = target
        if target is None:
            self.add_button.setText(self.tr("Add as similar questions of…"))
            self.add_button.setToolTip(self.tr("Choose the standard question they are ways of asking"))
        else:
            self.add_button.setText(self.tr("Add as similar questions of “{q}”").format(q=short(target[1])))
            self.add_button.setToolTip(self.tr("Add them as similar questions of “{q}”: matched at once, before any "
                                               "retraining. The arrow picks another standard question.").format(
                q=target[1]))

    def choose(self, standard_id: int, text: str) -> None:
        """A standard question chosen from the menu or the picker: it becomes the target, and the texts go."""
        self.set_target((standard_id, text))
        self.add_requested.emit(standard_id)

    def set_undo(self, last_fix: dict | None, enabled: bool) -> None:
        self.undo_button.setEnabled(enabled and last_fix is not None)
        if last_fix is None:
            self.undo_button.setToolTip(self.tr("Nothing to undo"))
        else:
            self.undo_button.setToolTip(self.tr("Undo the last fix ({what}, %n text(s)) (Ctrl+Z)", "",
                                                last_fix["texts"]).format(what=self.kind_name(last_fix["kind"])))

    def kind_name(self, kind: str) -> str:
        return {"add": self.tr("added as similar questions"), "new": self.tr("new standard question"),
                "none": self.tr("matches nothing"), "ignore": self.tr("ignored")}.get(kind, kind)

    def result_text(self, r, added_to: str, created: str) -> str:
        """What a fix (or an undo) did, in a sentence (rich text: a new question links to the editor)."""
        held = self.tr(" %n held back as test questions.", "", r.held_back) if r.held_back else ""
        if r.kind == "add":
            text = self.tr("Added %n text(s) as similar questions of “{q}”; they are matched at once.", "",
                           r.done).format(q=escape(added_to)) + held
        elif r.kind == "new":
            text = self.tr("New standard question “{q}” with %n similar question(s); its answer is still to be "
                           "written.", "", max(r.done - 1, 0)).format(q=escape(created)) + held \
                + f" <a href='{r.standard_id}'>" + self.tr("Write it now") + "</a>"
        elif r.kind == "none":
            text = self.tr("Marked %n text(s) as matching nothing.", "", r.done) + held
        elif r.kind == "ignore":
            text = self.tr("Ignored %n text(s).", "", r.done)
        else:
            text = self.tr("Undone: %n text(s) are back in the inbox.", "", r.done)
        if r.skipped:
            text += " " + self.tr("%n skipped: {why}", "", len(r.skipped)).format(why=escape(r.skipped[0][1]))
        if r.kind != "undo":
            text += " " + self.tr("(Ctrl+Z undoes it)")
        return text

    def _add_clicked(self) -> None:
        if self.target is None:
            self.pick_requested.emit()
        else:
            self.add_requested.emit(self.target[0])
