"""One-click retrain: progress with stage and ETA, a live loss / accuracy plot, cancel, result.

The job runs in a `RetrainWorker` (training and export in a child process); this panel only
shows what the worker's reporter signals. pyqtgraph is imported when the plot is first needed, so
it costs nothing at window start-up.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QGraphicsItem, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar,
                               QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from ...core.losses import TITLES as LOSS_TITLES
from ...core.store import Store, StoreError
from ..workers import RetrainWorker
from .score_bar import ANSWER_COLOR, NO_MATCH_COLOR, SUGGEST_COLOR

log = logging.getLogger(__name__)

# The core's stage names, grouped into the steps the operator sees.
STEPS = [
    ("prepare", ("rebuild base model", "download base model", "check data", "prepare")),
    ("train", ("train",)),
    ("export", ("export", "parity", "quantize", "choose encoder")),
    ("index", ("index",)),
    ("evaluate", ("export base model", "evaluate")),
]
# Progress before the training steps start (the child's start-up, then embedding the questions).
PRE_TRAIN_FRACTION = {"": 0.01, "rebuild base model": 0.02, "download base model": 0.02, "prepare": 0.04}
# What follows the training steps (export, graph fusion, parity check, one or two int8
# quantizations, indexing, evaluation) mostly depends on the encoder's size, not on the shop's:
# demo shop, e5-small, 2 cores: 51-60 s. The panel remembers the last run's timeline (per shop,
# and the newest of any shop) and uses it from then on; this is the guess before any run.
POST_TRAIN_DEFAULT_S = 60.0
# The last run's timeline after training, per shop and the newest of any shop: a small JSON file in
# the data directory, written with Python's file calls (which let go of the GIL), not QSettings.
TIMELINE_FILE = "retrain_timeline.json"
PLOT_REFRESH_MS = 200

PANEL_STYLE = """
QPushButton#retrainButton { font-size: 15px; font-weight: 600; padding: 10px 28px; border-radius: 8px; }
QLabel#stepChip { border-radius: 11px; padding: 2px 12px; background: #f2f3f5; color: #8f959e; }
QLabel#stepChip[state="active"] { background: #1677ff; color: #ffffff; font-weight: 600; }
QLabel#stepChip[state="done"] { background: #e8f1ff; color: #1677ff; }
QLabel#stepArrow { color: #c9cdd4; }
QLabel#stageText { color: #1f2329; font-weight: 600; }
QLabel#eta { color: #646a73; }
QFrame#resultCard { border-radius: 8px; padding: 4px; background: #f6ffed; border: 1px solid #b7eb8f; }
QFrame#resultCard[state="cancelled"] { background: #fafafa; border-color: #e5e6eb; }
QFrame#resultCard[state="failed"] { background: #fff1f0; border-color: #ffa39e; }
QLabel#resultTitle { font-size: 14px; font-weight: 600; }
QLabel#bigNumber { font-size: 22px; font-weight: 600; color: #1f2329; }
QLabel#numberName { color: #646a73; }
QPlainTextEdit#log { font-family: monospace; font-size: 11px; color: #4e5969; background: #fafbfc; }
"""


_preload_started = False
_preloaded = threading.Event()  # the background imports are done (or failed)


def preload_plot_and_retrain() -> None:
    """Import pyqtgraph and the retrain's own modules in a background thread (about 0.5 s of
    imports, kept off the GUI thread; Python switches threads every few ms, so the window stays
    responsive meanwhile), then take the start-up objects out of the cyclic collector's walks
    (gc.freeze)."""
    global _preload_started
    if _preload_started:
        return
    _preload_started = True
    # The Qt bindings pyqtgraph loads are imported here, on the GUI thread (6 ms), so the thread
    # imports Python code only. PySide6 creating its classes lazily in that thread while this one
    # painted is what crashed the frozen app; gui/__init__.py has them created eagerly.
    try:
        from PySide6 import QtOpenGL, QtOpenGLWidgets, QtSvg, QtTest  # noqa: F401
    except ImportError:  # pyqtgraph will say what is missing; the plot is optional
        pass

    def run():
        try:
            import pyqtgraph  # noqa: F401
        except Exception:  # the plot is optional: _ensure_plot reports it when needed
            log.warning("pyqtgraph could not be imported", exc_info=True)
        try:
            # The retrain worker imports these when Retrain is clicked; there, with a collection
            # of the cyclic collector in the middle, they held the GIL (and the window) 250 ms.
            from ...core import pipeline, prepare  # noqa: F401
        except Exception:  # the worker will report it
            log.warning("the retrain's modules could not be imported", exc_info=True)
        finally:
            # Python's full collection walks every tracked object with all threads stopped: 52 ms
            # of CPU with the window up (81,000 objects), far more on a busy machine, in the middle
            # of a retrain. What exists now (modules, Qt wrappers) lives as long as the window, so
            # it leaves the collector's care; later collections only walk what came after.
            gc.freeze()
            _preloaded.set()

    threading.Thread(target=run, name="preload-pyqtgraph", daemon=True).start()


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("RetrainPanel", text)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return _tr("{s} s").format(s=seconds)
    if seconds < 3600:
        return _tr("{m} min {s} s").format(m=seconds // 60, s=seconds % 60)
    return _tr("{h} h {m} min").format(h=seconds // 3600, m=seconds % 3600 // 60)


def format_pct(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def version_top1(version) -> tuple[float | None, str]:
    """The version's validation top-1 and how it was measured ('val' or 'loo')."""
    if version is None:
        return None, ""
    m = version.metrics
    value = m.get("val_top1_" + version.params.get("runtime_variant", "float32"))
    if value is not None:
        return value, "val"
    return m.get("loo_top1"), "loo"


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
        self.worker: RetrainWorker | None = None
        self.last_result: dict | None = None
        self._t0 = 0.0
        self._stage = ""
        self._stage_done = 0
        self._stage_total = -1
        self._stage_times: list[tuple[str, float]] = []  # (stage, monotonic start) of the last run
        self._train_t0: float | None = None
        self._train_end: float | None = None
        self._post_plan: dict | None = None  # the last run's timeline after training (see _eta)
        self._fraction = 0.0
        self._loss: list[tuple[int, float]] = []
        self._val: list[tuple[int, float]] = []
        self._plot = None
        self._plot_dirty = False
        self._cancelling = False
        self.setStyleSheet(PANEL_STYLE)
        self._build()

        self._ticker = QTimer(self)  # elapsed / ETA text and the plot, at a few Hz
        self._ticker.setInterval(PLOT_REFRESH_MS)
        self._ticker.timeout.connect(self._tick)
        self._refresh_timer = QTimer(self)  # the "edits since training" line follows the editor
        self._refresh_timer.setInterval(3000)
        self._refresh_timer.timeout.connect(self._on_refresh_timer)
        # Once the background imports are done, the plot is built and the panel painted once
        # off screen, while idle: done at the Retrain click (which also shows this tab for the
        # first time), that held the window for 90-230 ms.
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(500)
        self._warm_timer.timeout.connect(self._warm_up)
        self._warm_timer.start()
        self._set_running(False)
        self.refresh()

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
        col = QVBoxLayout()
        col.setSpacing(2)
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("hint")
        col.addWidget(self.model_label)
        col.addWidget(self.stale_label)
        info.addLayout(col, 1)
        self.retrain_button = QPushButton(self.tr("Retrain"))
        self.retrain_button.setObjectName("retrainButton")
        self.retrain_button.setProperty("primary", True)
        self.retrain_button.setToolTip(self.tr("Fine-tune the encoder on this shop's questions, then export, "
                                               "index and activate the new model. The current model keeps "
                                               "answering until the new one is ready."))
        self.retrain_button.clicked.connect(self.start_retrain)
        info.addWidget(self.retrain_button, 0, Qt.AlignmentFlag.AlignVCenter)
        root.addLayout(info)

        # step chips: Prepare -> Train -> Export -> Evaluate -> Index
        steps = QHBoxLayout()
        steps.setSpacing(6)
        names = {"prepare": self.tr("Prepare"), "train": self.tr("Train"), "export": self.tr("Export"),
                 "evaluate": self.tr("Evaluate"), "index": self.tr("Index")}
        self.step_chips: dict[str, QLabel] = {}
        for i, (key, _) in enumerate(STEPS):
            if i:
                arrow = QLabel("›")
                arrow.setObjectName("stepArrow")
                steps.addWidget(arrow)
            chip = QLabel(names[key])
            chip.setObjectName("stepChip")
            self.step_chips[key] = chip
            steps.addWidget(chip)
        steps.addStretch(1)
        root.addLayout(steps)

        prog = QHBoxLayout()
        self.stage_label = QLabel(self.tr("Ready"))
        self.stage_label.setObjectName("stageText")
        prog.addWidget(self.stage_label)
        prog.addStretch(1)
        self.eta_label = QLabel("")
        self.eta_label.setObjectName("eta")
        prog.addWidget(self.eta_label)
        root.addLayout(prog)

        bar_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        bar_row.addWidget(self.progress, 1)
        self.percent_label = QLabel("")
        self.percent_label.setMinimumWidth(44)
        self.percent_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar_row.addWidget(self.percent_label)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setProperty("danger", True)
        self.cancel_button.clicked.connect(self.cancel)
        bar_row.addWidget(self.cancel_button)
        root.addLayout(bar_row)

        self.plot_holder = QFrame()
        self.plot_holder.setObjectName("card")
        self.plot_holder.setMinimumHeight(200)
        self.plot_holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._plot_layout = QVBoxLayout(self.plot_holder)
        self._plot_layout.setContentsMargins(6, 6, 6, 6)
        self.plot_hint = QLabel(self.tr("The training loss and the validation accuracy are plotted here "
                                        "during a retrain."))
        self.plot_hint.setObjectName("hint")
        self.plot_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._plot_layout.addWidget(self.plot_hint)
        root.addWidget(self.plot_holder, 1)

        self.result_card = QFrame()
        self.result_card.setObjectName("resultCard")
        card = QHBoxLayout(self.result_card)
        card.setContentsMargins(14, 10, 14, 10)
        card.setSpacing(22)
        text_col = QVBoxLayout()
        self.result_title = QLabel()
        self.result_title.setObjectName("resultTitle")
        self.result_text = QLabel()
        self.result_text.setWordWrap(True)
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text_col.addWidget(self.result_title)
        text_col.addWidget(self.result_text)
        card.addLayout(text_col, 1)
        self.result_numbers: dict[str, QLabel] = {}
        for key, name in (("before", self.tr("Top-1 before")), ("after", self.tr("Top-1 after")),
                          ("time", self.tr("Time taken"))):
            box = QVBoxLayout()
            box.setSpacing(0)
            value = QLabel("–")
            value.setObjectName("bigNumber")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label = QLabel(name)
            label.setObjectName("numberName")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(value)
            box.addWidget(label)
            card.addLayout(box)
            self.result_numbers[key] = value
        self.result_card.setVisible(False)
        root.addWidget(self.result_card)
        # What a retrain shows and hides keeps its place: the plot is never resized by a retrain
        # starting or ending, since a resize repaints its axes from scratch (tens of ms, more on a
        # machine busy with training).
        for widget in (self.progress, self.percent_label, self.cancel_button, self.result_card):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)

        self.log_toggle = QToolButton()
        self.log_toggle.setText(self.tr("Details"))
        self.log_toggle.setCheckable(True)
        self.log_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.log_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.log_toggle.toggled.connect(self._toggle_log)
        root.addWidget(self.log_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("log")
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(2000)
        self.log_view.setMaximumHeight(120)
        self.log_view.setVisible(False)
        root.addWidget(self.log_view)

    def _toggle_log(self, on: bool) -> None:
        self.log_view.setVisible(on)
        self.log_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    # ------------------------------------------------------------------ plot (pyqtgraph, lazily)
    def _on_refresh_timer(self) -> None:
        # Not while a retrain runs: the active model does not change until it ends (then the
        # panel refreshes), and these store reads on the GUI thread waited up to 64 ms on a disk
        # busy with the training child's exports.
        if not self.busy():
            self.refresh()

    def _warm_up(self) -> None:
        if not _preloaded.is_set() or self.busy():
            return
        self._warm_timer.stop()
        if self._plot is None and self._ensure_plot() is not None and not self.isVisible():
            self.grab()  # polish, lay out and paint everything once, into a pixmap

    def _ensure_plot(self):
        """The plot, built if need be and shown in place of its hint; None without pyqtgraph."""
        plot = self._build_plot()
        if plot and not plot["widget"].isVisibleTo(self):
            self.plot_hint.setVisible(False)
            plot["widget"].setVisible(True)
        return plot

    def _build_plot(self):
        """Build the plot, hidden until a retrain shows it (None without pyqtgraph)."""
        if self._plot is not None:
            return self._plot or None
        try:
            import pyqtgraph as pg
        except ImportError:  # the retrain works without its plot
            log.warning("pyqtgraph is not installed: no training plot")
            self._plot = {}
            return None

        pg.setConfigOptions(antialias=True, background="w", foreground="#646a73")
        # No context menus: each ViewBox's menu is a tree of widgets (range fields, check boxes)
        # that took half of the plot's construction time, and the plot is not interactive anyway.
        widget = pg.PlotWidget(enableMenu=False)
        widget.setMinimumHeight(180)
        item = widget.getPlotItem()
        item.setLabel("bottom", self.tr("training step"))
        item.setLabel("left", self.tr("loss"), color="#1677ff")
        item.showAxis("right")
        item.setLabel("right", self.tr("validation top-1 (%)"), color="#fa8c16")
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        legend = item.addLegend(offset=(-10, 10), labelTextColor="#4e5969")
        loss_curve = item.plot([], [], pen=pg.mkPen("#1677ff", width=2), name=self.tr("loss"))
        # The accuracy lives in its own ViewBox on the right axis, x-linked to the loss view.
        vb2 = pg.ViewBox(enableMenu=False)
        vb2.setMouseEnabled(x=False, y=False)
        item.scene().addItem(vb2)
        item.getAxis("right").linkToView(vb2)
        vb2.setXLink(item)
        vb2.setYRange(0, 100, padding=0.05)
        val_curve = pg.PlotDataItem([], [], pen=pg.mkPen("#fa8c16", width=2), symbol="o", symbolSize=8,
                                    symbolBrush="#fa8c16", symbolPen="w")
        vb2.addItem(val_curve)
        before_line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#fa8c16", width=1, style=Qt.PenStyle.DashLine),
                                      label=self.tr("before"), labelOpts={"position": 0.05, "color": "#fa8c16"})
        before_line.setVisible(False)
        vb2.addItem(before_line)
        legend.addItem(val_curve, self.tr("validation top-1"))

        def sync():
            vb2.setGeometry(item.getViewBox().sceneBoundingRect())
            vb2.linkedViewChanged(item.getViewBox(), vb2.XAxis)

        item.getViewBox().sigResized.connect(sync)
        # Painting the axes (with their grid lines and tick labels) was most of the GUI thread's
        # time in a retrain: 30-130 ms a frame when the machine is busy, once per redraw, since
        # the grid spans the curves. There is no grid now (it doubled an axis repaint), the axes
        # are cached as pixmaps and the ranges are set by hand (x: every step of the run, y: up to
        # the highest loss), so a new point redraws the curve and the axes only when a range grows.
        item.getViewBox().disableAutoRange()
        for side in ("left", "bottom", "right"):
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._plot = {"widget": widget, "item": item, "loss": loss_curve, "val": val_curve, "vb2": vb2,
                      "before": before_line, "sync": sync, "range": None}
        widget.setVisible(False)
        self._plot_layout.addWidget(widget)
        sync()
        return self._plot

    def _redraw_plot(self) -> None:
        if not self._plot_dirty:
            return
        self._plot_dirty = False
        plot = self._ensure_plot()
        if plot is None:
            return
        if self._loss:
            xs, ys = zip(*self._loss)
            plot["loss"].setData(list(xs), list(ys))
        else:
            plot["loss"].setData([], [])
        self._set_plot_range(plot)
        if self._val:
            xs, ys = zip(*self._val)
            plot["val"].setData(list(xs), [100 * y for y in ys])
        else:
            plot["val"].setData([], [])

    def _set_plot_range(self, plot: dict) -> None:
        """x from 0 to the run's steps (or the last point), y from 0 to the highest loss: changed
        only when they grow, so the cached axes are redrawn a few times per run, not per step."""
        if not self._loss:  # a new run: the empty plot's range, forgotten once points come
            if plot["range"] is not None:
                plot["item"].getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
                plot["range"] = None
            return
        x_max = max(self._stage_total if self._stage == "train" else 0, self._loss[-1][0],
                    self._val[-1][0] if self._val else 0, 1)
        y_max = 1.1 * max(y for _, y in self._loss)
        old = plot["range"] or (0, 0.0)
        wanted = (max(x_max, old[0]), max(y_max, old[1]))
        if wanted != plot["range"]:
            plot["item"].getViewBox().setRange(xRange=(0, wanted[0]), yRange=(0, wanted[1]), padding=0.02)
            plot["range"] = wanted

    def _reset_plot(self) -> None:
        self._loss.clear()
        self._val.clear()
        self._plot_dirty = True
        if self._plot:
            self._plot["before"].setVisible(False)
            self._redraw_plot()

    # ------------------------------------------------------------------ public API
    def set_shop(self, shop_id: int | None) -> None:
        if shop_id == self.shop_id:
            self.refresh()
            return
        if self.busy():  # the retrain goes on; its result is still for its own shop
            log.info("shop switched during a retrain of shop %s", self.worker.shop_id)
        self.shop_id = shop_id
        self.result_card.setVisible(False)
        self._reset_plot()
        self.refresh()

    def busy(self) -> bool:
        return self.worker is not None and self.worker.is_running()

    def cancel(self) -> None:
        if self.busy():
            self.worker.cancel()
            self._cancelling = True
            self.cancel_button.setEnabled(False)
            self.stage_label.setText(self.tr("Cancelling… (the current model stays active)"))

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        """Cancel a running retrain and wait for it to stop; True when nothing runs any more."""
        if self.worker is None:
            return True
        if self.worker.is_running():
            self.worker.cancel()
        return self.worker.wait(timeout_ms)

    def refresh(self) -> None:
        """Update the active-model line and the count of edits since it was trained."""
        if self.shop_id is None:
            self.model_label.setText(self.tr("No shop selected."))
            self.stale_label.setText("")
            self._update_buttons()
            return
        try:
            version = self.store.active_version(self.shop_id)
            revision = self.store.shop(self.shop_id).revision
        except StoreError:
            return
        if version is None:
            self.model_label.setText(self.tr("No model yet: the base encoder answers once the shop is opened in "
                                             "the query test; retrain to fine-tune it on this shop."))
            self.stale_label.setText("")
        else:
            top1, how = version_top1(version)
            kind = (self.tr("untuned base encoder") if version.loss == "none"
                    else self.tr("fine-tuned with {loss}").format(loss=LOSS_TITLES.get(version.loss, version.loss)))
            acc = ""
            if top1 is not None:
                acc = (self.tr(" · leave-one-out top-1 {acc}") if how == "loo"
                       else self.tr(" · validation top-1 {acc}")).format(acc=format_pct(top1))
            self.model_label.setText(self.tr("Active model: <b>v{id}</b> · {kind}{acc}").format(
                id=version.id, kind=kind, acc=acc))
            edits = max(0, revision - version.data_revision)
            if version.loss == "none":
                self.stale_label.setText(self.tr("Not fine-tuned yet: a retrain usually improves accuracy a lot."))
            elif edits:
                self.stale_label.setText(self.tr("{n} edits since this model was trained (new questions are "
                                                 "matched already; a retrain learns from them).").format(n=edits))
            else:
                self.stale_label.setText(self.tr("Up to date with the shop's questions."))
        self._update_buttons()

    def start_retrain(self, config=None) -> bool:
        """Start a retrain of the current shop (config None: the shop's stored settings)."""
        from ...core.prepare import shop_train_config

        if self.busy() or self.shop_id is None:
            return False
        try:
            shop_train_config(self.store, self.shop_id) if config is None else None
            enabled = sum(1 for sq in self.store.standards(self.shop_id) if sq.enabled)
        except ValueError as exc:
            self._show_result_card("failed", self.tr("The training settings are invalid"),
                                   self.tr("{error}. Open Settings… to fix them.").format(error=exc))
            return False
        except StoreError as exc:
            self._show_result_card("failed", self.tr("Cannot retrain"), str(exc))
            return False
        if enabled < 2:
            self._show_result_card("failed", self.tr("Cannot retrain yet"),
                                   self.tr("Training needs at least 2 enabled standard questions."))
            return False
        worker = RetrainWorker(self.store, self.shop_id, config)
        rep = worker.reporter
        rep.stage_changed.connect(self._on_stage)
        rep.progress_changed.connect(self._on_progress)
        rep.metric_reported.connect(self._on_metric)
        rep.log_message.connect(self._on_log)
        worker.finished.connect(self._on_finished)
        worker.cancelled.connect(self._on_cancelled)
        worker.failed.connect(self._on_failed)
        self.worker = worker
        self._t0 = time.monotonic()
        self._train_t0 = None
        self._train_end = None
        self._stage_times = []
        self._post_plan = self._load_post_plan()
        self._stage_done = 0
        self._stage_total = -1
        self._fraction = 0.0
        self._stage = ""
        self._reset_plot()
        self._ensure_plot()
        self.log_view.clear()
        self.result_card.setVisible(False)
        self._cancelling = False
        worker.start()
        self._set_running(True)
        self._on_log(self.tr("retrain started"))
        self.retrain_started.emit()
        return True

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if self.shop_id is None:
            return
        SettingsDialog(self.store, self.shop_id, self).exec()

    def open_versions(self) -> None:
        from .versions_dialog import VersionsDialog

        if self.shop_id is None:
            return
        dialog = VersionsDialog(self.store, self.shop_id, self, read_only=self.busy())
        dialog.version_activated.connect(lambda _id: (self.refresh(), self.model_changed.emit()))
        dialog.report_requested.connect(self.open_report)
        dialog.exec()

    def open_report(self, version_id: int | None = None):
        """The evaluation report of a version (None: the active one); non-modal."""
        from .report_dialog import ReportDialog

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
    def _step_of(self, stage: str) -> int | None:
        for i, (_, names) in enumerate(STEPS):
            if stage in names:
                return i
        return None

    def _on_stage(self, name: str, total: int) -> None:
        now = time.monotonic()
        self._stage_times.append((name, now))
        if self._stage == "train" and name != "train":
            self._train_end = now
        self._stage = name
        self._stage_total = total
        self._stage_done = 0
        if name == "train":
            self._train_t0 = now
        texts = {"rebuild base model": self.tr("Rebuilding the base model (first run only)…"),
                 "download base model": self.tr("Downloading the base model…"),
                 "prepare": self.tr("Preparing: embedding the training questions…"),
                 "train": self.tr("Training"),
                 "export": self.tr("Exporting to ONNX…"),
                 "parity": self.tr("Checking the exported model…"),
                 "quantize": self.tr("Quantizing (int8)…"),
                 "check data": self.tr("Checking the data…"),
                 "choose encoder": self.tr("Comparing the int8 and float32 encoders…"),
                 "export base model": self.tr("Preparing the untuned model for comparison…"),
                 "evaluate": self.tr("Evaluating and calibrating the thresholds…"),
                 "index": self.tr("Indexing the shop's questions…")}
        if not self._cancelling:
            self.stage_label.setText(texts.get(name, name))
        self._on_log(self.tr("stage: {name}").format(name=name) + (f" ({total})" if total > 0 else ""))
        step = self._step_of(name)
        if step is not None:
            for i, (key, _) in enumerate(STEPS):
                state = "done" if i < step else "active" if i == step else ""
                chip = self.step_chips[key]
                chip.setProperty("state", state)
                chip.style().unpolish(chip)
                chip.style().polish(chip)
        self._update_progress()

    def _on_progress(self, done: int, total: int) -> None:
        self._stage_done = done
        if total > 0:
            self._stage_total = total
            if self._stage == "train" and not self._cancelling:
                self.stage_label.setText(self.tr("Training · step {done} / {total}").format(done=done, total=total))
        self._update_progress()

    def _eta(self, now: float | None = None) -> float | None:
        """Seconds left: the training steps at their measured pace, then the stages after them, as
        long as they took in the last run (POST_TRAIN_DEFAULT_S before any). After training, from
        where the current stage started in that run. None until the first step is done."""
        now = time.monotonic() if now is None else now
        if self._train_t0 is None:
            return None
        plan = self._post_plan or {}
        post_s = float(plan.get("total") or POST_TRAIN_DEFAULT_S)
        if self._stage == "train":
            if self._stage_done < 1 or self._stage_total <= 0:
                return None
            pace = (now - self._train_t0) / self._stage_done
            return pace * (self._stage_total - self._stage_done) + post_s
        key, started = self._post_stage_key()
        offset = (plan.get("offsets") or {}).get(key)
        if offset is not None and started is not None:
            return max(post_s - float(offset) - (now - started), 1.0)
        return max(post_s - (now - (self._train_end or now)), 1.0)

    def _stage_keys(self) -> list[tuple[str, float]]:
        """This run's stages as ("name#k", start): the k-th start of that name (quantize can run twice)."""
        seen: dict[str, int] = {}
        keys = []
        for name, started in self._stage_times:
            seen[name] = seen.get(name, 0) + 1
            keys.append((f"{name}#{seen[name]}", started))
        return keys

    def _post_stage_key(self) -> tuple[str, float | None]:
        """The current stage's key (see _stage_keys) and when it began."""
        keys = self._stage_keys()
        return keys[-1] if keys else ("", None)

    def _post_timeline(self, end: float) -> dict | None:
        """This run after training: its length and where each stage started, for the next ETA."""
        if self._train_end is None:
            return None
        offsets = {key: round(started - self._train_end, 2) for key, started in self._stage_keys()
                   if started >= self._train_end}
        return {"total": round(end - self._train_end, 2), "offsets": offsets}

    def _timeline_path(self) -> Path:
        return Path(self.store.home) / TIMELINE_FILE

    def _load_post_plan(self) -> dict | None:
        """This shop's last timeline, else the newest of any shop; None when there is none (or the
        file is damaged: it is only an estimate)."""
        try:
            data = json.loads(self._timeline_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        shops = data.get("shops") if isinstance(data.get("shops"), dict) else {}
        for plan in (shops.get(str(self.shop_id)), data.get("last")):
            try:
                if isinstance(plan, dict) and float(plan.get("total") or 0) > 0:
                    return plan
            except (TypeError, ValueError):
                continue
        return None

    def _save_post_plan(self, plan: dict | None) -> threading.Thread | None:
        """Remember this run's timeline for the next ETA, from a thread of its own. It was written
        with QSettings on the GUI thread, whose file write ends in an fdatasync that waited up to
        300 ms for what the training child was flushing; QSettings from a thread did not help, since
        PySide6 keeps the GIL through the C++ call (the GUI thread waited 333 ms for it)."""
        if not plan:
            return None
        path, shop = self._timeline_path(), str(self.shop_id)

        def write():
            try:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    data = {}
                shops = data.get("shops") if isinstance(data, dict) and isinstance(data.get("shops"), dict) else {}
                shops[shop] = plan
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(json.dumps({"last": plan, "shops": shops}), encoding="utf-8")
                os.replace(tmp, path)  # whole or not at all
            except OSError:
                log.warning("could not save the retrain timeline", exc_info=True)

        thread = threading.Thread(target=write, name="save-retrain-timeline")  # not daemon: finishes at exit
        thread.start()
        return thread

    def _update_progress(self) -> None:
        if not self.busy():
            return
        now = time.monotonic()
        eta = self._eta(now)
        if eta is None:
            fraction = PRE_TRAIN_FRACTION.get(self._stage, self._fraction)
        else:
            elapsed = now - self._t0
            fraction = elapsed / (elapsed + eta)
        self._set_fraction(min(fraction, 0.99))

    def _set_fraction(self, fraction: float) -> None:
        self._fraction = max(self._fraction, min(1.0, fraction))  # never goes back
        value = int(1000 * self._fraction)
        if value != self.progress.value():
            # QProgressBar.setValue repaints at once (a synchronous paint in the middle of the
            # timer slot, up to 31 ms on a busy machine); with updates off for the call, the new
            # value is painted with the next frame instead (setUpdatesEnabled(True) posts an update).
            self.progress.setUpdatesEnabled(False)
            self.progress.setValue(value)
            self.progress.setUpdatesEnabled(True)
        self.percent_label.setText(f"{int(100 * self._fraction)}%")

    def _on_metric(self, name: str, value: float, step: int) -> None:
        if name == "loss" and math.isfinite(value):
            self._loss.append((step if step >= 0 else len(self._loss) + 1, value))
            self._plot_dirty = True
        elif name == "val_top1" and math.isfinite(value):
            self._val.append((step if step >= 0 else (self._loss[-1][0] if self._loss else 0), value))
            self._plot_dirty = True

    def _on_log(self, message: str) -> None:
        elapsed = time.monotonic() - self._t0 if self._t0 else 0.0
        self.log_view.appendPlainText(f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}")

    def _tick(self) -> None:
        self._redraw_plot()
        if not self.busy():
            return
        now = time.monotonic()
        self._update_progress()
        eta = self._eta(now)
        text = self.tr("Elapsed {elapsed}").format(elapsed=format_duration(now - self._t0))
        if eta is not None:
            text += (self.tr(" · about {eta} left").format(eta=format_duration(eta)) if eta >= 5
                     else self.tr(" · almost done"))
        self.eta_label.setText(text)

    def _on_finished(self, result: dict) -> None:
        self._save_post_plan(self._post_timeline(time.monotonic()))
        self._set_fraction(1.0)
        self.last_result = result
        self._set_running(False)
        for chip in self.step_chips.values():
            chip.setProperty("state", "done")
            chip.style().unpolish(chip)
            chip.style().polish(chip)
        before, after = result.get("val_top1_before"), result.get("val_top1_after")
        seconds = result.get("seconds") or 0.0
        self.stage_label.setText(self.tr("Done"))
        self.eta_label.setText(self.tr("Finished in {t}").format(t=format_duration(seconds)))
        measured = before is not None and after is not None and not (math.isnan(before) or math.isnan(after))
        if measured:
            text = self.tr("Validation top-1 {before} → {after} ({delta:+.1f} points) on questions held out from "
                           "training.").format(before=format_pct(before), after=format_pct(after),
                                               delta=100 * (after - before))
            if self._plot:
                self._plot["before"].setPos(100 * before)
                self._plot["before"].setVisible(True)
        else:
            text = self.tr("Not measured: the shop has too few similar questions to hold some out for "
                           "validation.")
        title = self.tr("Model v{id} is active").format(id=result.get("version_id"))
        if self.worker is not None and self.worker.shop_id != self.shop_id:  # the operator switched shops
            try:
                title += f" · {self.store.shop(self.worker.shop_id).name}"
            except StoreError:
                pass
        self._show_result_card("done", title, text,
                               before=before if measured else None, after=after if measured else None,
                               seconds=seconds)
        self._on_log(self.tr("done: model v{id} active").format(id=result.get("version_id")))
        self._plot_dirty = True
        self._redraw_plot()
        self.refresh()
        self.retrain_finished.emit(result)
        self.model_changed.emit()

    def _on_cancelled(self) -> None:
        self._set_running(False)
        self.stage_label.setText(self.tr("Cancelled"))
        self.eta_label.setText("")
        self._show_result_card("cancelled", self.tr("Retrain cancelled"),
                               self.tr("Nothing changed: the previous model is still active."))
        self._on_log(self.tr("cancelled"))
        self.refresh()
        self.retrain_cancelled.emit()

    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self.stage_label.setText(self.tr("Failed"))
        self.eta_label.setText("")
        self._show_result_card("failed", self.tr("Retrain failed"),
                               self.tr("{error}\nThe previous model is still active. The details are in the log.")
                               .format(error=message))
        self._on_log(self.tr("failed: {error}").format(error=message))
        self.refresh()
        self.retrain_failed.emit(message)

    # ------------------------------------------------------------------ helpers
    def _show_result_card(self, state: str, title: str, text: str, before=None, after=None, seconds=None) -> None:
        self.result_card.setProperty("state", state)
        self.result_card.style().unpolish(self.result_card)
        self.result_card.style().polish(self.result_card)
        color = {"done": ANSWER_COLOR, "cancelled": "#4e5969", "failed": NO_MATCH_COLOR}.get(state, SUGGEST_COLOR)
        icon = {"done": "✓", "cancelled": "■", "failed": "✕"}.get(state, "")
        self.result_title.setText(f"<span style='color:{color}'>{icon}</span> {title}")
        self.result_text.setText(text)
        show_numbers = state == "done"
        self.result_numbers["before"].setText(format_pct(before))
        self.result_numbers["after"].setText(format_pct(after))
        self.result_numbers["time"].setText(format_duration(seconds) if seconds is not None else "–")
        for value in self.result_numbers.values():
            value.setVisible(show_numbers)
        for label in self.result_card.findChildren(QLabel, "numberName"):
            label.setVisible(show_numbers)
        self.result_card.setVisible(True)

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running or self._fraction > 0)
        self.percent_label.setVisible(running or self._fraction > 0)
        if running:
            for chip in self.step_chips.values():
                chip.setProperty("state", "")
                chip.style().unpolish(chip)
                chip.style().polish(chip)
            self.progress.setValue(0)
            self.percent_label.setText("0%")
            self.stage_label.setText(self.tr("Starting…"))
            self.eta_label.setText("")
            self._ticker.start()
        else:
            self._ticker.stop()
            self._redraw_plot()
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
