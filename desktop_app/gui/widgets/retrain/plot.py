"""The live training plot: loss per step and validation top-1, drawn with pyqtgraph when it is there.

pyqtgraph is imported when the plot is first built (preload.py imports it in the background
beforehand); without it, the retrain works and the hint stays in the plot's place.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout

from ...style import ACCENT, MUTED, PRIMARY, TEXT_SECONDARY

log = logging.getLogger(__name__)


class TrainingPlot(QFrame):
    """The card holding the plot (or its hint), and the points of the current run."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.loss: list[tuple[int, float]] = []
        self.val: list[tuple[int, float]] = []
        self.parts: dict | None = None  # the pyqtgraph items once built ({} without pyqtgraph)
        self._dirty = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self.hint = QLabel(self.tr("The training loss and the validation accuracy are plotted here "
                                   "during a retrain."))
        self.hint.setObjectName("hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.hint)

    # -- data ---------------------------------------------------------------------------------
    def add_metric(self, name: str, value: float, step: int) -> None:
        if name == "loss" and math.isfinite(value):
            self.loss.append((step if step >= 0 else len(self.loss) + 1, value))
            self._dirty = True
        elif name == "val_top1" and math.isfinite(value):
            self.val.append((step if step >= 0 else (self.loss[-1][0] if self.loss else 0), value))
            self._dirty = True

    def reset(self) -> None:
        self.loss.clear()
        self.val.clear()
        self._dirty = True
        if self.parts:
            self.parts["before"].setVisible(False)
            self.redraw()

    def show_before(self, top1: float) -> None:
        """The untuned model's validation top-1, as a dashed line."""
        if self.parts:
            self.parts["before"].setPos(100 * top1)
            self.parts["before"].setVisible(True)
        self._dirty = True

    # -- drawing ------------------------------------------------------------------------------
    def ensure(self):
        """The plot, built if need be and shown in place of its hint; None without pyqtgraph."""
        parts = self._build()
        if parts and not parts["widget"].isVisibleTo(self):
            self.hint.setVisible(False)
            parts["widget"].setVisible(True)
        return parts

    def redraw(self, steps: int = 0) -> None:
        """Draw the points that came since the last call (`steps`: the run's training steps, for the x range)."""
        if not self._dirty:
            return
        self._dirty = False
        parts = self.ensure()
        if parts is None:
            return
        if self.loss:
            xs, ys = zip(*self.loss)
            parts["loss"].setData(list(xs), list(ys))
        else:
            parts["loss"].setData([], [])
        self._set_range(parts, steps)
        if self.val:
            xs, ys = zip(*self.val)
            parts["val"].setData(list(xs), [100 * y for y in ys])
        else:
            parts["val"].setData([], [])

    def _set_range(self, parts: dict, steps: int) -> None:
        """x from 0 to the run's steps (or the last point), y from 0 to the highest loss: changed
        only when they grow, so the cached axes are redrawn a few times per run, not per step."""
        if not self.loss:  # a new run: the empty plot's range, forgotten once points come
            if parts["range"] is not None:
                parts["item"].getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
                parts["range"] = None
            return
        x_max = max(steps, self.loss[-1][0], self.val[-1][0] if self.val else 0, 1)
        y_max = 1.1 * max(y for _, y in self.loss)
        old = parts["range"] or (0, 0.0)
        wanted = (max(x_max, old[0]), max(y_max, old[1]))
        if wanted != parts["range"]:
            parts["item"].getViewBox().setRange(xRange=(0, wanted[0]), yRange=(0, wanted[1]), padding=0.02)
            parts["range"] = wanted

    def _build(self):
        """Build the plot, hidden until a retrain shows it (None without pyqtgraph)."""
        if self.parts is not None:
            return self.parts or None
        try:
            import pyqtgraph as pg
        except ImportError:  # the retrain works without its plot
            log.warning("pyqtgraph is not installed: no training plot")
            self.parts = {}
            return None

        pg.setConfigOptions(antialias=True, background="w", foreground=MUTED)
        # No context menus: their widget trees were half of the plot's construction time.
        widget = pg.PlotWidget(enableMenu=False)
        widget.setMinimumHeight(180)
        item = widget.getPlotItem()
        item.setLabel("bottom", self.tr("training step"))
        item.setLabel("left", self.tr("loss"), color=PRIMARY)
        item.showAxis("right")
        item.setLabel("right", self.tr("validation top-1 (%)"), color=ACCENT)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        legend = item.addLegend(offset=(-10, 10), labelTextColor=TEXT_SECONDARY)
        loss_curve = item.plot([], [], pen=pg.mkPen(PRIMARY, width=2), name=self.tr("loss"))
        # The accuracy lives in its own ViewBox on the right axis, x-linked to the loss view.
        vb2 = pg.ViewBox(enableMenu=False)
        vb2.setMouseEnabled(x=False, y=False)
        item.scene().addItem(vb2)
        item.getAxis("right").linkToView(vb2)
        vb2.setXLink(item)
        vb2.setYRange(0, 100, padding=0.05)
        val_curve = pg.PlotDataItem([], [], pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=8,
                                    symbolBrush=ACCENT, symbolPen="w")
        vb2.addItem(val_curve)
        before_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine),
                                      label=self.tr("before"), labelOpts={"position": 0.05, "color": ACCENT})
        before_line.setVisible(False)
        vb2.addItem(before_line)
        legend.addItem(val_curve, self.tr("validation top-1"))

        def sync():
            vb2.setGeometry(item.getViewBox().sceneBoundingRect())
            vb2.linkedViewChanged(item.getViewBox(), vb2.XAxis)

        item.getViewBox().sigResized.connect(sync)
        # Axes painting was most of the GUI thread's time in a retrain: no grid, axes cached as
        # pixmaps, ranges set by hand (_set_range), so a new point repaints only the curves.
        item.getViewBox().disableAutoRange()
        for side in ("left", "bottom", "right"):
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.parts = {"widget": widget, "item": item, "loss": loss_curve, "val": val_curve, "vb2": vb2,
                      "before": before_line, "sync": sync, "range": None}
        widget.setVisible(False)
        self._layout.addWidget(widget)
        sync()
        return self.parts
