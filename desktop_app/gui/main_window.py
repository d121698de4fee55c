"""The main window: builds the panels and wires their signals. No business logic lives here.

Left: the standard questions. Right: tabs for editing a question, testing queries, the model, the inbox.
The status bar says how far the active model lags behind the shop's edits.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMainWindow, QMessageBox, QPushButton, QSizePolicy,
                               QSplitter, QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from .. import __version__
from ..core.services.versions import edits_since_training
from ..core.store import Store, StoreError
from . import i18n, inbox_wiring, window_settings
from .icons import icon
from .messages import confirm, show_error
from .style import PRIMARY, card, set_state
from .widgets.augment_dialog import AugmentDialog
from .widgets.import_dialog import ImportDialog, export_shop
from .widgets.query_panel import QueryPanel
from .widgets.question_form import QuestionForm
from .widgets.question_list import QuestionList
from .widgets.retrain_panel import RetrainPanel, preload_plot_and_retrain
from .widgets.review_dialog import ReviewDialog
from .widgets.serve_switch import ServeSwitch
from .widgets.shop_bar import ShopBar
from .widgets.similar_table import SimilarTable


PRELOAD_DELAY_MS = 1000


class MainWindow(QMainWindow):
    language_requested = Signal(str)  # app.py rebuilds the window in the new language

    EDITOR_TAB, TEST_TAB, MODEL_TAB = range(3)

    def __init__(self, store: Store, parent=None, *, remember: bool = True, build_models: bool = True):
        super().__init__(parent)
        self.store = store
        self.remember = remember  # False: neither restore nor save window state (screenshots, tests)
        # False: the query panel only opens a model that already exists, never builds the untuned
        # one (a minute the first time): screenshots must take seconds.
        self.build_models = build_models
        self.setWindowTitle("StandardQ")
        self.resize(1280, 800)

        self.shop_bar = ShopBar(store)
        self.shop_bar.can_delete = self._can_delete_shop
        self.questions = QuestionList(store)
        self.form = QuestionForm(store)
        self.similars = SimilarTable(store)
        self.query_panel = QueryPanel(store)
        self.retrain_panel = RetrainPanel(store)
        self.augment_dialog: AugmentDialog | None = None  # the open generation dialog, if any

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(16, 16, 16, 16)
        editor_layout.setSpacing(12)
        editor_layout.addWidget(card(self.form))
        editor_layout.addWidget(card(self.similars), 1)
        self.tabs.addTab(editor, icon("list"), self.tr("Questions"))
        self.tabs.addTab(self.query_panel, icon("chat"), self.tr("Test"))
        self.tabs.addTab(self.retrain_panel, icon("chip"), self.tr("Model"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.questions)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 900])
        self.splitter.setChildrenCollapsible(False)

        self.stack = QStackedWidget()  # page 0: welcome (no shop yet), page 1: the editor
        self.stack.addWidget(self._welcome_page())
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self._wire()
        self.inbox = inbox_wiring.InboxWiring(self)  # the Inbox tab, its status-bar count, File ▸ Import chat log…

        if remember:
            window_settings.restore_layout(self, self.splitter)
        self.shop_bar.reload(select_id=window_settings.last_shop(self.store.home) if remember else None)
        self.questions.view.setFocus()  # not the search box: its placeholder names the shortcut

    # -- construction ------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.import_action = QAction(icon("import"), self.tr("Import…"), self, shortcut=QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_file)
        self.export_action = QAction(icon("export"), self.tr("Export…"), self, shortcut=QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_file)
        self.quit_action = QAction(self.tr("Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.new_question_action = QAction(icon("plus"), self.tr("New standard question"), self,
                                           shortcut=QKeySequence.StandardKey.New)
        self.new_question_action.triggered.connect(self.questions.add_question)
        self.duplicate_action = QAction(icon("copy"), self.tr("Duplicate question"), self,
                                        shortcut=QKeySequence("Ctrl+D"))
        self.duplicate_action.triggered.connect(self.questions.duplicate_current)
        self.delete_question_action = QAction(self.tr("Delete question…"), self)
        self.delete_question_action.triggered.connect(self.questions.delete_current)
        self.find_action = QAction(icon("search"), self.tr("Find"), self, shortcut=QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.questions.focus_search)
        self.retrain_action = QAction(icon("refresh", PRIMARY), self.tr("Retrain"), self)
        self.retrain_action.setToolTip(self.tr("Fine-tune the model on the shop's questions"))
        self.retrain_action.triggered.connect(self.retrain)
        self.augment_action = QAction(icon("sparkle"), self.tr("Generate similar questions…"), self,
                                      shortcut=QKeySequence("Ctrl+G"))
        self.augment_action.setToolTip(self.tr("Generate similar questions with rules or an LLM, for review"))
        self.augment_action.triggered.connect(self.open_augment)
        self.review_action = QAction(icon("inbox"), self.tr("Review queue…"), self, shortcut=QKeySequence("Ctrl+R"))
        self.review_action.triggered.connect(self.open_review)
        self.versions_action = QAction(self.tr("Model versions…"), self)
        self.versions_action.triggered.connect(self.show_versions)
        self.settings_action = QAction(self.tr("Training settings…"), self)
        self.settings_action.triggered.connect(self.show_settings)
        self.about_action = QAction(self.tr("About StandardQ"), self)
        self.about_action.triggered.connect(self.show_about)
        self.stats_action = QAction(self.tr("Statistics…"), self)  # what the API served (widgets/stats_view.py)
        self.stats_action.triggered.connect(self.open_statistics)
        self.stats_view = None
        self.shop_actions = [self.import_action, self.export_action, self.new_question_action, self.duplicate_action,
                             self.delete_question_action, self.retrain_action, self.versions_action,
                             self.settings_action, self.augment_action, self.review_action, self.stats_action]

    def _build_toolbar(self) -> None:
        bar = self.addToolBar(self.tr("Main"))
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        brand = QLabel("  StandardQ  ")
        brand.setStyleSheet(f"font-size: 16px; font-weight: 700; color: {PRIMARY};")
        bar.addWidget(brand)
        bar.addSeparator()
        bar.addWidget(self.shop_bar)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.import_action)
        bar.addAction(self.export_action)
        bar.addSeparator()
        bar.addAction(self.augment_action)
        bar.addSeparator()
        bar.addAction(self.retrain_action)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        shop_menu = menu.addMenu(self.tr("&Shop"))
        shop_menu.addActions(self.shop_bar.actions_())
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.new_question_action, self.duplicate_action, self.delete_question_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.augment_action, self.review_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        model_menu = menu.addMenu(self.tr("&Model"))
        model_menu.addActions([self.retrain_action, self.versions_action, self.settings_action])
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addAction(self.stats_action)
        language_menu = view_menu.addMenu(self.tr("Language"))
        group = QActionGroup(self)
        chosen = i18n.chosen_language()
        for code, name in [("", self.tr("System default")), *i18n.LANGUAGES.items()]:
            action = QAction(name, self, checkable=True, checked=code == chosen)
            action.triggered.connect(lambda _checked, c=code: self.language_requested.emit(c))
            group.addAction(action)
            language_menu.addAction(action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self._counted_shop = None  # the shop whose question counts the status bar shows
        self.stats_label = QLabel()
        self.badge = QLabel(objectName="badge")
        self.badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.badge.installEventFilter(self)  # clicking the badge opens the Model tab
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.pending_label = QLabel(objectName="pending")
        self.pending_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.pending_label.setToolTip(self.tr("Open the review queue"))
        self.pending_label.installEventFilter(self)  # clicking it opens the review queue
        self.serve_switch = ServeSwitch(self.store.home)  # the matching API, in a child process
        bar.addPermanentWidget(self.serve_switch)
        bar.addPermanentWidget(self.stats_label)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.badge)

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.tr("Welcome to StandardQ"), objectName="title")
        title.setStyleSheet("font-size: 22px;")
        text = QLabel(self.tr("Create a shop, then add or import its standard questions and the ways "
                              "customers ask them. Or open the demo shop to look around."), objectName="hint")
        text.setWordWrap(True)
        new_shop = QPushButton(self.tr("New shop…"))
        new_shop.setProperty("primary", True)
        new_shop.clicked.connect(self.shop_bar.create_shop)
        demo = QPushButton(self.tr("Open the demo shop"))
        demo.clicked.connect(self.open_demo_shop)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new_shop)
        buttons.addWidget(demo)
        buttons.addStretch(1)
        box = card(title, text)
        box.layout().addSpacing(8)
        box.layout().addLayout(buttons)
        box.setFixedWidth(560)  # a fixed width lets the wrapped text get its full height
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        return page

    def _wire(self) -> None:
        self.shop_bar.shop_changed.connect(self.set_shop)
        self.questions.current_changed.connect(self._question_selected)
        self.questions.changed.connect(self._questions_changed)
        self.form.saved.connect(self._question_saved)
        self.similars.changed.connect(self._similars_changed)
        self.retrain_panel.model_changed.connect(self._model_changed)
        self.retrain_panel.question_requested.connect(self.open_question)
        self.retrain_panel.thresholds_changed.connect(self.query_panel.refresh_thresholds)
        self.query_panel.model_ready.connect(self.refresh_status)  # it may have built the untuned model

    # -- shop ----------------------------------------------------------------------------------------
    def shop_id(self) -> int | None:
        return self.shop_bar.current_id()

    def set_shop(self, shop_id: int | None) -> None:
        self.form.set_question(None)  # saves pending edits of the shop we leave
        self.stack.setCurrentIndex(0 if shop_id is None else 1)
        self.setWindowTitle(f"{self.shop_bar.combo.currentText()} — StandardQ" if shop_id is not None else "StandardQ")
        self.questions.set_shop(shop_id)
        self.form.set_categories(self.store.categories(shop_id) if shop_id is not None else [])
        if self.build_models or shop_id is None or self.store.active_version(shop_id) is not None:
            self.query_panel.set_shop(shop_id)
        self.retrain_panel.set_shop(shop_id)
        for action in self.shop_actions:
            action.setEnabled(shop_id is not None)
        self.questions.select_first()
        self.refresh_status()
        if self.stats_view is not None and shop_id is not None:
            self.stats_view.set_shop(shop_id, self.shop_bar.combo.currentText())
        if self.remember and shop_id is not None:
            window_settings.remember_shop(self.store.home, shop_id)

    def open_demo_shop(self) -> None:
        from ..core.demo import ensure_demo_shop

        try:
            shop, _ = ensure_demo_shop(self.store)
        except (StoreError, OSError) as exc:
            show_error(self, self.tr("Demo shop"), exc)
            return
        self.shop_bar.reload(select_id=shop.id)

    def _can_delete_shop(self, shop_id: int) -> bool:
        if self.retrain_panel.busy():
            QMessageBox.information(self, self.tr("Delete shop"),
                                    self.tr("A retrain is running. Cancel it or wait for it to end first."))
            return False
        return True

    # -- editing ----------------------------------------------------------------------------------------
    def _question_selected(self, sq) -> None:
        self.form.set_question(sq)
        self.similars.set_standard(sq)

    def open_question(self, standard_id: int) -> None:
        """Show a standard question in the editor (from the report or the data doctor)."""
        if self.questions.select(standard_id):
            self.tabs.setCurrentIndex(self.EDITOR_TAB)
            self.raise_()
            self.activateWindow()

    def _question_saved(self, sq) -> None:
        self.questions.refresh_question(sq.id)
        self.form.set_categories(self.store.categories(sq.shop_id))
        self.refresh_status()

    def _questions_changed(self) -> None:
        if self.shop_id() is not None:
            self.form.set_categories(self.store.categories(self.shop_id()))
        self.refresh_status()

    def _similars_changed(self, standard_ids) -> None:
        for standard_id in standard_ids:
            self.questions.refresh_question(standard_id)
        self.refresh_status()

    def _model_changed(self) -> None:
        self.query_panel.reload_model()
        # A new model changes no question; recounting would stall on a disk busy with the retrain.
        self.refresh_status(recount=False)

    # -- menu commands ------------------------------------------------------------------------------------
    def import_file(self, path=None) -> ImportDialog | None:
        """Ask for a file (unless given), then open the import dialog on it; the list reloads after."""
        if self.shop_id() is None:
            return None
        if path is None and (path := ImportDialog.choose_file(self)) is None:
            return None
        dialog = ImportDialog(self.store, self.shop_id(), self)
        dialog.imported.connect(self._imported)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open_file(path)
        dialog.open()
        return dialog

    def _imported(self, report) -> None:
        current = self.questions.current()
        self.set_shop(self.shop_id())
        if current is not None:
            self.questions.select(current.id)
        self.statusBar().showMessage(self.tr("Imported: {sq} standard and {sim} similar questions added").format(
            sq=report.added_standard, sim=report.added_similar), 8000)

    def export_file(self) -> None:
        if self.shop_id() is None:
            return
        self.form.save()
        target = export_shop(self, self.store, self.shop_id(), self.shop_bar.combo.currentText())
        if target is not None:
            self.statusBar().showMessage(self.tr("Exported to {path}").format(path=target), 8000)

    def retrain(self) -> None:
        self.form.save()
        self.tabs.setCurrentIndex(self.MODEL_TAB)
        if not self.retrain_panel.busy():
            self.retrain_panel.start_retrain()

    def open_augment(self) -> AugmentDialog | None:
        """The generation dialog on the selected, the listed or all standard questions (non-modal)."""
        if self.shop_id() is None:
            return None
        self.form.save()
        dialog = AugmentDialog(self.store, self.shop_id(), current=self.questions.current(),
                               listed_ids=self.questions.shown_ids(), matchers=self.query_panel.matchers, parent=self)
        dialog.generated.connect(self._generated)
        dialog.review_requested.connect(self.open_review)
        dialog.finished.connect(self._augment_closed)
        self.augment_dialog = dialog
        dialog.open()
        return dialog

    def _augment_closed(self) -> None:
        if self.augment_dialog is not None:
            self.augment_dialog.deleteLater()
            self.augment_dialog = None

    def _generated(self) -> None:
        current = self.questions.current()
        self.questions.set_shop(self.shop_id())  # similar counts of every question may have changed
        if current is not None:
            self.questions.select(current.id)
        self.similars.set_standard(self.questions.current())
        self.refresh_status()

    def open_review(self) -> ReviewDialog | None:
        if self.shop_id() is None:
            return None
        dialog = ReviewDialog(self.store, self.shop_id(), self)
        dialog.changed.connect(self._similars_changed)
        dialog.changed.connect(lambda _ids: self.similars.set_standard(self.questions.current()))
        dialog.finished.connect(dialog.deleteLater)
        self.review_dialog = dialog
        dialog.open()
        return dialog

    def show_versions(self) -> None:
        # The panel owns the dialog: it knows whether a retrain runs (then rollback is disabled)
        # and emits model_changed after an activation, which refreshes the badge and query panel.
        self.retrain_panel.open_versions()

    def show_settings(self) -> None:
        self.retrain_panel.open_settings()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About StandardQ"), self.tr(
            "<h3>StandardQ {version}</h3><p>Matches consumer questions to a shop's standard questions "
            "with a sentence encoder fine-tuned by an additive angular margin (ArcFace) loss.</p>"
            "<p>Everything runs on this computer; no question leaves it.</p>").format(version=__version__))

    # -- status bar ------------------------------------------------------------------------------------------
    def refresh_status(self, recount: bool = True) -> None:
        """Counts and the "model out of date" badge: edits since the active model was trained.
        recount=False keeps the question counts (nothing but the model changed)."""
        shop_id = self.shop_id()
        if shop_id is None:
            self.stats_label.clear()
            self.pending_label.hide()
            self.badge.hide()
            return
        if recount or self._counted_shop != shop_id:
            self._counted_shop = shop_id
            records = self.questions.model.records()
            pending = self.store.count_similars(shop_id, status="pending")
            self.pending_label.setText(self.tr("{n} to review").format(n=pending))
            self.pending_label.setVisible(pending > 0)
            self.stats_label.setText(self.tr("{sq} standard questions · {sim} similar questions").format(
                sq=len(records), sim=sum(r.similar_count for r in records)))
        shop = self.store.shop(shop_id)
        active = self.store.active_version(shop_id)
        edits = edits_since_training(active, shop.revision)
        if active is None:
            state, text = "none", self.tr("No model yet")
            tip = self.tr("The untuned base model is prepared in the background once the shop is open.")
        elif active.loss == "none":
            state, text = "base", self.tr("Untuned base model · retrain to fine-tune")
            tip = self.tr("%n edit(s) since this model was made", "", edits)
        elif edits > 0:
            state, text = "stale", self.tr("Model out of date: %n edit(s) since training", "", edits)
            tip = self.tr("New and edited questions are already matched; retrain to fine-tune on them.")
        else:
            state, text = "fresh", self.tr("Model up to date (v{id})").format(id=active.id)
            tip = ""
        self.badge.setText(text)
        self.badge.setToolTip(tip)
        set_state(self.badge, state)
        self.badge.show()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.badge and event.type() == QEvent.Type.MouseButtonRelease:
            self.tabs.setCurrentIndex(self.MODEL_TAB)
            return True
        if obj is self.pending_label and event.type() == QEvent.Type.MouseButtonRelease:
            self.open_review()
            return True
        return super().eventFilter(obj, event)

    # -- settings and closing ------------------------------------------------------------------------------------
    def save_settings(self) -> None:
        window_settings.save_layout(self, self.splitter)

    def shutdown(self) -> None:
        """Stop the background jobs (a cancelled retrain leaves the active model untouched)."""
        if self.retrain_panel.busy():
            self.retrain_panel.cancel_and_wait()
        if self.augment_dialog is not None:  # what a generation run saved so far stays saved
            self.augment_dialog.cancel_and_wait()
        self.query_panel.cancel_and_wait()
        self.inbox.shutdown()
        self.serve_switch.shutdown()  # stops the API server unless the operator chose to keep it

    def open_statistics(self):
        """View ▸ Statistics…: what the API served for the current shop (non-modal, one at a time)."""
        from .widgets.stats_view import StatsView

        if self.shop_id() is None:
            return None
        if self.stats_view is None:
            self.stats_view = StatsView(self.store.home, self.shop_id(), self.shop_bar.combo.currentText(), self)
            self.stats_view.question_requested.connect(self.open_question)
        else:
            self.stats_view.refresh()
        self.stats_view.show()
        self.stats_view.raise_()
        return self.stats_view

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        # The retrain plot's pyqtgraph import (~0.5 s) runs in a thread once the window is up, so
        # Retrain does not wait for it on the GUI thread; not sooner, to leave the first paint alone.
        QTimer.singleShot(PRELOAD_DELAY_MS, preload_plot_and_retrain)
        if self.remember and not getattr(self, "_serve_probed", False):  # a server kept from last time?
            self._serve_probed = True
            QTimer.singleShot(PRELOAD_DELAY_MS, self.serve_switch.probe_existing)

    def closeEvent(self, event) -> None:
        if self.retrain_panel.busy() and not confirm(self, self.tr("Retrain running"), self.tr(
                "A retrain is running. Cancel it and close? The current model stays active.")):
            event.ignore()
            return
        if self.augment_dialog is not None and self.augment_dialog.busy() and not confirm(
                self, self.tr("Generation running"), self.tr("Stop generating and close? What arrived so far is "
                                                             "kept.")):
            event.ignore()
            return
        self.form.set_question(None)  # saves pending edits (or says why it cannot)
        if self.remember:
            self.save_settings()
        self.hide()  # stopping a job can take seconds: the window goes at once, the process after
        self.shutdown()
        event.accept()
