"""The Statistics view (View ▸ Statistics…): what consumers asked a shop through the API.

For the current shop and a period (today, the last 7 or 30 days, everything): the summary
(queries, answer / suggest / no-match rates, latency p50 / p99, feedback), a plot of the daily
answered / suggested / no-match counts (stacked bars), the hits per standard question, the
standard questions never hit, and the most frequent texts that were not answered.

The numbers come from `core.querystats.shop_stats` over the query log, computed in a worker
thread (JobRunner) with its own connections: the log is written all day by the server child, so
the view recomputes every minute while it is shown (and on Refresh). The
plot library is imported when the first result is drawn (the retrain panel has usually imported
it in the background by then).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSizePolicy, QStackedWidget, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from ...core.querylog import FILE_NAME
from ..job_runner import JobRunner
from ..style import ANSWER, MUTED, NO_MATCH, SUBTLE, SUGGEST, TEXT, TEXT_SECONDARY
from ..workers import FunctionWorker

log = logging.getLogger(__name__)

PERIODS = ("today", "7d", "30d", "all")
AUTO_REFRESH_MS = 60_000  # while the view is shown: the server keeps logging


def period_start(period: str, today: dt.date | None = None) -> dt.date | None:
    """The first day a period covers (local time); None for everything."""
    today = today or dt.date.today()
    return {"today": today, "7d": today - dt.timedelta(days=6), "30d": today - dt.timedelta(days=29)}.get(period)


def compute_stats(home: Path, log_path: Path, shop_id: int, since: float | None) -> dict | None:
    """shop_stats with this thread's own connections; None when the log does not exist yet."""
    from ...core.querylog import QueryLog
    from ...core.querystats import shop_stats
    from ...core.store import Store

    if not Path(log_path).exists():
        return None
    store = Store(Path(home))
    query_log = QueryLog(log_path)
    try:
        return shop_stats(query_log, shop_id, store.standard_lookup(shop_id), since=since)
    finally:
        query_log.close()
        store.close()


def day_series(per_day: list[dict], first: dt.date | None, last: dt.date) -> list[dict]:
    """per_day with the days without queries filled in, from `first` (or the first logged day) to `last`."""
    by_day = {d["day"]: d for d in per_day}
    if first is None:
        if not per_day:
            return []
        first = dt.date.fromisoformat(per_day[0]["day"])
    last = max(last, dt.date.fromisoformat(per_day[-1]["day"])) if per_day else last
    out = []
    day = first
    while day <= last:
        key = day.isoformat()
        out.append(by_day.get(key, {"day": key, "queries": 0, "answered": 0, "suggested": 0, "no_match": 0}))
        day += dt.timedelta(days=1)
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _ms(x) -> str:
    return "–" if x is None else f"{x:.1f} ms"


class _Number(QFrame):
    """One summary figure: a big value over its caption."""

    def __init__(self, caption: str, color: str = TEXT, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.value = QLabel("–")
        self.value.setStyleSheet(f"font-size: 20px; font-weight: 600; color: {color};")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {MUTED};")
        self.detail = QLabel("")
        self.detail.setStyleSheet(f"color: {SUBTLE};")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class StatsView(QDialog):
    """Statistics of one shop's served queries over a period."""

    question_requested = Signal(int)  # double-click on a standard question: open it in the editor

    def __init__(self, home: Path, shop_id: int, shop_name: str = "", parent=None, *,
                 log_path: Path | None = None) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.log_path = Path(log_path) if log_path else self.home / FILE_NAME
        self.shop_id = shop_id
        self.shop_name = shop_name
        self.stats: dict | None = None
        self.plot: dict | None = None  # the pyqtgraph parts once built ({} without pyqtgraph)
        self.runner = JobRunner(self)
        self.runner.finished.connect(self._show)
        self.runner.failed.connect(self._failed)
        self.resize(1000, 720)
        self._build()
        self.auto_refresh = QTimer(self)
        self.auto_refresh.setInterval(AUTO_REFRESH_MS)
        self.auto_refresh.timeout.connect(self._refresh_if_idle)
        self.set_shop(shop_id, shop_name)

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)
        top = QHBoxLayout()
        self.title = QLabel(objectName="title")
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Period")))
        self.period = QComboBox()
        for code, text in zip(PERIODS, (self.tr("Today"), self.tr("Last 7 days"), self.tr("Last 30 days"),
                                        self.tr("All"))):
            self.period.addItem(text, code)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(self.refresh)
        top.addWidget(self.period)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        root.addLayout(top)

        self.stack = QStackedWidget()  # 0: the hint (empty log), 1: the statistics
        self.hint = QLabel(objectName="hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self._content())
        root.addWidget(self.stack, 1)
        self.status = QLabel(objectName="meta")
        root.addWidget(self.status)

    def _content(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        numbers = QGridLayout()
        numbers.setSpacing(8)
        self.queries_number = _Number(self.tr("queries"))
        self.answer_number = _Number(self.tr("answered"), ANSWER)
        self.suggest_number = _Number(self.tr("suggested"), SUGGEST)
        self.no_match_number = _Number(self.tr("no match"), NO_MATCH)
        self.latency_number = _Number(self.tr("latency p50"))
        self.feedback_number = _Number(self.tr("feedback: helpful"))
        for i, w in enumerate((self.queries_number, self.answer_number, self.suggest_number, self.no_match_number,
                               self.latency_number, self.feedback_number)):
            numbers.addWidget(w, 0, i)
        layout.addLayout(numbers)

        self.plot_card = QFrame(objectName="card")
        self.plot_card.setMinimumHeight(220)
        self.plot_card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot_layout = QVBoxLayout(self.plot_card)
        self.plot_layout.setContentsMargins(6, 6, 6, 6)
        self.plot_hint = QLabel(self.tr("Install pyqtgraph to see the daily plot."), objectName="hint")
        self.plot_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plot_hint.setVisible(False)
        self.plot_layout.addWidget(self.plot_hint)
        layout.addWidget(self.plot_card, 3)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.hits_table = self._table([self.tr("Standard question"), self.tr("Category"), self.tr("Answered"),
                                       self.tr("Suggested"), self.tr("Chosen")])
        self.hits_table.cellDoubleClicked.connect(lambda row, _col: self._open(self.hits_table, row))
        self.never_table = self._table([self.tr("Standard question"), self.tr("Category")])
        self.never_table.cellDoubleClicked.connect(lambda row, _col: self._open(self.never_table, row))
        self.unmatched_table = self._table([self.tr("Text"), self.tr("Times"), self.tr("Decision")])
        self.tabs.addTab(self.hits_table, self.tr("Hits per standard question"))
        self.tabs.addTab(self.never_table, self.tr("Never hit"))
        self.tabs.addTab(self.unmatched_table, self.tr("Not answered"))
        layout.addWidget(self.tabs, 4)
        return page

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        return table

    # -- data ------------------------------------------------------------------------------
    def set_shop(self, shop_id: int, shop_name: str = "") -> None:
        self.shop_id = shop_id
        self.shop_name = shop_name
        self.setWindowTitle(self.tr("Statistics — {shop}").format(shop=shop_name) if shop_name
                            else self.tr("Statistics"))
        self.title.setText(self.tr("Questions served for {shop}").format(shop=shop_name or shop_id))
        self.refresh()

    def period_code(self) -> str:
        return self.period.currentData()

    def busy(self) -> bool:
        return self.runner.busy()

    def refresh(self) -> None:
        """Compute the statistics of the chosen period in the background."""
        import time

        first = period_start(self.period_code())
        since = None if first is None else time.mktime(first.timetuple())
        home, path, shop_id = self.home, self.log_path, self.shop_id
        self.status.setText(self.tr("Computing…"))
        self.refresh_button.setEnabled(False)
        self.runner.start(FunctionWorker(lambda _reporter: (shop_id, compute_stats(home, path, shop_id, since))))

    def _refresh_if_idle(self) -> None:
        if self.isVisible() and not self.busy():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.auto_refresh.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.auto_refresh.stop()
        super().hideEvent(event)

    def _failed(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(self.tr("The statistics could not be computed: {error}").format(error=message))

    def _show(self, result) -> None:
        self.refresh_button.setEnabled(True)
        shop_id, stats = result
        if shop_id != self.shop_id:
            return
        self.stats = stats
        if not stats or not stats["queries"]:
            self.hint.setText(self.tr("No questions were served for this shop in this period.\n\n"
                                      "Start serving (the Serve switch in the status bar) to collect questions; "
                                      "your customer-service system then sends them to the API, and they show "
                                      "up here."))
            self.stack.setCurrentIndex(0)
            self.status.setText("")
            return
        self.stack.setCurrentIndex(1)
        self._fill_numbers(stats)
        self._fill_tables(stats)
        self._draw(stats)
        self.status.setText(self.tr("%n queries since {since}", "", stats["queries"]).format(
            since=stats["since"] or self.tr("the first one")))

    def _fill_numbers(self, s: dict) -> None:
        self.queries_number.set(str(s["queries"]), self.tr("{p} from the cache").format(p=_pct(s["cache_hit_rate"])))
        self.answer_number.set(_pct(s["answer_rate"]), str(s["answered"]))
        self.suggest_number.set(_pct(s["suggest_rate"]), str(s["suggested"]))
        self.no_match_number.set(_pct(s["no_match_rate"]), str(s["no_match"]))
        lat = s["latency_ms"]
        self.latency_number.set(_ms(lat["p50"]), self.tr("p99 {p99}").format(p99=_ms(lat["p99"])))
        fb = s["feedback"]
        self.feedback_number.set(str(fb["helpful"]), self.tr("{n} not helpful").format(n=fb["unhelpful"]))

    def _fill_tables(self, s: dict) -> None:
        def fill(table, rows):
            table.setSortingEnabled(False)
            table.setRowCount(len(rows))
            for r, (values, item_id) in enumerate(rows):
                for c, value in enumerate(values):
                    item = QTableWidgetItem()
                    if isinstance(value, int):
                        item.setData(Qt.ItemDataRole.DisplayRole, value)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    else:
                        item.setText(value)
                    if c == 0 and item_id is not None:
                        item.setData(Qt.ItemDataRole.UserRole, item_id)
                    table.setItem(r, c, item)

        fill(self.hits_table, [((h["standard_question"], h["category"] or "", h["answered"], h["suggested"],
                                 h["chosen"]), h["id"]) for h in s["hits"]])
        fill(self.never_table, [((h["standard_question"], h["category"] or ""), h["id"]) for h in s["never_hit"]])
        decisions = {"suggest": self.tr("suggested"), "no_match": self.tr("no match"), "answer": self.tr("answered")}
        fill(self.unmatched_table, [((u["text"], u["count"], decisions.get(u["decision"], u["decision"])), None)
                                    for u in s["unmatched"]])
        colors = {self.tr("suggested"): SUGGEST, self.tr("no match"): NO_MATCH}
        for r in range(self.unmatched_table.rowCount()):
            item = self.unmatched_table.item(r, 2)
            item.setForeground(QBrush(QColor(colors.get(item.text(), TEXT))))
        self.tabs.setTabText(0, self.tr("Hits per standard question ({n})").format(n=len(s["hits"])))
        self.tabs.setTabText(1, self.tr("Never hit ({n})").format(n=len(s["never_hit"])))
        self.tabs.setTabText(2, self.tr("Not answered ({n})").format(n=len(s["unmatched"])))

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.question_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- the plot ---------------------------------------------------------------------------
    def _build_plot(self):
        if self.plot is not None:
            return self.plot or None
        try:
            import pyqtgraph as pg
        except ImportError:
            log.warning("pyqtgraph is not installed: no statistics plot")
            self.plot = {}
            self.plot_hint.setVisible(True)
            return None
        pg.setConfigOptions(antialias=True, background="w", foreground=MUTED)
        widget = pg.PlotWidget(enableMenu=False)
        item = widget.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.setLabel("left", self.tr("queries per day"))
        item.showGrid(x=False, y=True, alpha=0.15)
        legend = item.addLegend(offset=(10, 5), labelTextColor=TEXT_SECONDARY, colCount=3)
        self.plot_layout.addWidget(widget)
        self.plot = {"pg": pg, "widget": widget, "item": item, "legend": legend, "bars": []}
        return self.plot

    def _draw(self, s: dict) -> None:
        parts = self._build_plot()
        if parts is None:
            return
        pg, item = parts["pg"], parts["item"]
        for bar in parts["bars"]:
            item.removeItem(bar)
        parts["legend"].clear()
        days = day_series(s["per_day"], period_start(self.period_code()), dt.date.today())
        xs = list(range(len(days)))
        width = 0.7
        bottom = [0] * len(days)
        bars = []
        for key, name, color in (("answered", self.tr("answered"), ANSWER),
                                 ("suggested", self.tr("suggested"), SUGGEST),
                                 ("no_match", self.tr("no match"), NO_MATCH)):
            heights = [d[key] for d in days]
            bar = pg.BarGraphItem(x=xs, height=heights, y0=list(bottom), width=width, brush=color,
                                  pen=pg.mkPen(color))
            item.addItem(bar)
            parts["legend"].addItem(bar, name)
            bars.append(bar)
            bottom = [b + h for b, h in zip(bottom, heights)]
        parts["bars"] = bars
        step = max(1, len(days) // 10)  # at most about ten dates under the bars
        ticks = [(i, dt.date.fromisoformat(d["day"]).strftime("%m-%d")) for i, d in enumerate(days) if i % step == 0]
        item.getAxis("bottom").setTicks([ticks])
        top = max(bottom) if bottom else 1
        item.getViewBox().setRange(xRange=(-0.6, max(len(days) - 0.4, 0.4)), yRange=(0, max(top, 1) * 1.2),
                                   padding=0)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.auto_refresh.stop()
        self.runner.shutdown(2000)
        super().closeEvent(event)
