"""The inbox in the main window: its tab (收件箱), its count in the status bar (a click opens the
tab), File ▸ Import chat log…, the retrain panel's "from the inbox since training" line, and what
a fix changes in the question list and the editor. Kept apart so main_window.py stays a builder
of under 500 lines; the window makes one `InboxWiring(self)` and calls its `shutdown()`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu

from .icons import icon
from .style import INFO, INFO_BG, INFO_BORDER
from .widgets.inbox import InboxPanel

COUNT_STYLE = (f"QLabel#inboxCount {{ border-radius: 10px; padding: 2px 10px; margin-right: 6px; "
               f"background: {INFO_BG}; color: {INFO}; border: 1px solid {INFO_BORDER}; }}"
               f"QLabel#inboxCount:hover {{ border-color: {INFO}; }}")


class InboxWiring(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = InboxPanel(window.store, window.query_panel.matchers)
        self.tab_index = window.tabs.addTab(self.panel, icon("inbox"), self.tr("Inbox"))
        self.dialog = None  # the open chat-log import dialog

        self.count_label = QLabel(objectName="inboxCount")
        self.count_label.setStyleSheet(COUNT_STYLE)
        self.count_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.count_label.setToolTip(self.tr("Open the inbox"))
        self.count_label.installEventFilter(self)
        self.count_label.hide()
        # Between the question counts and "to review" (the bar holds: serve switch, counts, to review, model).
        window.statusBar().insertPermanentWidget(2, self.count_label)

        self.import_action = QAction(icon("import"), self.tr("Import chat log…"), window)
        self.import_action.setToolTip(self.tr("Import a chat export of the shop platform: what consumers asked "
                                              "lands in the inbox"))
        self.import_action.triggered.connect(lambda: self.import_chat_log())
        menu = next((m for m in window.findChildren(QMenu) if window.import_action in m.actions()), None)
        if menu is not None:
            menu.insertAction(window.export_action, self.import_action)
        window.shop_actions.append(self.import_action)

        window.shop_bar.shop_changed.connect(self.panel.set_shop)
        self.panel.counts_changed.connect(self._show_counts)
        self.panel.store_changed.connect(self._store_changed)
        self.panel.learnt_changed.connect(window.retrain_panel.summary.set_from_inbox)
        self.panel.question_requested.connect(window.open_question)
        self.panel.import_requested.connect(lambda: self.import_chat_log())

    def open_tab(self) -> None:
        self.window.tabs.setCurrentWidget(self.panel)

    def import_chat_log(self, path=None):
        """Ask for a chat export (unless given), then the import dialog on it; the inbox updates after."""
        from .widgets.chatlog_import_dialog import ChatLogImportDialog

        shop_id = self.window.shop_id()
        if shop_id is None:
            return None
        if path is None and (path := ChatLogImportDialog.choose_file(self.window)) is None:
            return None
        dialog = ChatLogImportDialog(self.window.store, shop_id, self.panel.matchers, self.window)
        dialog.imported.connect(lambda _summary: self.panel.refresh())
        dialog.accepted.connect(self.open_tab)
        dialog.finished.connect(self._dialog_closed)
        dialog.open_file(path)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def _show_counts(self, counts) -> None:
        n = counts.groups if counts is not None else 0
        self.count_label.setText(self.tr("Inbox: %n group(s)", "", n))
        if counts is not None:
            self.count_label.setToolTip(self.tr("{t} texts, {m} messages the model did not answer. Open the inbox")
                                        .format(t=counts.texts, m=counts.messages))
        self.count_label.setVisible(n > 0)
        self.window.tabs.setTabText(self.tab_index, self.tr("Inbox") + (f" {n}" if n else ""))

    def _store_changed(self, kind: str, standard_id) -> None:
        """A fix or an undo changed the shop: the question list, the editor and the counts follow."""
        w = self.window
        if kind == "add" and standard_id is not None:
            w._similars_changed([standard_id])
            w.similars.set_standard(w.questions.current())
        elif kind in ("new", "undo"):  # a standard question came or went; an undo may take similar ones
            w._generated()
        else:  # negatives: no question changes, the model badge may
            w.refresh_status()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.count_label and event.type() == QEvent.Type.MouseButtonRelease:
            self.open_tab()
            return True
        return super().eventFilter(obj, event)

    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.jobs.cancel_and_wait(30000)  # an import stops after its batch; what it logged stays
        self.panel.shutdown()
