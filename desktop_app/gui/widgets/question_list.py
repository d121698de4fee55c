"""The left panel: the shop's standard questions, searchable, filterable by category, with counts.

Rows are painted by a small delegate (question on top, category and similar count below), which
reads only the in-memory model: scrolling 5,000 rows never touches the database.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListView, QMenu, QPushButton,
                               QToolButton, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget)

from ...core.store import StandardQuestion, Store, StoreError
from .. import style
from ..icons import icon
from ..messages import confirm, show_error
from ..models import CategoryRole, CountRole, EnabledRole, StandardFilterProxy, StandardListModel

ROW_HEIGHT = 54
PAD = 12


class QuestionDelegate(QStyledItemDelegate):
    """Two lines per question: the text, then its category and the number of similar questions."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._uncategorised = self.tr("Uncategorised")
        self._disabled = self.tr("disabled")

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        r = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(r, QColor(style.SELECTED))
            painter.fillRect(QRect(r.left(), r.top(), 3, r.height()), QColor(style.PRIMARY))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(r, QColor(style.SURFACE_SUNKEN))
        painter.setPen(QPen(QColor(style.GRIDLINE)))
        painter.drawLine(r.left() + PAD, r.bottom(), r.right() - PAD, r.bottom())

        enabled = index.data(EnabledRole)
        count = index.data(CountRole) or 0
        category = index.data(CategoryRole) or self._uncategorised
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.86)

        # right side of the second line: the similar-question count as a pill
        painter.setFont(small)
        fm_small = QFontMetrics(small)
        pill_text = str(count)
        pill_w = max(fm_small.horizontalAdvance(pill_text) + 14, 26)
        line2_y = r.top() + 30
        pill = QRect(r.right() - PAD - pill_w, line2_y, pill_w, fm_small.height() + 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.ERROR_BG) if count == 0 else QColor(style.HOVER))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(QColor(style.ERROR) if count == 0 else QColor(style.MUTED))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, pill_text)

        # second line, left: category (and a "disabled" tag)
        meta = category if enabled else f"{category} · {self._disabled}"
        painter.setPen(QColor(style.SUBTLE_ALT))
        meta_rect = QRect(r.left() + PAD, line2_y, pill.left() - r.left() - 2 * PAD, fm_small.height() + 2)
        painter.drawText(meta_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm_small.elidedText(meta, Qt.TextElideMode.ElideRight, meta_rect.width()))

        # first line: the question
        painter.setFont(base)
        fm = QFontMetrics(base)
        text_rect = QRect(r.left() + PAD, r.top() + 8, r.width() - 2 * PAD, fm.height())
        painter.setPen(QColor(style.PRIMARY if selected else style.TEXT) if enabled else QColor(style.FAINT))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(index.data() or "", Qt.TextElideMode.ElideRight, text_rect.width()))
        painter.restore()

    def updateEditorGeometry(self, editor, option, index) -> None:
        r = option.rect
        editor.setGeometry(QRect(r.left() + PAD - 4, r.top() + 4, r.width() - 2 * PAD + 8, 26))


class _ListView(QListView):
    """A list view that says why it is empty instead of showing a blank rectangle."""

    placeholder = ""

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(style.FAINT))
            painter.drawText(self.viewport().rect().adjusted(20, 0, -20, 0),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)


class QuestionList(QWidget):
    current_changed = Signal(object)  # StandardQuestion | None
    changed = Signal()                # a question was added, deleted, duplicated or renamed

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.model = StandardListModel(store, self)
        self.proxy = StandardFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.edit_failed.connect(lambda text: show_error(self, self.tr("Not renamed"), text))
        self.model.edited.connect(lambda _sq: self._after_rename())

        self.search = QLineEdit(placeholderText=self.tr("Search questions or categories  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", style.SUBTLE_ALT), QLineEdit.ActionPosition.LeadingPosition)
        self._search_timer = QTimer(self, singleShot=True, interval=200)  # debounce typing
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.category = QComboBox()
        self.category.setMinimumContentsLength(8)
        self.category.currentIndexChanged.connect(self._apply_category)
        self.count_label = QLabel(objectName="hint")
        # "Fewest similar questions first" finds the questions the model knows least about.
        self.sort_button = QToolButton(toolTip=self.tr("Order of the list"), icon=icon("sort"))
        self.sort_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        sort_menu = QMenu(self.sort_button)
        self.sort_group = QActionGroup(self)
        for text, key in ((self.tr("Order added"), None), (self.tr("Fewest similar first"), "few"),
                          (self.tr("Most similar first"), "many"), (self.tr("By text"), "text")):
            action = sort_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(key is None)
            action.setData(key)
            self.sort_group.addAction(action)
        self.sort_group.triggered.connect(lambda action: self.set_sort(action.data()))
        self.sort_button.setMenu(sort_menu)

        self.view = _ListView()
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(QuestionDelegate(self.view))
        self.view.setUniformItemSizes(True)  # lets Qt skip measuring 5,000 rows
        self.view.setMouseTracking(True)
        self.view.setEditTriggers(QListView.EditTrigger.EditKeyPressed | QListView.EditTrigger.DoubleClicked)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        # Del acts only while the list itself has focus, not while a row is being renamed.
        self.delete_action = QAction(self.tr("Delete question"), self.view)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_current)
        self.view.addAction(self.delete_action)

        self.add_button = QPushButton(self.tr("New"), toolTip=self.tr("New standard question (Ctrl+N)"))
        self.add_button.setProperty("primary", True)
        self.add_button.setIcon(icon("plus", style.WHITE))
        self.add_button.clicked.connect(self.add_question)
        self.duplicate_button = QPushButton(icon("copy"), self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self.duplicate_current)
        self.delete_button = QPushButton(icon("trash"), self.tr("Delete"),
                                         toolTip=self.tr("Delete the selected question (Del)"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_current)

        filters = QHBoxLayout()
        filters.addWidget(self.category, 1)
        filters.addWidget(self.sort_button)
        filters.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.duplicate_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 6, 12)
        layout.setSpacing(8)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- loading and selection ----------------------------------------------------------------
    def set_shop(self, shop_id: int | None) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.set_ids(None)
        self.model.load(shop_id)
        self.reload_categories(reset=True)
        self.view.placeholder = (self.tr("No standard questions yet.\nAdd one with New, or import a file.")
                                 if shop_id is not None else self.tr("No shop selected."))
        self._update_count()
        self._update_buttons()
        self.current_changed.emit(None)

    def reload_categories(self, reset: bool = False) -> None:
        """Refill the category filter from the store, keeping the current choice if it still exists."""
        keep = None if reset else self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("All categories"), None)
        if self.model.shop_id is not None:
            for cat in self.store.categories(self.model.shop_id):
                self.category.addItem(cat, cat)
            if any(not sq.category for sq in self.model.records()):
                self.category.addItem(self.tr("Uncategorised"), StandardFilterProxy.UNCATEGORISED)
        found = self.category.findData(keep) if keep is not None else 0
        self.category.setCurrentIndex(max(found, 0))
        self.category.blockSignals(False)
        if self.category.currentData() != self.proxy.category():  # the kept category is gone, or a reset
            self._apply_category()

    def current(self) -> StandardQuestion | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.record(self.proxy.mapToSource(index).row())

    def select(self, standard_id: int) -> bool:
        """Select a question, clearing the filters if they hide it."""
        row = self.model.row_of(standard_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            self.clear_filters()
            index = self.proxy.mapFromSource(self.model.index(row))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def shown_ids(self) -> list[int] | None:
        """Ids of the questions the list shows while a search or category filter is on, else None."""
        if not self.proxy.is_filtering():
            return None
        return [self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).id
                for r in range(self.proxy.rowCount())]

    def select_first(self) -> None:
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def clear_filters(self) -> None:
        self.search.clear()
        self._apply_search()
        self.category.setCurrentIndex(0)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh_question(self, standard_id: int) -> None:
        """One question changed elsewhere (form, similar table): repaint its row and counts."""
        self.model.refresh_record(standard_id)
        self.reload_categories()

    # -- commands -------------------------------------------------------------------------------
    def add_question(self) -> None:
        if self.model.shop_id is None:
            return
        text, ok = QInputDialog.getText(self, self.tr("New standard question"),
                                        self.tr("The question, as the shop would phrase it:"))
        if not ok or not text.strip():
            return
        category = self.category.currentData()
        category = "" if category in (None, StandardFilterProxy.UNCATEGORISED) else category
        try:
            sq = self.store.add_standard(self.model.shop_id, text, category=category)
        except StoreError as exc:
            show_error(self, self.tr("Not added"), exc)
            return
        self._added(sq)

    def duplicate_current(self) -> None:
        sq = self.current()
        if sq is None:
            return
        # Similar questions are not copied: a text may belong to only one standard question.
        for n in range(1, 100):
            suffix = self.tr(" (copy)") if n == 1 else self.tr(" (copy {n})").format(n=n)
            try:
                copy = self.store.add_standard(sq.shop_id, sq.text + suffix, category=sq.category,
                                               answer=sq.answer, enabled=sq.enabled)
            except StoreError:
                continue
            self._added(copy)
            return

    def delete_current(self) -> None:
        sq = self.current()
        if sq is None:
            return
        text = (self.tr("Delete the standard question “{text}” and its %n similar question(s)?", "", sq.similar_count)
                if sq.similar_count else self.tr("Delete the standard question “{text}”?"))
        if not confirm(self, self.tr("Delete question"), text.format(text=sq.text, n=sq.similar_count)):
            return
        row = self.view.currentIndex().row()
        try:
            self.store.delete_standard(sq.id)
        except StoreError as exc:
            show_error(self, self.tr("Not deleted"), exc)
            return
        self.model.remove(sq.id)
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(min(row, self.proxy.rowCount() - 1), 0))
        else:
            self.current_changed.emit(None)
        self.reload_categories()
        self.changed.emit()

    def _added(self, sq: StandardQuestion) -> None:
        self.model.append(sq)
        self.reload_categories()
        self.select(sq.id)
        self.changed.emit()

    def _after_rename(self) -> None:
        self.current_changed.emit(self.current())  # the form shows the new text
        self.changed.emit()

    # -- filters ----------------------------------------------------------------------------------
    def _apply_search(self) -> None:
        text = self.search.text().strip()
        if not text or self.model.shop_id is None:
            self.proxy.set_ids(None)
        else:
            self.proxy.set_ids({sq.id for sq in self.store.standards(self.model.shop_id, search=text)})
        self._after_filter()

    def set_sort(self, key: str | None) -> None:
        """None: as added; "few" / "many": by number of similar questions; "text": alphabetical."""
        for action in self.sort_group.actions():
            action.setChecked(action.data() == key)
        if key is None:
            self.proxy.sort(-1)  # the store's order: as added
            return
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole if key == "text" else CountRole)
        self.proxy.setSortLocaleAware(key == "text")
        self.proxy.sort(0, Qt.SortOrder.DescendingOrder if key == "many" else Qt.SortOrder.AscendingOrder)
        index = self.view.currentIndex()
        if index.isValid():
            self.view.scrollTo(index)

    def _apply_category(self) -> None:
        self.proxy.set_category(self.category.currentData())
        self._after_filter()

    def _after_filter(self) -> None:
        self._update_count()
        if not self.view.currentIndex().isValid():
            self.current_changed.emit(None)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        self.current_changed.emit(self.current() if current.isValid() else None)

    def _update_count(self, *args) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(self.tr("%n question(s)", "", total) if shown == total
                                 else self.tr("{shown} of {n}").format(shown=shown, n=total))

    def _update_buttons(self) -> None:
        has_shop = self.model.shop_id is not None
        has_current = self.view.currentIndex().isValid()
        self.add_button.setEnabled(has_shop)
        self.duplicate_button.setEnabled(has_current)
        self.delete_button.setEnabled(has_current)
        self.delete_action.setEnabled(has_current)
