"""Moving questions in and out of files: the import dialog (preview, column mapping, dry run,
import) and the export command.

Reading, checking and importing run in a worker thread with their own Store connection (SQLite
WAL lets the window keep reading meanwhile), so a 100,000-row file never freezes the window.
The check is Store.import_rows(dry_run=True): the very code of the import, rolled back, so the
conflicts it lists are exactly those the import would meet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QProgressBar, QProgressDialog, QPushButton, QStyle,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.io_formats import EXPORT_COLUMNS, FileFormatError, first_data_row, read_table, rows_from_table, write_rows
from ...core.io_formats import guess_columns as guess_mapping
from ...core.store import ImportReport, Store, StoreError
from ..icons import icon
from ..job_runner import JobRunner
from ..messages import conflict_text, error_text
from ..style import ERROR, SUCCESS, WARNING
from ..workers import FunctionWorker

PREVIEW_ROWS = 50

def column_labels() -> dict[str, str]:
    return {"standard_question": QCoreApplication.translate("Labels", "standard question"),
            "similar_question": QCoreApplication.translate("Labels", "similar question"),
            "category": QCoreApplication.translate("Labels", "category"),
            "answer": QCoreApplication.translate("Labels", "answer"),
            "enabled": QCoreApplication.translate("Labels", "enabled"),
            "source": QCoreApplication.translate("Labels", "source"),
            "status": QCoreApplication.translate("Labels", "status")}


def _job(fn: Callable[[], Any]):
    """fn() as a JobWorker job handing back (result, None) or (None, exception): the dialog shows a
    FileFormatError's rows and a StoreError's own words, not a one-line message."""
    def run(_reporter):
        try:
            return fn(), None
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which shows it
            return None, exc
    return run


def _with_store(home: Path, fn: Callable[[Store], Any]) -> Any:
    """Call fn with a Store of its own: a connection is never shared between threads mid-transaction."""
    store = Store(home)
    try:
        return fn(store)
    finally:
        store.close()


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportReport of a finished import

    def __init__(self, store: Store, shop_id: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import questions"))
        self.resize(900, 640)
        self.store, self.shop_id = store, shop_id
        self.path: Path | None = None
        self.headers: list[str] = []
        self.cells: list[list[str]] = []
        self.rows: list | None = None            # ImportRows of the last check
        self.report: ImportReport | None = None  # dry-run report of the last check
        self.file_errors: list[FileFormatError] = []
        self.jobs = JobRunner(self)  # one read, check or import at a time
        self.jobs.finished.connect(self._task_done)
        self.jobs.failed.connect(lambda message: self._task_done((None, RuntimeError(message))))
        self._on_done = None
        self._importing = False
        self._recheck = False
        self._combos: list[QComboBox] = []
        self._labels = column_labels()

        self.file_edit = QLineEdit(readOnly=True, placeholderText=self.tr("CSV, Excel (.xlsx) or JSON file"))
        browse = QPushButton(icon("import"), self.tr("Choose file…"))
        browse.clicked.connect(self.browse)
        self.info = QLabel(objectName="hint", wordWrap=True)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setDefaultSectionSize(28)
        self.preview.setWordWrap(False)
        self.busy = QProgressBar(maximum=0, textVisible=False, maximumHeight=6)
        self.busy.hide()
        self.summary = QLabel(wordWrap=True)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(150)
        self.skip_conflicts = QCheckBox(self.tr("Skip conflicting rows and import the rest"))
        self.skip_conflicts.toggled.connect(self._update_buttons)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_conflicts)
        bottom.addStretch(1)
        bottom.addWidget(cancel)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(QLabel(self.tr("1. File"), objectName="title"))
        layout.addLayout(file_row)
        layout.addWidget(QLabel(self.tr("2. Columns: check what each column of the file holds"), objectName="title"))
        layout.addWidget(self.info)
        layout.addWidget(self.preview, 1)
        layout.addWidget(QLabel(self.tr("3. Check: nothing is written until you press Import"), objectName="title"))
        layout.addWidget(self.busy)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- step 1: the file --------------------------------------------------------------------
    @staticmethod
    def choose_file(parent) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("ImportDialog", "Import questions"), "",
            QCoreApplication.translate("ImportDialog", "Question files (*.csv *.xlsx *.json)"))
        return Path(path) if path else None

    def browse(self) -> None:
        if (path := self.choose_file(self)) is not None:
            self.open_file(path)

    def open_file(self, path: Path) -> None:
        if self.jobs.busy() and not self._importing:  # another file while a check runs
            self.jobs.drop(cancel=False)  # it runs to its end unobserved
            self._recheck = False
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self._reset_results()
        self.summary.setText(self.tr("Reading the file…"))
        self._run(lambda: read_table(self.path), self._file_read)

    def _file_read(self, table) -> None:
        self.headers, self.cells = table
        self.info.setText(self.tr("{rows} rows, {cols} columns. The first row of the preview says where each "
                                  "column goes; columns set to “not imported” are left out.").format(
            rows=len(self.cells), cols=len(self.headers)))
        self._fill_preview(guess_mapping(self.headers))
        self.check()

    def _fill_preview(self, guessed: dict[int, str]) -> None:
        shown = self.cells[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(self.headers))
        self.preview.setRowCount(len(shown) + 1)
        self.preview.setHorizontalHeaderLabels([h.strip() or "—" for h in self.headers])
        self.preview.setVerticalHeaderLabels([self.tr("→")] + [str(i) for i in
                                                               range(first_data_row(self.path), len(shown) + 2)])
        self.preview.verticalHeader().setDefaultSectionSize(28)
        self._combos = []
        for col, header in enumerate(self.headers):
            combo = QComboBox()
            combo.addItem(self.tr("not imported"), "")
            for name in EXPORT_COLUMNS:
                combo.addItem(self._labels[name], name)
            combo.setCurrentIndex(max(combo.findData(guessed.get(col, "")), 0))
            combo.setEnabled(bool(header.strip()))
            combo.currentIndexChanged.connect(lambda _i, c=col: self._mapping_changed(c))
            self.preview.setCellWidget(0, col, combo)
            self._combos.append(combo)
            for row, cells in enumerate(shown, 1):
                value = cells[col] if col < len(cells) else ""
                item = QTableWidgetItem(value.replace("\r\n", " ⏎ ").replace("\n", " ⏎ "))
                item.setToolTip(value[:500])
                self.preview.setItem(row, col, item)
        self.preview.setRowHeight(0, 36)
        for col in range(len(self.headers)):
            self.preview.setColumnWidth(col, 170)

    def mapping(self) -> dict[str, str]:
        """Source header -> our column ("" leaves the column out), as rows_from_table takes it."""
        return {h: combo.currentData() for h, combo in zip(self.headers, self._combos) if h.strip()}

    def set_mapping(self, header: str, column: str) -> None:
        combo = self._combos[self.headers.index(header)]
        combo.setCurrentIndex(combo.findData(column))

    def _mapping_changed(self, col: int) -> None:
        target = self._combos[col].currentData()
        if target:  # one source column per target: the other one that had it lets go
            for other, combo in enumerate(self._combos):
                if other != col and combo.currentData() == target:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.check()

    # -- step 3: the dry run ------------------------------------------------------------------
    def check(self) -> None:
        """Convert with the current mapping and dry-run the import; re-queued if one is running."""
        if self.path is None:
            return
        if self.jobs.busy():
            self._recheck = True
            return
        self._reset_results()
        self.summary.setText(self.tr("Checking…"))
        headers, cells, mapping, label = self.headers, self.cells, self.mapping(), self.path.name
        first, home, shop_id = first_data_row(self.path), self.store.home, self.shop_id

        def work():
            rows = rows_from_table(headers, cells, mapping, label, first_row=first)
            report = _with_store(home, lambda s: s.import_rows(shop_id, rows, dry_run=True))
            return rows, report

        self._run(work, self._checked)

    def _checked(self, result) -> None:
        self.rows, self.report = result
        r = self.report
        parts = [self.tr("Would add {sq} standard and {sim} similar questions").format(
            sq=r.added_standard, sim=r.added_similar)]
        if r.updated_standard:
            parts.append(self.tr("update {n}").format(n=r.updated_standard))
        if r.skipped_identical:
            parts.append(self.tr("skip %n row(s) already there", "", r.skipped_identical))
        text = self.tr(", ").join(parts) + self.tr(".")
        if r.conflicts:
            text += " " + self.tr("%n conflict(s): the import stops on them unless you skip them.", "",
                                 len(r.conflicts))
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {WARNING if r.conflicts else SUCCESS};")
        for c in r.conflicts:
            self._problem(conflict_text(c))
        self._update_buttons()

    # -- import -------------------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.rows is None or self.jobs.busy():
            return
        self._importing = True  # from now on the dialog stays until the import commits or rolls back
        self.cancel_button.setEnabled(False)
        rows, home, shop_id, skip = self.rows, self.store.home, self.shop_id, self.skip_conflicts.isChecked()
        self.summary.setText(self.tr("Importing…"))
        self._run(lambda: _with_store(home, lambda s: s.import_rows(shop_id, rows, skip_conflicts=skip)),
                  self._imported)

    def _imported(self, report: ImportReport) -> None:
        self.imported.emit(report)
        left_out = self.tr(" %n conflicting row(s) were left out.", "", len(report.conflicts)) \
            if report.conflicts else ""
        QMessageBox.information(self, self.tr("Import finished"), self.tr(
            "Added {sq} standard and {sim} similar questions, updated {up}.").format(
            sq=report.added_standard, sim=report.added_similar, up=report.updated_standard) + left_out)
        self.accept()

    # -- plumbing ------------------------------------------------------------------------------------
    def _run(self, fn, on_done) -> None:
        self._on_done = on_done
        worker = self.jobs.start(FunctionWorker(_job(fn)))
        app = QCoreApplication.instance()
        if app is not None:  # quitting meanwhile: wait for it rather than cut an import short
            app.aboutToQuit.connect(worker.wait)
        self.busy.show()
        self._update_buttons()

    def _task_done(self, value) -> None:
        result, exc = value
        if exc is None:
            self._on_done(result)
        else:
            self._failed(exc)
        if not self.jobs.busy():  # the handler may have started the next step
            self.busy.hide()
        self._update_buttons()
        if self._recheck:
            self._recheck = False
            self.check()

    def _failed(self, exc: Exception) -> None:
        if self._importing:
            self._importing = False
            self.cancel_button.setEnabled(True)
        if isinstance(exc, FileFormatError):
            self.file_errors = exc.errors
            self.summary.setText(self.tr("The file has %n problem(s); fix them (or the column mapping) "
                                         "first. Nothing was written.", "", len(exc.errors)))
            for e in exc.errors[:500]:
                self._problem(str(e))
        else:
            self.summary.setText(error_text(exc) if isinstance(exc, StoreError) else str(exc))
        self.summary.setStyleSheet(f"color: {ERROR};")
        self._update_buttons()

    def _problem(self, text: str) -> None:
        item = QListWidgetItem(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning), text)
        self.problems.addItem(item)

    def _reset_results(self) -> None:
        self.rows = self.report = None
        self.file_errors = []
        self.problems.clear()
        self.summary.setStyleSheet("")
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        ready = not self.jobs.busy() and self.report is not None and bool(self.rows)
        if ready and self.report.conflicts and not self.skip_conflicts.isChecked():
            ready = False
        self.import_button.setEnabled(ready)

    def reject(self) -> None:
        if not self._importing:  # Esc / close during the import itself: it must finish first
            super().reject()

    def done(self, result: int) -> None:
        if self.jobs.busy() and not self._importing:  # a read or a check: drop it, don't wait
            self.jobs.drop(cancel=False)
        self.cells, self.rows = [], None  # a 100,000-row file need not outlive the dialog
        super().done(result)


def export_shop(parent: QWidget, store: Store, shop_id: int, shop_name: str) -> Path | None:
    """Ask for a file and write every column of the shop to it (off the GUI thread)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("ImportDialog", "Export questions"), f"{shop_name}.csv",
        QCoreApplication.translate("ImportDialog", "CSV (*.csv);;Excel (*.xlsx);;JSON (*.json)"))
    if not path:
        return None
    target = Path(path)
    # Shown only if the export takes longer than minimumDuration; modal so no edit slips in meanwhile.
    progress = QProgressDialog(QCoreApplication.translate("ImportDialog", "Exporting…"), None, 0, 0, parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)
    loop = QEventLoop()
    worker = FunctionWorker(_job(lambda: _with_store(store.home, lambda s: write_rows(target, s.export_rows(shop_id)))))
    worker.finished.connect(loop.quit)
    worker.start()
    loop.exec()
    worker.wait()
    progress.close()
    progress.deleteLater()
    _, error = worker.result
    if error is not None:
        QMessageBox.warning(parent, QCoreApplication.translate("ImportDialog", "Export failed"), str(error))
        return None
    return target
