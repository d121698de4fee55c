"""The batch test: a question file answered in the background, its summary, its rows, a CSV export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from ....core.batch_csv import write_batch_csv
from ...job_runner import JobRunner
from ...matcher_host import MatcherHost
from ...style import NO_MATCH
from ...workers import BatchQueryWorker
from ..score_bar import ScoreBarDelegate
from .tables import BatchTableModel, setup_table


def _stat_card(name: str) -> tuple[QFrame, QLabel]:
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
    return frame, value


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


class BatchTab(QWidget):
    batch_done = Signal(dict)  # batch summary (see prepare.batch_summary), plus 'seconds'

    def __init__(self, matchers: MatcherHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matchers = matchers
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self.batch_summary: dict | None = None
        self._expected: list[str] | None = None
        self._file: Path | None = None
        self._build()

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 10, 0, 0)
        lay.setSpacing(8)

        bar = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open question file…"))
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(self.choose_file)
        bar.addWidget(self.open_button)
        self.file_label = QLabel(self.tr("A .txt file with one question per line, or a CSV / Excel file "
                                         "with a “query” (问题) column and an optional “expected” "
                                         "(标准问) column."))
        self.file_label.setObjectName("hint")
        self.file_label.setWordWrap(True)
        bar.addWidget(self.file_label, 1)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(160)
        self.progress.setVisible(False)
        bar.addWidget(self.progress)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        bar.addWidget(self.cancel_button)
        self.export_button = QPushButton(self.tr("Export results…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.export_button)
        lay.addLayout(bar)

        stats = QHBoxLayout()
        stats.setSpacing(8)
        self.stat_values: dict[str, QLabel] = {}
        for key, name in (("n", self.tr("Questions")), ("accuracy", self.tr("Accuracy")),
                          ("top1", self.tr("Top-1 right")), ("answer", self.tr("Answered")),
                          ("suggest", self.tr("Suggested")), ("no_match", self.tr("No match")),
                          ("speed", self.tr("ms / question"))):
            frame, self.stat_values[key] = _stat_card(name)
            stats.addWidget(frame)
        lay.addLayout(stats)

        self.model = BatchTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.delegate = ScoreBarDelegate(self.table)
        setup_table(self.table)
        self.table.verticalHeader().setVisible(True)
        self.table.verticalHeader().setDefaultSectionSize(28)
        lay.addWidget(self.table, 1)

    def busy(self) -> bool:
        return self.jobs.busy()

    def update_enabled(self) -> None:
        self.open_button.setEnabled(self.matchers.matcher is not None and not self.busy())

    # ------------------------------------------------------------------ running
    def choose_file(self) -> None:
        folder = QSettings().value("query_panel/batch_dir", "")
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open question file"), folder,
            self.tr("Question files (*.txt *.csv *.xlsx *.json);;All files (*)"))
        if path:
            QSettings().setValue("query_panel/batch_dir", str(Path(path).parent))
            self.run_file(path)

    def run_file(self, path) -> bool:
        """Read a question file and answer it in the background; False (and a message) on a bad file."""
        from ....core.io_formats import FileFormatError
        from ....core.prepare import read_batch_file

        if self.matchers.matcher is None:
            return False
        try:
            queries, expected = read_batch_file(path)
        except (FileFormatError, OSError) as exc:
            self.file_label.setText(f"<span style='color:{NO_MATCH}'>{exc}</span>")
            return False
        self._file = Path(path)
        self._expected = expected
        worker = BatchQueryWorker(self.matchers.matcher, queries, self.matchers.lock, k=3)
        worker.reporter.progress_changed.connect(self._on_progress)
        self.file_label.setText(self.tr("{name}: answering %n question(s)…", "", len(queries)).format(
            name=Path(path).name))
        self.progress.setRange(0, len(queries))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.export_button.setEnabled(False)
        self.jobs.start(worker)  # a batch still running is cancelled: its rows are dropped
        self.update_enabled()
        return True

    def cancel(self) -> None:
        self.jobs.cancel()

    def _on_progress(self, done: int, _total: int) -> None:
        self.progress.setValue(done)

    def _ended(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.update_enabled()

    def _on_finished(self, results) -> None:
        from ....core.prepare import batch_summary

        self._ended()
        summary = batch_summary(results, self._expected)
        summary["seconds"] = self.jobs.worker.seconds or 0.0
        self.model.set_results(results, self._expected, summary["correct"])
        score_col = self.model.score_column()
        for col in range(self.model.columnCount()):
            self.table.setItemDelegateForColumn(col, self.delegate if col == score_col else None)
        h = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.resizeSection(score_col, 190)
        self.table.resizeColumnToContents(self.model.columnCount() - 1)
        n = summary["n"] or 1
        self.stat_values["n"].setText(str(summary["n"]))
        self.stat_values["accuracy"].setText(_pct(summary["accuracy"]))
        self.stat_values["top1"].setText(_pct(summary["top1"]))
        for key in ("answer", "suggest", "no_match"):
            self.stat_values[key].setText(_pct(summary[key] / n))
        self.stat_values["speed"].setText(f"{1000 * summary['seconds'] / n:.1f}")
        if summary["accuracy"] is not None:
            text = self.tr("{name}: %n question(s), {right} right ({acc}).", "", summary["n"]).format(
                name=self._file.name, right=sum(summary["correct"]), acc=_pct(summary["accuracy"]))
        else:
            text = self.tr("{name}: %n question(s) (add an “expected” column to measure accuracy).", "",
                           summary["n"]).format(name=self._file.name)
        self.file_label.setText(text)
        self.export_button.setEnabled(True)
        self.batch_summary = summary
        self.batch_done.emit(summary)

    def _on_failed(self, message: str) -> None:
        self._ended()
        self.file_label.setText(f"<span style='color:{NO_MATCH}'>"
                                + self.tr("The batch test failed: {error}").format(error=message) + "</span>")

    def _on_cancelled(self) -> None:
        self._ended()
        self.file_label.setText(self.tr("Batch test cancelled."))

    # ------------------------------------------------------------------ export
    def export(self) -> None:
        if not self.model.results:
            return
        default = str(self._file.with_name(self._file.stem + "_results.csv")) if self._file else ""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export results"), default, self.tr("CSV files (*.csv)"))
        if path:
            self.write_csv(path)

    def write_csv(self, path) -> None:
        write_batch_csv(path, self.model.results, self.model.expected, self.model.correct)
