"""The query test panel: the shop's model in a chip, the decision thresholds, and two tabs: the
live test (live_tab.py) and the batch test (batch_tab.py), over one open Matcher (MatcherHost)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ....core.calibration import GUARD_OFF
from ....core.store import Store
from ...job_runner import cancel_and_wait
from ...matcher_host import MatcherHost
from ...style import (ANSWER, BORDER, ERROR, ERROR_BG, ERROR_BORDER, GREY, INFO, INFO_BG, INFO_BORDER, MUTED,
                      NO_MATCH, QUIET, SUBTLE, SUGGEST, SURFACE_ALT, TEXT, WHITE, set_state)
from ..score_bar import ScoreScale
from .batch_tab import BatchTab
from .labels import model_description
from .live_tab import LiveTab

PANEL_STYLE = f"""
QLabel#decision {{ border-radius: 12px; padding: 3px 14px; font-weight: 600; color: {WHITE}; }}
QLabel#decision[state="answer"] {{ background: {ANSWER}; }}
QLabel#decision[state="suggest"] {{ background: {SUGGEST}; }}
QLabel#decision[state="no_match"] {{ background: {NO_MATCH}; }}
QLabel#decision[state="idle"] {{ background: {QUIET}; }}
QLabel#modelChip {{ border-radius: 10px; padding: 2px 10px; background: {INFO_BG}; color: {INFO};
    border: 1px solid {INFO_BORDER}; }}
QLabel#modelChip[state="loading"] {{ background: {GREY}; color: {MUTED}; border-color: {BORDER}; }}
QLabel#modelChip[state="error"] {{ background: {ERROR_BG}; color: {ERROR}; border-color: {ERROR_BORDER}; }}
QLabel#latency {{ color: {MUTED}; }}
QLabel#placeholder {{ color: {SUBTLE}; font-size: 14px; }}
QLineEdit#queryEdit {{ font-size: 16px; padding: 8px 12px; border-radius: 8px; }}
QLabel#statValue {{ font-size: 20px; font-weight: 600; color: {TEXT}; }}
QLabel#statName {{ color: {MUTED}; }}
QFrame#stat {{ background: {WHITE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QTextBrowser#answer {{ background: {SURFACE_ALT}; border: 1px solid {BORDER}; border-radius: 6px; padding: 4px; }}
"""


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
        self.scale = ScoreScale()
        self.matchers = MatcherHost(store, self)
        self.matchers.loading.connect(self._on_loading)
        self.matchers.ready.connect(self._on_ready)
        self.matchers.failed.connect(self._on_failed)
        self.matchers.unavailable.connect(self._on_unavailable)
        self.setStyleSheet(PANEL_STYLE)
        self._build()
        self._set_model_state("none", self.tr("Choose a shop"))
        self._update_enabled()

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

        self.live = LiveTab(self.store, self.matchers)
        self.live.query_done.connect(self.query_done)
        self.batch = BatchTab(self.matchers)
        self.batch.batch_done.connect(self.batch_done)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.live, self.tr("Live test"))
        self.tabs.addTab(self.batch, self.tr("Batch test"))
        root.addWidget(self.tabs, 1)

    # ------------------------------------------------------------------ public API
    @property
    def matcher(self):
        """The open Matcher (None while none is); `matchers` owns it."""
        return self.matchers.matcher

    def set_shop(self, shop_id: int | None) -> None:
        """Show the given shop (None: no shop); loads its model in the background."""
        if shop_id == self.shop_id and (self.matcher is not None or self.matchers.is_loading()):
            return
        self.shop_id = self.live.shop_id = shop_id
        self.live.update_testset_label()
        self.reload_model()

    def reload_model(self) -> None:
        """Load the shop's active model again (after a retrain or a rollback).

        For the same shop, the current Matcher keeps answering until the new one is ready.
        """
        if self.matcher is not None and self.matcher.shop_id != self.shop_id:
            self.batch.cancel()  # its Matcher is another shop's
        self.matchers.open(self.shop_id)
        self._update_enabled()

    def query_now(self, text: str | None = None) -> None:
        self.live.query_now(text)

    def run_batch_file(self, path) -> bool:
        if not self.batch.run_file(path):
            return False
        self.tabs.setCurrentWidget(self.batch)
        return True

    def write_batch_csv(self, path) -> None:
        self.batch.write_csv(path)

    def busy(self) -> bool:
        return self.matchers.is_loading() or self.batch.busy()

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        return cancel_and_wait([self.matchers.jobs, self.batch.jobs, self.live.queries], timeout_ms)

    def refresh_thresholds(self) -> None:
        """The bars and the legend follow the thresholds queries use (calibrated, or set by hand)."""
        if self.matcher is None:
            return
        thresholds = self.matchers.thresholds()
        self.scale = ScoreScale.from_thresholds(thresholds)
        self.live.bar_delegate.set_scale(self.scale)
        self.batch.delegate.set_scale(self.scale)
        s = self.scale
        self.legend.setText(f"<span style='color:{ANSWER}'>▌</span> "
                            + self.tr("answer ≥ {t:.3f}").format(t=s.answer)
                            + f" &nbsp; <span style='color:{SUGGEST}'>▌</span> "
                            + self.tr("suggest ≥ {t:.3f}").format(t=s.suggest)
                            # The score is not the whole rule: a calibrated model may answer on
                            # the lead alone (the demo shop's answer score is 0.283, its lead 0.12).
                            + " &nbsp; " + self.tr("lead ≥ {m:.2f}").format(m=float(thresholds.get("margin", 0.0))))
        tip = (self.tr("Thresholds set by hand") if thresholds.get("overridden")
               else self.tr("Thresholds of this model version"))
        guard = float(thresholds.get("guard", GUARD_OFF))
        rule = self.tr("Answered outright: the score at least the answer threshold, the best standard question "
                       "ahead of the second by the lead")
        if guard >= 0:
            rule += self.tr(", and ahead of the nearest known off-topic message by {g:.2f}").format(g=guard)
        self.legend.setToolTip(tip + self.tr("; the bars span {lo:.2f} to 1.00").format(lo=s.floor) + ".\n" + rule + ".")
        self.live.table.viewport().update()

    # ------------------------------------------------------------------ the Matcher's states
    def _on_loading(self, stage: str) -> None:
        if stage in ("prepare model", "export base model", "export", "parity", "quantize"):
            self._set_model_state("loading", self.tr("Preparing the base model (first run only, about a minute)…"))
        elif stage in ("evaluate", "index"):
            self._set_model_state("loading", self.tr("Indexing the shop's questions…"))
        elif stage == "load model":
            self._set_model_state("loading", self.tr("Loading model…"))

    def _on_ready(self, matcher) -> None:
        self._set_model_state("ready", model_description(matcher.version))
        self.refresh_thresholds()
        self._update_enabled()
        self.live.show_ready()
        self.model_ready.emit()

    def _on_unavailable(self, why: str) -> None:
        if why == "none":
            self._set_model_state("none", self.tr("Choose a shop"))
            self.live.show_placeholder(self.tr("Choose or create a shop to test its questions."))
        else:
            self._set_model_state("none", self.tr("No questions yet"))
            self.live.show_placeholder(self.tr("This shop has no enabled standard questions yet: "
                                               "import or add some, then test them here."))
        self.live.clear_results()

    def _on_failed(self, message: str) -> None:
        self._set_model_state("error", self.tr("Model not available"))
        self.model_chip.setToolTip(message)
        self.live.show_placeholder(self.tr("The model could not be loaded:") + "\n" + message)
        self._update_enabled()
        self.model_failed.emit(message)

    def _set_model_state(self, state: str, text: str) -> None:
        self.model_chip.setText(text)
        self.model_chip.setToolTip("")
        set_state(self.model_chip, state)
        if state != "ready":
            self.legend.setText("")

    def _update_enabled(self) -> None:
        self.live.update_enabled()
        self.batch.update_enabled()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.cancel_and_wait(5000)
        super().closeEvent(event)
