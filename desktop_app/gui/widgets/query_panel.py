"""The live query test panel: type a consumer question, see the matches as you type; batch tests.

Queries run on the GUI thread after a 150 ms debounce: one query is a few milliseconds of
onnxruntime (which releases the GIL) plus an hnswlib search. Loading the shop's model, and
creating its untuned version the first time, happen in a `MatcherLoader` worker; batch tests run
in a `BatchQueryWorker`. Results are never cached: the Matcher follows store edits before each
query, so a standard question added a moment ago is found at once.
"""

from __future__ import annotations

import csv
import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QStackedWidget,
                               QTableView, QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from ...core.matcher import NoModelError
from ...core.store import Store, StoreError
from ..messages import show_error
from ..workers import BatchQueryWorker, MatcherLoader
from .score_bar import (ANSWER_COLOR, DECISION_COLORS, NO_MATCH_COLOR, SCORE_ROLE, SUGGEST_COLOR,
                        ScoreBarDelegate, ScoreScale)

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
LOCK_RETRY_MS = 25
TOP_K = 5

PANEL_STYLE = f"""
QLabel#decision {{ border-radius: 12px; padding: 3px 14px; font-weight: 600; color: #ffffff; }}
QLabel#decision[state="answer"] {{ background: {ANSWER_COLOR}; }}
QLabel#decision[state="suggest"] {{ background: {SUGGEST_COLOR}; }}
QLabel#decision[state="no_match"] {{ background: {NO_MATCH_COLOR}; }}
QLabel#decision[state="idle"] {{ background: #c9cdd4; }}
QLabel#modelChip {{ border-radius: 10px; padding: 2px 10px; background: #f0f5ff; color: #1d39c4;
    border: 1px solid #adc6ff; }}
QLabel#modelChip[state="loading"] {{ background: #f5f5f5; color: #646a73; border-color: #e5e6eb; }}
QLabel#modelChip[state="error"] {{ background: #fff1f0; color: #cf1322; border-color: #ffa39e; }}
QLabel#latency {{ color: #646a73; }}
QLabel#placeholder {{ color: #8f959e; font-size: 14px; }}
QLineEdit#queryEdit {{ font-size: 16px; padding: 8px 12px; border-radius: 8px; }}
QLabel#statValue {{ font-size: 20px; font-weight: 600; color: #1f2329; }}
QLabel#statName {{ color: #646a73; }}
QFrame#stat {{ background: #ffffff; border: 1px solid #e5e6eb; border-radius: 8px; }}
QTextBrowser#answer {{ background: #fafbfc; border: 1px solid #e5e6eb; border-radius: 6px; padding: 4px; }}
"""


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("QueryPanel", text)


def decision_name(decision: str) -> str:
    return {"answer": _tr("Answer"), "suggest": _tr("Suggest"), "no_match": _tr("No match")}.get(decision, decision)


def decision_detail(decision: str) -> str:
    return {
        "answer": _tr("Confident: reply with the standard answer."),
        "suggest": _tr("Probably one of these: let an agent confirm."),
        "no_match": _tr("No standard question fits: hand it to an agent."),
    }.get(decision, "")


def model_description(version) -> str:
    """'Model v3 · fine-tuned (ArcFace) · int8' or 'Model v1 · untuned base encoder'."""
    if version is None:
        return _tr("No model")
    if version.loss == "none":
        kind = _tr("untuned base encoder")
    else:
        kind = _tr("fine-tuned ({loss})").format(loss={"arcface": "ArcFace", "cosface": "CosFace",
                                                        "softmax": "Softmax"}.get(version.loss, version.loss))
    variant = version.params.get("runtime_variant", "float32")
    return _tr("Model v{id}").format(id=version.id) + f" · {kind} · {variant}"


class MatchTableModel(QAbstractTableModel):
    """Top-k matches of one query: rank, standard question, category, similarity (bar)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matches: list = []

    def set_matches(self, matches: list) -> None:
        self.beginResetModel()
        self.matches = list(matches)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.matches)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ["#", _tr("Standard question"), _tr("Category"), _tr("Similarity")][section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.matches[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [str(index.row() + 1), m.standard_question, m.category, None][col]
        if role == SCORE_ROLE and col == 3:
            return m.score
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.standard_question}\n{m.score:.4f}" + (f"\n\n{m.answer}" if m.answer else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in (0, 2):
            return QColor("#646a73")
        if role == Qt.ItemDataRole.FontRole and col == 1 and index.row() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class BatchTableModel(QAbstractTableModel):
    """One row per question of a batch test."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results: list = []
        self.expected: list[str] | None = None
        self.correct: list[bool] | None = None
        self.keys = ["query", "top", "score", "decision"]

    def set_results(self, results, expected, correct) -> None:
        self.beginResetModel()
        self.results, self.expected, self.correct = list(results), expected, correct
        self.keys = ["query", "expected", "top", "score", "decision", "right"] if expected is not None \
            else ["query", "top", "score", "decision"]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.results)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.keys)

    def score_column(self) -> int:
        return self.keys.index("score")

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return {"query": _tr("Question"), "expected": _tr("Expected"), "top": _tr("Top match"),
                    "score": _tr("Similarity"), "decision": _tr("Decision"), "right": _tr("Right")}[self.keys[section]]
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        r = self.results[row]
        top = r.matches[0] if r.matches else None
        key = self.keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "query":
                return r.query
            if key == "expected":
                return self.expected[row] or _tr("(no match)")
            if key == "top":
                return top.standard_question if top else ""
            if key == "decision":
                return decision_name(r.decision)
            if key == "right":
                return "✓" if self.correct[row] else "✗"
            return None
        if role == SCORE_ROLE and key == "score":
            return top.score if top else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "decision":
                return QColor(DECISION_COLORS.get(r.decision, "#1f2329"))
            if key == "right":
                return QColor(ANSWER_COLOR if self.correct[row] else NO_MATCH_COLOR)
            if key == "expected" and not self.expected[row]:
                return QColor("#8f959e")
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("decision", "right"):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and top is not None:
            return "\n".join(f"{m.score:.3f}  {m.standard_question}" for m in r.matches)
        return None


def _stat_card(name: str) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame()
    frame.setObjectName("stat")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(14, 8, 14, 8)
    lay.setSpacing(0)
    value = QLabel("–")
    value.setObjectName("statValue")
    label = QLabel(name)
    label.setObjectName("statName")
    lay.addWidget(value)
    lay.addWidget(label)
    return frame, value, label


class QueryPanel(QWidget):
    """Live and batch tests of the active shop's model."""

    model_ready = Signal()          # a Matcher is loaded for the current shop
    model_failed = Signal(str)
    query_done = Signal(object)     # QueryResult of the live query box
    batch_done = Signal(dict)       # batch summary (see prepare.batch_summary), plus 'seconds'

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id: int | None = None
        self.matcher = None
        self.last_result = None
        self.last_timing_ms: float | None = None  # debounce end -> table updated, for the last query
        self._lock = threading.Lock()  # guards the Matcher against the batch worker
        self._loader: MatcherLoader | None = None
        self._batch: BatchQueryWorker | None = None
        self._batch_expected: list[str] | None = None
        self._batch_file: Path | None = None
        self._old_workers: list = []  # superseded / cancelled workers, kept until their thread ends
        self._reload_again = False
        self.scale = ScoreScale()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(LOCK_RETRY_MS)
        self._retry.timeout.connect(self._on_debounce)

        self.setStyleSheet(PANEL_STYLE)
        self._build()
        self._set_model_state("none", self.tr("Choose a shop"))
        self._update_enabled()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)

        header = QHBoxLayout()
        title = QLabel(self.tr("Query test"))
        title.setObjectName("title")
        header.addWidget(title)
        self.model_chip = QLabel()
        self.model_chip.setObjectName("modelChip")
        header.addWidget(self.model_chip)
        header.addStretch(1)
        self.legend = QLabel()
        self.legend.setObjectName("hint")
        header.addWidget(self.legend)
        root.addLayout(header)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_live(), self.tr("Live test"))
        self.tabs.addTab(self._build_batch(), self.tr("Batch test"))
        root.addWidget(self.tabs, 1)

    def _build_live(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
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
        # Wraps instead of widening the panel: a twin suggestion names two standard questions.
        self.detail_label.setWordWrap(True)
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
        self._setup_table(self.table)
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
        self.testset_label = QLabel()
        self.testset_label.setObjectName("hint")
        label_row.addWidget(self.label_hint)
        label_row.addWidget(self.mark_expected_button)
        label_row.addWidget(self.mark_none_button)
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
        return page

    def _build_batch(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 10, 0, 0)
        lay.setSpacing(8)

        bar = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open question file…"))
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(self.choose_batch_file)
        bar.addWidget(self.open_button)
        self.batch_file_label = QLabel(self.tr("A .txt file with one question per line, or a CSV / Excel file "
                                               "with a “query” (问题) column and an optional “expected” "
                                               "(标准问) column."))
        self.batch_file_label.setObjectName("hint")
        self.batch_file_label.setWordWrap(True)
        bar.addWidget(self.batch_file_label, 1)
        self.batch_progress = QProgressBar()
        self.batch_progress.setFixedWidth(160)
        self.batch_progress.setVisible(False)
        bar.addWidget(self.batch_progress)
        self.batch_cancel = QPushButton(self.tr("Cancel"))
        self.batch_cancel.setVisible(False)
        self.batch_cancel.clicked.connect(self.cancel_batch)
        bar.addWidget(self.batch_cancel)
        self.export_button = QPushButton(self.tr("Export results…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_batch)
        bar.addWidget(self.export_button)
        lay.addLayout(bar)

        stats = QHBoxLayout()
        stats.setSpacing(8)
        self.stat_values: dict[str, QLabel] = {}
        for key, name in (("n", self.tr("Questions")), ("accuracy", self.tr("Accuracy")),
                          ("top1", self.tr("Top-1 right")), ("answer", self.tr("Answered")),
                          ("suggest", self.tr("Suggested")), ("no_match", self.tr("No match")),
                          ("speed", self.tr("ms / question"))):
            frame, value, _ = _stat_card(name)
            self.stat_values[key] = value
            stats.addWidget(frame)
        lay.addLayout(stats)

        self.batch_model = BatchTableModel(self)
        self.batch_table = QTableView()
        self.batch_table.setModel(self.batch_model)
        self.batch_delegate = ScoreBarDelegate(self.batch_table)
        self._setup_table(self.batch_table)
        self.batch_table.verticalHeader().setVisible(True)
        self.batch_table.verticalHeader().setDefaultSectionSize(28)
        lay.addWidget(self.batch_table, 1)
        return page

    @staticmethod
    def _setup_table(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(34)
        table.horizontalHeader().setHighlightSections(False)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    # ------------------------------------------------------------------ public API
    def set_shop(self, shop_id: int | None) -> None:
        """Show the given shop (None: no shop); loads its model in the background."""
        if shop_id == self.shop_id and (self.matcher is not None or self._loader is not None):
            return
        self.shop_id = shop_id
        self.update_testset_label()
        self.reload_model()

    def reload_model(self) -> None:
        """Load the shop's active model again (after a retrain or a rollback).

        For the same shop, the current Matcher keeps answering until the new one is ready.
        """
        if self._loader is not None and self._loader.shop_id == self.shop_id and self._loader.is_running():
            self._reload_again = True  # one load at a time per shop: load again when this one ends
            return
        self._stop_loader()
        if self.matcher is not None and self.matcher.shop_id != self.shop_id:
            self.cancel_batch()
            self.matcher = None
        self._update_enabled()
        if self.shop_id is None:
            self._set_model_state("none", self.tr("Choose a shop"))
            self._show_placeholder(self.tr("Choose or create a shop to test its questions."))
            self._clear_results()
            return
        try:
            has_entries = bool(self.store.active_version(self.shop_id)) or bool(self.store.index_entries(self.shop_id))
        except StoreError as exc:
            self._model_error(str(exc))
            return
        if not has_entries:
            self._set_model_state("none", self.tr("No questions yet"))
            self._show_placeholder(self.tr("This shop has no enabled standard questions yet: "
                                           "import or add some, then test them here."))
            self._clear_results()
            return
        if self.matcher is None:
            self._set_model_state("loading", self.tr("Loading model…"))
        loader = MatcherLoader(self.store, self.shop_id)
        loader.reporter.stage_changed.connect(self._on_loader_stage)
        loader.finished.connect(lambda matcher, w=loader: self._on_loaded(w, matcher))
        loader.failed.connect(lambda message, w=loader: self._on_load_failed(w, message))
        loader.cancelled.connect(lambda w=loader: self._forget(w))
        self._loader = loader
        loader.start()

    def query_now(self, text: str | None = None) -> None:
        """Query at once (Enter); with `text`, put it in the box first."""
        if text is not None:
            self.edit.blockSignals(True)
            self.edit.setText(text)
            self.edit.blockSignals(False)
        self._debounce.stop()
        self._on_debounce()

    @property
    def matcher_lock(self) -> threading.Lock:
        """Held while the Matcher answers or refreshes; other users of it (the generation guard) take it too."""
        return self._lock

    def busy(self) -> bool:
        return self._loader is not None or (self._batch is not None and self._batch.is_running())

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        workers = [w for w in (self._loader, self._batch, *self._old_workers) if w is not None]
        for w in workers:
            w.cancel()
        deadline = time.monotonic() + timeout_ms / 1000
        ok = True
        for w in workers:
            ok &= w.wait(max(0, int((deadline - time.monotonic()) * 1000)))
        return ok

    # ------------------------------------------------------------------ model loading
    def _stop_loader(self) -> None:
        """Drop the running load. Not cancelled: building a shop's untuned version is work worth
        finishing (the next visit needs it), and cancelling it would cost a terminated child."""
        if self._loader is not None:
            self._loader.superseded = True
            self._old_workers.append(self._loader)
            self._loader = None

    def _forget(self, worker) -> None:
        if worker in self._old_workers:
            self._old_workers.remove(worker)
        if worker is self._loader:
            self._loader = None

    def _on_loader_stage(self, name: str, total: int) -> None:
        if self.matcher is not None:  # the previous model answers meanwhile: no need to say more
            return
        if name in ("prepare model", "export base model", "export", "parity", "quantize"):
            self._set_model_state("loading", self.tr("Preparing the base model (first run only, about a minute)…"))
        elif name in ("evaluate", "index"):
            self._set_model_state("loading", self.tr("Indexing the shop's questions…"))
        elif name == "load model":
            self._set_model_state("loading", self.tr("Loading model…"))

    def _on_loaded(self, worker, matcher) -> None:
        if worker is not self._loader:  # a newer load superseded this one
            self._forget(worker)
            return
        self._loader = None
        self.matcher = matcher
        if self._reload_again:  # the model changed again while this one was loading
            self._reload_again = False
            QTimer.singleShot(0, self.reload_model)
        self._set_model_state("ready", model_description(matcher.version))
        self.refresh_thresholds()
        log.info("matcher for shop %s loaded in %.2f s (model v%s)", self.shop_id, worker.seconds or 0,
                 matcher.version.id)
        self._update_enabled()
        if self.edit.text().strip():
            self.query_now()
        else:
            self._clear_results()
            self._show_placeholder(self.tr("Type a question above: the shop's standard questions that match it "
                                           "appear here, best first."))
        self.model_ready.emit()

    def _on_load_failed(self, worker, message: str) -> None:
        if worker is not self._loader:
            self._forget(worker)
            return
        self._loader = None
        self._model_error(message)

    def _model_error(self, message: str) -> None:
        self.matcher = None
        self._set_model_state("error", self.tr("Model not available"))
        self.model_chip.setToolTip(message)
        self._show_placeholder(self.tr("The model could not be loaded:") + "\n" + message)
        self._update_enabled()
        self.model_failed.emit(message)

    def refresh_thresholds(self) -> None:
        """The bars and the legend follow the thresholds queries use (calibrated, or set by hand)."""
        if self.matcher is None:
            return
        with self._lock:
            thresholds = dict(self.matcher.thresholds)
        self.scale = ScoreScale.from_thresholds(thresholds)
        self.bar_delegate.set_scale(self.scale)
        self.batch_delegate.set_scale(self.scale)
        self.legend.setText(self._legend_html())
        tip = (self.tr("Thresholds set by hand") if thresholds.get("overridden")
               else self.tr("Thresholds of this model version"))
        self.legend.setToolTip(tip + self.tr("; the bars span {lo:.2f} to 1.00").format(lo=self.scale.floor))
        self.table.viewport().update()

    def _legend_html(self) -> str:
        s = self.scale
        return (f"<span style='color:{ANSWER_COLOR}'>▌</span> " + self.tr("answer ≥ {t:.3f}").format(t=s.answer)
                + f" &nbsp; <span style='color:{SUGGEST_COLOR}'>▌</span> "
                + self.tr("suggest ≥ {t:.3f}").format(t=s.suggest))

    def _set_model_state(self, state: str, text: str) -> None:
        self.model_chip.setProperty("state", state)
        self.model_chip.setText(text)
        self.model_chip.setToolTip("")
        self.model_chip.style().unpolish(self.model_chip)
        self.model_chip.style().polish(self.model_chip)
        if state != "ready":
            self.legend.setText("")

    def _update_enabled(self) -> None:
        ready = self.matcher is not None
        self.edit.setEnabled(self.shop_id is not None)
        batch_running = self._batch is not None and self._batch.is_running()
        self.open_button.setEnabled(ready and not batch_running)
        has_query = ready and self.last_result is not None and bool(self.last_result.query.strip())
        self.mark_expected_button.setEnabled(has_query and bool(self.match_model.matches))
        self.mark_none_button.setEnabled(has_query)

    # ------------------------------------------------------------------ live query
    def _on_text_changed(self, text: str) -> None:
        if not text.strip():
            self._debounce.stop()
            self._clear_results()
            if self.matcher is not None:
                self._show_placeholder(self.tr("Type a question above: the shop's standard questions that match "
                                               "it appear here, best first."))
            return
        self._debounce.start()

    def _on_debounce(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._clear_results()
            return
        if self.matcher is None:
            return  # queried as soon as the model is loaded
        t0 = time.perf_counter()
        if not self._lock.acquire(blocking=False):  # a batch chunk is running: try again in a moment
            self._retry.start()
            return
        try:
            result = self.matcher.query(text, k=TOP_K)
        except (NoModelError, StoreError) as exc:
            self._model_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown, logged, and the panel keeps working
            log.exception("query failed")
            self._show_decision("no_match", self.tr("The query failed: {error}").format(error=exc))
            return
        finally:
            self._lock.release()
        self._show_result(result)
        self.last_timing_ms = (time.perf_counter() - t0) * 1000
        self.query_done.emit(result)

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
            self._show_decision(result.decision, detail)
        else:
            self._show_placeholder(self.tr("Nothing to match yet: the shop has no enabled questions."))
            self._show_decision("no_match", decision_detail("no_match"))
        self.latency_label.setText(self.tr("{ms:.1f} ms · model v{version}").format(
            ms=result.latency_ms, version=result.model_version))
        self._update_enabled()

    def _show_decision(self, decision: str, detail: str) -> None:
        self.decision_label.setText(decision_name(decision))
        self.decision_label.setProperty("state", decision)
        self.decision_label.style().unpolish(self.decision_label)
        self.decision_label.style().polish(self.decision_label)
        self.detail_label.setText(detail)

    def _show_answer(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid() or current.row() >= len(self.match_model.matches):
            self.answer_view.clear()
            return
        m = self.match_model.matches[current.row()]
        self.answer_view.setPlainText(m.answer or self.tr("(this standard question has no answer text yet)"))

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

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def _clear_results(self) -> None:
        self.last_result = None
        self.match_model.set_matches([])
        self.answer_view.clear()
        self.latency_label.setText("")
        self.decision_label.setText(self.tr("Waiting"))
        self.decision_label.setProperty("state", "idle")
        self.decision_label.style().unpolish(self.decision_label)
        self.decision_label.style().polish(self.decision_label)
        self.detail_label.setText(self.tr("Results appear as you type."))
        self._update_enabled()

    # ------------------------------------------------------------------ batch test
    def choose_batch_file(self) -> None:
        folder = QSettings().value("query_panel/batch_dir", "")
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open question file"), folder,
            self.tr("Question files (*.txt *.csv *.xlsx *.json);;All files (*)"))
        if path:
            QSettings().setValue("query_panel/batch_dir", str(Path(path).parent))
            self.run_batch_file(path)

    def run_batch_file(self, path) -> bool:
        """Read a question file and answer it in the background; False (and a message) on a bad file."""
        from ...core.io_formats import FileFormatError
        from ...core.prepare import read_batch_file

        if self.matcher is None:
            return False
        try:
            queries, expected = read_batch_file(path)
        except (FileFormatError, OSError) as exc:
            self.batch_file_label.setText(f"<span style='color:{NO_MATCH_COLOR}'>{exc}</span>")
            return False
        self.cancel_batch()
        self._batch_file = Path(path)
        self._batch_expected = expected
        worker = BatchQueryWorker(self.matcher, queries, self._lock, k=3)
        worker.reporter.progress_changed.connect(self._on_batch_progress)
        worker.finished.connect(lambda results, w=worker: self._on_batch_finished(w, results))
        worker.failed.connect(lambda message, w=worker: self._on_batch_failed(w, message))
        worker.cancelled.connect(lambda w=worker: self._on_batch_cancelled(w))
        self._batch = worker
        self.batch_file_label.setText(self.tr("{name}: answering {n} questions…").format(
            name=Path(path).name, n=len(queries)))
        self.batch_progress.setRange(0, len(queries))
        self.batch_progress.setValue(0)
        self.batch_progress.setVisible(True)
        self.batch_cancel.setVisible(True)
        self.export_button.setEnabled(False)
        self.tabs.setCurrentIndex(1)
        worker.start()
        self._update_enabled()
        return True

    def cancel_batch(self) -> None:
        if self._batch is not None and self._batch.is_running():
            self._batch.cancel()
            self._old_workers.append(self._batch)

    def _on_batch_progress(self, done: int, total: int) -> None:
        self.batch_progress.setValue(done)

    def _batch_ended(self, worker) -> bool:
        self._forget(worker)
        if worker is not self._batch:
            return False
        self.batch_progress.setVisible(False)
        self.batch_cancel.setVisible(False)
        self._update_enabled()
        return True

    def _on_batch_finished(self, worker, results) -> None:
        from ...core.prepare import batch_summary

        if not self._batch_ended(worker):
            return
        summary = batch_summary(results, self._batch_expected)
        summary["seconds"] = worker.seconds or 0.0
        self.batch_model.set_results(results, self._batch_expected, summary["correct"])
        for col in range(self.batch_model.columnCount()):
            self.batch_table.setItemDelegateForColumn(col, self.batch_delegate if col == self.batch_model.score_column()
                                                      else None)
        h = self.batch_table.horizontalHeader()
        for col in range(self.batch_model.columnCount()):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.resizeSection(self.batch_model.score_column(), 190)
        self.batch_table.resizeColumnToContents(self.batch_model.columnCount() - 1)
        n = summary["n"] or 1
        pct = lambda x: "–" if x is None else f"{100 * x:.1f}%"  # noqa: E731
        self.stat_values["n"].setText(str(summary["n"]))
        self.stat_values["accuracy"].setText(pct(summary["accuracy"]))
        self.stat_values["top1"].setText(pct(summary["top1"]))
        for key in ("answer", "suggest", "no_match"):
            self.stat_values[key].setText(pct(summary[key] / n))
        self.stat_values["speed"].setText(f"{1000 * summary['seconds'] / n:.1f}")
        if summary["accuracy"] is not None:
            text = self.tr("{name}: {n} questions, {right} right ({acc}).").format(
                name=self._batch_file.name, n=summary["n"], right=sum(summary["correct"]), acc=pct(summary["accuracy"]))
        else:
            text = self.tr("{name}: {n} questions (add an “expected” column to measure accuracy).").format(
                name=self._batch_file.name, n=summary["n"])
        self.batch_file_label.setText(text)
        self.export_button.setEnabled(True)
        self.batch_summary = summary
        self.batch_done.emit(summary)

    def _on_batch_failed(self, worker, message: str) -> None:
        if self._batch_ended(worker):
            self.batch_file_label.setText(f"<span style='color:{NO_MATCH_COLOR}'>"
                                          + self.tr("The batch test failed: {error}").format(error=message) + "</span>")

    def _on_batch_cancelled(self, worker) -> None:
        if self._batch_ended(worker):
            self.batch_file_label.setText(self.tr("Batch test cancelled."))

    def export_batch(self) -> None:
        if not self.batch_model.results:
            return
        default = str(self._batch_file.with_name(self._batch_file.stem + "_results.csv")) if self._batch_file else ""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export results"), default, self.tr("CSV files (*.csv)"))
        if path:
            self.write_batch_csv(path)

    def write_batch_csv(self, path) -> None:
        m = self.batch_model
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            head = ["query", "top_match", "score", "decision", "second_match", "second_score"]
            if m.expected is not None:
                head[1:1] = ["expected"]
                head.append("correct")
            writer.writerow(head)
            for i, r in enumerate(m.results):
                first = r.matches[0] if r.matches else None
                second = r.matches[1] if len(r.matches) > 1 else None
                row = [r.query, first.standard_question if first else "", f"{first.score:.4f}" if first else "",
                       r.decision, second.standard_question if second else "",
                       f"{second.score:.4f}" if second else ""]
                if m.expected is not None:
                    row[1:1] = [m.expected[i]]
                    row.append("1" if m.correct[i] else "0")
                writer.writerow(row)

    # ------------------------------------------------------------------ lifetime
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.cancel_and_wait(5000)
        super().closeEvent(event)
