"""The report's curves: precision against coverage as the answer threshold moves, and the top-1
score histograms with the thresholds marked (pyqtgraph, imported when first drawn)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..style import MUTED, PRIMARY
from .score_bar import ANSWER_COLOR, NO_MATCH_COLOR, SUGGEST_COLOR


class ReportCurves(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.hint = QLabel(self.tr("No report yet."), objectName="hint")
        self.row.addWidget(self.hint)
        self.plots = None

    def show_report(self, r: dict) -> None:
        try:
            import pyqtgraph as pg
        except ImportError:
            self.hint.setText(self.tr("pyqtgraph is not installed: no plots."))
            return
        if self.plots is None:
            self.hint.hide()
            pg.setConfigOptions(antialias=True, background="w", foreground=MUTED)
            self.plots = (pg.PlotWidget(), pg.PlotWidget())
            self._legend = self.plots[1].getPlotItem().addLegend(offset=(10, 10))
            for w in self.plots:
                w.getPlotItem().showGrid(x=True, y=True, alpha=0.15)
                w.getPlotItem().setMenuEnabled(False)
                w.getPlotItem().hideButtons()
                w.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
                self.row.addWidget(w)
        pc, hist = self.plots
        pc.clear()
        item = pc.getPlotItem()
        item.setTitle(self.tr("Precision against coverage (answer threshold swept)"))
        item.setLabel("bottom", self.tr("in-scope questions answered (%)"))
        item.setLabel("left", self.tr("answered questions right (%)"))
        points = r.get("curve") or []
        if points:
            xs = [100 * p["coverage"] for p in points]
            ys = [100 * p["precision"] for p in points]
            pc.plot(xs, ys, pen=pg.mkPen(PRIMARY, width=2))
            t = r.get("thresholds", {})
            main = r["models"][r["main"]]
            o = main.get("on_report_half", {})
            chosen = pg.ScatterPlotItem([100 * t.get("coverage", o.get("coverage", 0))],
                                        [100 * t.get("precision", o.get("precision", 0))], size=12,
                                        brush=pg.mkBrush(ANSWER_COLOR), pen=pg.mkPen("w"))
            pc.addItem(chosen)
            target = pg.InfiniteLine(pos=100 * t.get("target_precision", 0.95), angle=0,
                                     pen=pg.mkPen(SUGGEST_COLOR, width=1, style=Qt.PenStyle.DashLine),
                                     label=self.tr("target"), labelOpts={"position": 0.1, "color": SUGGEST_COLOR})
            pc.addItem(target)
        hist.clear()
        item = hist.getPlotItem()
        item.setTitle(self.tr("Top-1 scores"))
        item.setLabel("bottom", self.tr("cosine similarity"))
        item.setLabel("left", self.tr("questions"))
        self._legend.clear()
        h = r.get("histograms") or {}
        bins = h.get("bins") or []
        for key, color, name in (("matched", ANSWER_COLOR, self.tr("right match")),
                                 ("best_wrong", SUGGEST_COLOR, self.tr("best wrong standard question")),
                                 ("none", NO_MATCH_COLOR, self.tr("“none” questions"))):
            counts = h.get(key) or []
            if bins and counts:  # named items join the legend
                hist.plot(bins, counts, stepMode="center", pen=pg.mkPen(color, width=2), name=name)
        t = r.get("thresholds", {})
        for value, color in ((t.get("answer"), ANSWER_COLOR), (t.get("suggest"), SUGGEST_COLOR)):
            if value is not None:
                hist.addItem(pg.InfiniteLine(pos=value, angle=90, pen=pg.mkPen(color, width=1,
                                                                               style=Qt.PenStyle.DashLine)))
