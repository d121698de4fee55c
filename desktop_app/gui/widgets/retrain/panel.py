"""One-click retrain: the active model, the Retrain button, and what a run shows while it runs.

The job runs in a `RetrainWorker` (training and export in a child process); this panel lays out
the parts (steps.py, progress.py, plot.py, result_card.py), relays the worker's reporter to them
and keeps the ETA (core/retrain_eta.py). Its per-tick work is a few label updates and the plot's
new points: the GUI thread shares the machine with the training child.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ....core.retrain_eta import RetrainEta, TimelineFile
from ....core.store import Store, StoreError
from ...job_runner import JobRunner
from ...style import (BORDER, CHIP, ERROR_BG, ERROR_BORDER, HEADER, MUTED, PRIMARY, QUIET, SELECTED, SUBTLE,
                      SUCCESS_BG, SUCCESS_BORDER, SURFACE_ALT, TEXT, TEXT_SECONDARY, WHITE)
from ...workers import RetrainWorker
from .formatting import format_duration
from .model_summary import ModelSummary
from .plot import TrainingPlot
from .preload import preload_plot_and_retrain, preloaded
from .progress import RetrainProgress
from .result_card import ResultCard
from .run_log import RunLog
from .steps import StepChips

log = logging.getLogger(__name__)

PLOT_REFRESH_MS = 200

PANEL_STYLE = f"""
QPushButton#retrainButton {{ font-size: 15px; font-weight: 600; padding: 10px 28px; border-radius: 8px; }}
QLabel#stepChip {{ border-radius: 11px; padding: 2px 12px; background: {CHIP}; color: {SUBTLE}; }}
QLabel#stepChip[state="active"] {{ background: {PRIMARY}; color: {WHITE}; font-weight: 600; }}
QLabel#stepChip[state="done"] {{ background: {SELECTED}; color: {PRIMARY}; }}
QLabel#stepArrow {{ color: {QUIET}; }}
QLabel#stageText {{ color: {TEXT}; font-weight: 600; }}
QLabel#eta {{ color: {MUTED}; }}
QFrame#resultCard {{ border-radius: 8px; padding: 4px; background: {SUCCESS_BG}; border: 1px solid {SUCCESS_BORDER}; }}
QFrame#resultCard[state="cancelled"] {{ background: {HEADER}; border-color: {BORDER}; }}
QFrame#resultCard[state="failed"] {{ background: {ERROR_BG}; border-color: {ERROR_BORDER}; }}
QLabel#resultTitle {{ font-size: 14px; font-weight: 600; }}
QLabel#bigNumber {{ font-size: 22px; font-weight: 600; color: {TEXT}; }}
QLabel#numberName {{ color: {MUTED}; }}
QPlainTextEdit#log {{ font-family: monospace; font-size: 11px; color: {TEXT_SECONDARY}; background: {SURFACE_ALT}; }}
"""


class RetrainPanel(QWidget):
    """The Retrain button and everything a retrain shows."""

    model_changed = Signal()      # a new version is active (retrain done, or rollback)
    retrain_started = Signal()
    retrain_finished = Signal(dict)
    retrain_cancelled = Signal()
    retrain_failed = Signal(str)
    question_requested = Signal(int)  # from the report: open this standard question in the editor
    thresholds_changed = Signal()     # set by hand in the report

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id: int | None = None
        self.last_result: dict | None = None
        self.timeline = TimelineFile(store.home)
        self.clock = RetrainEta(now=0.0)  # the current (or last) run's stages, steps and ETA
        self._cancelling = False
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.cancelled.connect(self._on_cancelled)
        self.jobs.failed.connect(self._on_failed)
        self.setStyleSheet(PANEL_STYLE)
        self._build()

        self._ticker = QTimer(self)  # elapsed / ETA text and the plot, at a few Hz
        self._ticker.setInterval(PLOT_REFRESH_MS)
        self._ticker.timeout.connect(self._tick)
        self._refresh_timer = QTimer(self)  # the "edits since training" line follows the editor
        self._refresh_timer.setInterval(3000)
        self._refresh_timer.timeout.connect(self._on_refresh_timer)
        # The plot is built and painted once while idle, after the background imports: at the
        # Retrain click that held the window 90-230 ms.
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(500)
        self._warm_timer.timeout.connect(self._warm_up)
        self._warm_timer.start()
        self._set_running(False)
        self.refresh()

    @property
    def worker(self) -> RetrainWorker | None:
        """The current (or last) retrain's worker."""
        return self.jobs.worker

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(10)

        header = QHBoxLayout()
        title = QLabel(self.tr("Model training"))
        title.setObjectName("title")
        header.addWidget(title)
        header.addStretch(1)
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.settings_button.clicked.connect(self.open_settings)
        self.versions_button = QPushButton(self.tr("Versions…"))
        self.versions_button.clicked.connect(self.open_versions)
        self.report_button = QPushButton(self.tr("Report…"))
        self.report_button.setToolTip(self.tr("Accuracy on held-out questions, the decision thresholds, and the "
                                              "data doctor's findings"))
        self.report_button.clicked.connect(lambda: self.open_report())
        header.addWidget(self.settings_button)
        header.addWidget(self.versions_button)
        header.addWidget(self.report_button)
        root.addLayout(header)

        info = QHBoxLayout()
        info.setSpacing(14)
        self.summary = ModelSummary()
        info.addWidget(self.summary, 1)
        self.retrain_button = QPushButton(self.tr("Retrain"))
        self.retrain_button.setObjectName("retrainButton")
        self.retrain_button.setProperty("primary", True)
        self.retrain_button.setToolTip(self.tr("Fine-tune the encoder on this shop's questions, then export, "
                                               "index and activate the new model. The current model keeps "
                                               "answering until the new one is ready."))
        self.retrain_button.clicked.connect(self.start_retrain)
        info.addWidget(self.retrain_button, 0, Qt.AlignmentFlag.AlignVCenter)
        root.addLayout(info)

        self.steps = StepChips()
        root.addWidget(self.steps)
        self.progress = RetrainProgress()
        self.progress.cancel_button.clicked.connect(self.cancel)
        root.addWidget(self.progress)
        self.plot = TrainingPlot()
        root.addWidget(self.plot, 1)
        self.result_card = ResultCard()
        root.addWidget(self.result_card)

        self.run_log = RunLog()
        root.addWidget(self.run_log)

    # ------------------------------------------------------------------ timers
    def _on_refresh_timer(self) -> None:
        # Not while a retrain runs: the active model cannot change until it ends, and these store
        # reads waited up to 64 ms on a disk busy with the training child's exports.
        if not self.busy():
            self.refresh()

    def _warm_up(self) -> None:
        if not preloaded() or self.busy():
            return
        self._warm_timer.stop()
        if self.plot.parts is None and self.plot.ensure() is not None and not self.isVisible():
            self.grab()  # polish, lay out and paint everything once, into a pixmap

    def _plot_steps(self) -> int:
        return self.clock.total if self.clock.stage == "train" else 0

    def _tick(self) -> None:
        self.plot.redraw(self._plot_steps())
        if not self.busy():
            return
        now = time.monotonic()
        eta = self.clock.eta(now)
        self.progress.set_fraction(self.clock.advance(now, eta))
        self.progress.show_time(now - self.clock.t0, eta)

    # ------------------------------------------------------------------ public API
    def set_shop(self, shop_id: int | None) -> None:
        if shop_id == self.shop_id:
            self.refresh()
            return
        if self.busy():  # the retrain goes on; its result is still for its own shop
            log.info("shop switched during a retrain of shop %s", self.worker.shop_id)
        self.shop_id = shop_id
        self.result_card.setVisible(False)
        self.plot.reset()
        self.refresh()

    def busy(self) -> bool:
        return self.jobs.busy()

    def cancel(self) -> None:
        if self.busy():
            self.jobs.cancel()
            self._cancelling = True
            self.progress.cancel_button.setEnabled(False)
            self.progress.stage_label.setText(self.tr("Cancelling… (the current model stays active)"))

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        """Cancel a running retrain and wait for it to stop; True when nothing runs any more."""
        return self.jobs.cancel_and_wait(timeout_ms)

    def refresh(self) -> None:
        """Update the active-model line and the count of edits since it was trained."""
        self.summary.refresh(self.store, self.shop_id)
        self._update_buttons()

    def start_retrain(self, config=None) -> bool:
        """Start a retrain of the current shop (config None: the shop's stored settings)."""
        from ....core.prepare import shop_train_config

        if self.busy() or self.shop_id is None:
            return False
        try:
            shop_train_config(self.store, self.shop_id) if config is None else None
            enabled = sum(1 for sq in self.store.standards(self.shop_id) if sq.enabled)
        except ValueError as exc:
            self.result_card.show_result("failed", self.tr("The training settings are invalid"),
                                         self.tr("{error}. Open Settings… to fix them.").format(error=exc))
            return False
        except StoreError as exc:
            self.result_card.show_result("failed", self.tr("Cannot retrain"), str(exc))
            return False
        if enabled < 2:
            self.result_card.show_result("failed", self.tr("Cannot retrain yet"),
                                         self.tr("Training needs at least 2 enabled standard questions."))
            return False
        worker = RetrainWorker(self.store, self.shop_id, config)
        rep = worker.reporter
        rep.stage_changed.connect(self._on_stage)
        rep.progress_changed.connect(self._on_progress)
        rep.metric_reported.connect(self._on_metric)
        rep.log_message.connect(self._on_log)
        self.clock = RetrainEta(self.timeline.load(self.shop_id))
        self.plot.reset()
        self.plot.ensure()
        self.run_log.clear()
        self.result_card.setVisible(False)
        self._cancelling = False
        self.jobs.start(worker)
        self._set_running(True)
        self._on_log(self.tr("retrain started"))
        self.retrain_started.emit()
        return True

    def open_settings(self) -> None:
        from ..settings_dialog import SettingsDialog

        if self.shop_id is None:
            return
        SettingsDialog(self.store, self.shop_id, self).exec()

    def open_versions(self) -> None:
        from ..versions_dialog import VersionsDialog

        if self.shop_id is None:
            return
        dialog = VersionsDialog(self.store, self.shop_id, self, read_only=self.busy())
        dialog.version_activated.connect(lambda _id: (self.refresh(), self.model_changed.emit()))
        dialog.report_requested.connect(self.open_report)
        dialog.exec()

    def open_report(self, version_id: int | None = None):
        """The evaluation report of a version (None: the active one); non-modal."""
        from ..report_dialog import ReportDialog

        if self.shop_id is None or (version_id is None and self.store.active_version(self.shop_id) is None):
            return None
        dialog = ReportDialog(self.store, self.shop_id, version_id, self)
        dialog.question_requested.connect(self.question_requested)
        dialog.thresholds_changed.connect(self.thresholds_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.report_dialog = dialog
        return dialog

    # ------------------------------------------------------------------ worker signals
    def _on_stage(self, name: str, total: int) -> None:
        self.clock.on_stage(name, total)
        if not self._cancelling:
            self.progress.stage_label.setText(self.steps.stage_text(name))
        self._on_log(self.tr("stage: {name}").format(name=name) + (f" ({total})" if total > 0 else ""))
        self.steps.show_stage(name)
        self._update_progress()

    def _on_progress(self, done: int, total: int) -> None:
        self.clock.on_progress(done, total)
        if total > 0 and self.clock.stage == "train" and not self._cancelling:
            self.progress.stage_label.setText(
                self.tr("Training · step {done} / {total}").format(done=done, total=total))
        self._update_progress()

    def _update_progress(self) -> None:
        if self.busy():
            self.progress.set_fraction(self.clock.advance())

    def _on_metric(self, name: str, value: float, step: int) -> None:
        self.plot.add_metric(name, value, step)

    def _on_log(self, message: str) -> None:
        self.run_log.append(time.monotonic() - self.clock.t0 if self.clock.t0 else 0.0, message)

    def _on_finished(self, result: dict) -> None:
        self.timeline.save(self.worker.shop_id, self.clock.post_timeline(time.monotonic()))
        self.progress.set_fraction(self.clock.complete())
        self.last_result = result
        self._set_running(False)
        self.steps.set_all("done")
        seconds = result.get("seconds") or 0.0
        self.progress.stage_label.setText(self.tr("Done"))
        self.progress.eta_label.setText(self.tr("Finished in {t}").format(t=format_duration(seconds)))
        shop_name = None
        if self.worker.shop_id != self.shop_id:  # the operator switched shops
            try:
                shop_name = self.store.shop(self.worker.shop_id).name
            except StoreError:
                pass
        before = self.result_card.show_done(result, shop_name)
        if before is not None:
            self.plot.show_before(before)
        self._on_log(self.tr("done: model v{id} active").format(id=result.get("version_id")))
        self.plot.redraw(self._plot_steps())
        self.refresh()
        self.retrain_finished.emit(result)
        self.model_changed.emit()

    def _on_cancelled(self) -> None:
        self._set_running(False)
        self.progress.stage_label.setText(self.tr("Cancelled"))
        self.progress.eta_label.setText("")
        self.result_card.show_result("cancelled", self.tr("Retrain cancelled"),
                                     self.tr("Nothing changed: the previous model is still active."))
        self._on_log(self.tr("cancelled"))
        self.refresh()
        self.retrain_cancelled.emit()

    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self.progress.stage_label.setText(self.tr("Failed"))
        self.progress.eta_label.setText("")
        self.result_card.show_result("failed", self.tr("Retrain failed"),
                                     self.tr("{error}\nThe previous model is still active. The details are in "
                                             "the log.").format(error=message))
        self._on_log(self.tr("failed: {error}").format(error=message))
        self.refresh()
        self.retrain_failed.emit(message)

    # ------------------------------------------------------------------ helpers
    def _set_running(self, running: bool) -> None:
        self.progress.set_running(running, self.clock.fraction > 0)
        if running:
            self.steps.set_all("")
            self._ticker.start()
        else:
            self._ticker.stop()
            self.plot.redraw(self._plot_steps())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_shop = self.shop_id is not None
        running = self.busy()
        self.retrain_button.setEnabled(has_shop and not running)
        self.retrain_button.setText(self.tr("Retraining…") if running else self.tr("Retrain"))
        self.settings_button.setEnabled(has_shop and not running)
        self.versions_button.setEnabled(has_shop)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        preload_plot_and_retrain()  # ready by the time Retrain is clicked
        self._refresh_timer.start()
        self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        self._refresh_timer.stop()
