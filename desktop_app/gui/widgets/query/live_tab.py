"""The live test: type a consumer question, see the top matches and the decision as you type.

Queries run on the GUI thread after a 150 ms debounce: one query is a few milliseconds of
onnxruntime (which releases the GIL) plus an hnswlib search. Results are never cached: the
Matcher follows store edits before each query, so a question added a moment ago is found at once.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QStackedWidget, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from ....core.matcher import NoModelError
from ....core.store import Store, StoreError
from ...job_runner import JobRunner
from ...matcher_host import MatcherHost
from ...messages import show_error
from ...style import set_state
from ...workers import FunctionWorker
from ..score_bar import ScoreBarDelegate
from .labels import decision_detail, decision_name
from .tables import MatchTableModel, setup_table

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
LOCK_RETRY_MS = 25
TOP_K = 5


class LiveTab(QWidget):
    query_done = Signal(object)  # QueryResult of the query box

    def __init__(self, store: Store, matchers: MatcherHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.matchers = matchers
        self.shop_id: int | None = None
        self.last_result = None
        self.last_timing_ms: float | None = None  # debounce end -> table updated, for the last query
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce)
        self._retry = QTimer(self)  # a batch chunk holds the Matcher: try again in a moment
        self._retry.setSingleShot(True)
        self._retry.setInterval(LOCK_RETRY_MS)
        self._retry.timeout.connect(self._on_debounce)
        self.queries = JobRunner(self)  # one live query at a time; a newer one drops an older answer
        self.queries.finished.connect(self._on_answer)
        self.queries.failed.connect(self._on_query_failed)
        self._build()

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 10, 0, 0)
        lay.setSpacing(8)

        self.edit = QLineEdit()
        self.edit.setObjectName("queryEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("Type a consumer question, e.g. 扫地机吸力变小了怎么办"))
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.returnPressed.connect(self.query_now)
        lay.addWidget(self.edit)

        row = QHBoxLayout()
        self.decision_label = QLabel(self.tr("Waiting"))
        self.decision_label.setObjectName("decision")
        self.decision_label.setProperty("state", "idle")
        row.addWidget(self.decision_label, 0, Qt.AlignVCenter)  # a pill, also beside two lines of detail
        self.detail_label = QLabel(self.tr("Results appear as you type."))
        self.detail_label.setObjectName("hint")
        self.detail_label.setWordWrap(True)  # a twin suggestion names two standard questions
        self.detail_label.setMinimumWidth(120)
        row.addWidget(self.detail_label, 1)
        self.latency_label = QLabel("")
        self.latency_label.setObjectName("latency")
        row.addWidget(self.latency_label)
        lay.addLayout(row)

        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)

        self.match_model = MatchTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.match_model)
        self.bar_delegate = ScoreBarDelegate(self.table)
        self.table.setItemDelegateForColumn(3, self.bar_delegate)
        setup_table(self.table)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        h.resizeSection(0, 36)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        h.resizeSection(3, 260)
        self.table.selectionModel().currentRowChanged.connect(self._show_answer)
        self.stack.addWidget(self.table)
        # Room for the top-k rows and the header; the answer below takes what is left.
        self.stack.setMinimumHeight(self.table.horizontalHeader().sizeHint().height()
                                    + TOP_K * self.table.verticalHeader().defaultSectionSize() + 6)
        lay.addWidget(self.stack, 3)

        label_row = QHBoxLayout()
        self.label_hint = QLabel(self.tr("Keep this question for evaluation:"))
        self.label_hint.setObjectName("hint")
        self.mark_expected_button = QPushButton(self.tr("Its answer is the selected one"))
        self.mark_expected_button.setToolTip(self.tr("Store it as a test question of the selected standard "
                                                     "question: held out, never trained on"))
        self.mark_expected_button.clicked.connect(self.mark_expected)
        self.mark_none_button = QPushButton(self.tr("It matches nothing"))
        self.mark_none_button.setToolTip(self.tr("Store it as a “none” question: the thresholds are calibrated "
                                                 "so that such questions get no answer"))
        self.mark_none_button.clicked.connect(self.mark_none)
        self.negative_button = QPushButton(self.tr("Never answer it"))
        self.negative_button.setObjectName("negative")
        self.negative_button.setToolTip(self.tr("Add it to the shop's off-topic messages: it and messages close "
                                                "to it get no answer, at once, without retraining"))
        self.negative_button.clicked.connect(self.mark_negative)
        self.testset_label = QLabel()
        self.testset_label.setObjectName("hint")
        label_row.addWidget(self.label_hint)
        label_row.addWidget(self.mark_expected_button)
        label_row.addWidget(self.mark_none_button)
        label_row.addSpacing(12)
        label_row.addWidget(self.negative_button)
        label_row.addStretch(1)
        label_row.addWidget(self.testset_label)
        lay.addLayout(label_row)

        answer_title = QLabel(self.tr("Standard answer"))
        answer_title.setObjectName("hint")
        lay.addWidget(answer_title)
        self.answer_view = QTextBrowser()
        self.answer_view.setObjectName("answer")
        self.answer_view.setMinimumHeight(60)
        self.answer_view.setPlaceholderText(self.tr("The standard answer of the selected match shows here."))
        lay.addWidget(self.answer_view, 2)

    def update_enabled(self) -> None:
        ready = self.matchers.matcher is not None
        self.edit.setEnabled(self.shop_id is not None)
        has_query = ready and self.last_result is not None and bool(self.last_result.query.strip())
        self.mark_expected_button.setEnabled(has_query and bool(self.match_model.matches))
        self.mark_none_button.setEnabled(has_query)
        self.negative_button.setEnabled(has_query)

    # ------------------------------------------------------------------ querying
    def query_now(self, text: str | None = None) -> None:
        """Query at once (Enter); with `text`, put it in the box first."""
        if text is not None:
            self.edit.blockSignals(True)
            self.edit.setText(text)
            self.edit.blockSignals(False)
        self._debounce.stop()
        self._on_debounce(wait=True)

    def show_ready(self) -> None:
        """A Matcher is open: query what is typed, or invite typing."""
        if self.edit.text().strip():
            self.query_now()
        else:
            self.clear_results()
            self.show_placeholder(self.tr("Type a question above: the shop's standard questions that match it "
                                          "appear here, best first."))

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():
            self._debounce.stop()
            self.clear_results()
            if self.matchers.matcher is not None:
                self.show_placeholder(self.tr("Type a question above: the shop's standard questions that match "
                                              "it appear here, best first."))
            return
        self._debounce.start()

    def _on_debounce(self, wait: bool = False) -> None:
        text = self.edit.text().strip()
        if not text:
            self.clear_results()
            return
        if self.matchers.matcher is None:
            return  # queried as soon as the model is loaded
        matchers, t0 = self.matchers, time.perf_counter()

        def ask(_reporter=None):
            try:
                return "ok", matchers.try_query(text, TOP_K), t0
            except (NoModelError, StoreError) as exc:
                return "gone", str(exc), t0

        if wait:  # Enter, or a caller that reads the result right after
            self.queries.drop()
            try:
                outcome = ask()
            except Exception as exc:  # noqa: BLE001 - shown, logged, and the panel keeps working
                log.exception("query failed")
                self._on_query_failed(str(exc))
                return
            self._on_answer(outcome)
            return
        # As you type, in a thread: the encoder child answers in a few ms, but up to 80 ms while a
        # retrain quantizes beside it, and the GUI thread waiting for it was the retrain's longest stall.
        self.queries.start(FunctionWorker(ask))

    def _on_answer(self, outcome) -> None:
        kind, result, t0 = outcome
        if kind == "gone":
            self.matchers.drop(result)
            return
        if result is None:  # a batch holds the Matcher
            self._retry.start()
            return
        self._show_result(result)
        self.last_timing_ms = (time.perf_counter() - t0) * 1000
        self.query_done.emit(result)

    def _on_query_failed(self, message: str) -> None:
        log.error("query failed: %s", message)
        self._show_decision("no_match", self.tr("The query failed: {error}").format(error=message))

    def _show_result(self, result) -> None:
        self.last_result = result
        self.match_model.set_matches(result.matches)
        if result.matches:
            self.stack.setCurrentWidget(self.table)
            self.table.selectRow(0)
            top = result.matches[0]
            detail = decision_detail(result.decision)
            if result.twin and result.decision == "suggest":
                detail = self.tr("The top two hold the same similar question (see the data doctor): "
                                 "let an agent pick one.")
                detail += "  →  " + " / ".join(m.standard_question for m in result.matches[:2])
            elif result.decision != "no_match":
                detail = f"{detail}  →  {top.standard_question}"
            off = result.offtopic
            if off and result.decision != "answer" and off["score"] >= top.score - 0.06:
                why = (self.tr("Close to a message this shop marked as matching nothing")
                       if off["own"] else self.tr("Close to a known off-topic message"))
                detail += f"\n{why}: “{off['text']}” ({off['score']:.2f})"
            self._show_decision(result.decision, detail)
        else:
            self.show_placeholder(self.tr("Nothing to match yet: the shop has no enabled questions."))
            self._show_decision("no_match", decision_detail("no_match"))
        self.latency_label.setText(self.tr("{ms:.1f} ms · model v{version}").format(
            ms=result.latency_ms, version=result.model_version))
        self.update_enabled()

    def _show_decision(self, decision: str, detail: str) -> None:
        self.decision_label.setText(decision_name(decision))
        set_state(self.decision_label, decision)
        self.detail_label.setText(detail)

    def _show_answer(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid() or current.row() >= len(self.match_model.matches):
            self.answer_view.clear()
            return
        m = self.match_model.matches[current.row()]
        self.answer_view.setPlainText(m.answer or self.tr("(this standard question has no answer text yet)"))

    def show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def clear_results(self) -> None:
        self.last_result = None
        self.match_model.set_matches([])
        self.answer_view.clear()
        self.latency_label.setText("")
        self.decision_label.setText(self.tr("Waiting"))
        set_state(self.decision_label, "idle")
        self.detail_label.setText(self.tr("Results appear as you type."))
        self.update_enabled()

    # ------------------------------------------------------------------ test questions
    def _current_query(self) -> str:
        return self.last_result.query.strip() if self.last_result is not None else ""

    def mark_expected(self) -> bool:
        """The query typed, as a test question whose answer is the selected match."""
        index = self.table.currentIndex()
        if not self._current_query() or not index.isValid() or index.row() >= len(self.match_model.matches):
            return False
        return self._add_test(self.match_model.matches[index.row()].id)

    def mark_none(self) -> bool:
        """The query typed, as a "none" question: it must match no standard question."""
        return bool(self._current_query()) and self._add_test(None)

    def mark_negative(self) -> bool:
        """The query typed, as one of the shop's negatives: matched again at once to show the effect."""
        text = self._current_query()
        if not text:
            return False
        try:
            self.store.add_negative(self.shop_id, text, source="panel")
        except StoreError as exc:
            show_error(self, self.tr("Not kept"), exc)
            return False
        self.query_now(text)
        return True

    def _add_test(self, expected_id: int | None) -> bool:
        try:
            self.store.add_test_question(self.shop_id, self._current_query(), expected_id, source="panel")
        except StoreError as exc:
            show_error(self, self.tr("Not kept"), exc)
            return False
        self.update_testset_label()
        return True

    def update_testset_label(self) -> None:
        if self.shop_id is None:
            self.testset_label.clear()
            return
        tests = self.store.test_questions(self.shop_id)
        n_none = sum(1 for t in tests if t.expected_id is None)
        self.testset_label.setText(self.tr("test set: {n} questions, {none} that match nothing").format(
            n=len(tests), none=n_none))
