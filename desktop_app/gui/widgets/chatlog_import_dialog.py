"""File ▸ Import chat log…: a shop platform's chat export (CSV / XLSX) into the query log, so the
inbox sees what consumers asked there.

Laid out like the question import dialog: the file, a preview whose first row says what each
column holds (message text, time, sender, session; guessed by core.chatlog_read), then which
senders are the consumer (买家, 顾客...: only their messages are imported), masking (on) and
repeats. Reading the file and the import itself run in a JobRunner job with their own
connections; the import reports progress and stops on Cancel after its current batch, keeping
what it logged (importing the same file again goes on from there).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from ..icons import icon
from ..job_runner import JobRunner
from ..matcher_host import MatcherHost
from ..style import ERROR, FAINT, SUCCESS, TEXT, WARNING
from ..workers import FunctionWorker
from .inbox.jobs import SharedMatcher, import_job, read_job

PREVIEW_ROWS = 50
SENDER_VALUES = 50  # distinct sender values offered (most frequent first)
ROLES = ("text", "time", "sender", "session")
DIR_KEY = "inbox/chatlog_dir"


class ChatLogImportDialog(QDialog):
    imported = Signal(object)  # the ImportSummary (also of a cancelled import: what it logged stays)

    def __init__(self, store, shop_id: int, matchers: MatcherHost, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import chat log"))
        self.resize(940, 700)
        self.store, self.shop_id, self.matchers = store, shop_id, matchers
        self.path: Path | None = None
        self.table = None            # core ChatTable of the file
        self.sender_counts: dict[str, int] = {}
        self.summary = None          # ImportSummary of the last import
        self._combos: list[QComboBox] = []
        self._importing = False
        self._sender_shown: int | None = None  # the column the sender values listed are of
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._job_done)
        self.jobs.failed.connect(self._job_failed)
        matchers.ready.connect(lambda _m: self._update_buttons())

        self.file_edit = QLineEdit(readOnly=True, placeholderText=self.tr("A chat export of the shop platform: "
                                                                          "CSV or Excel (.xlsx)"))
        browse = QPushButton(icon("import"), self.tr("Choose file…"))
        browse.clicked.connect(self.browse)
        self.info = QLabel(objectName="hint", wordWrap=True)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.sender_note = QLabel(wordWrap=True)
        self.senders = QListWidget()
        self.senders.setFixedHeight(62)
        self.senders.setFlow(QListWidget.Flow.LeftToRight)
        self.senders.setWrapping(True)
        self.senders.setSpacing(2)
        self.senders.itemChanged.connect(lambda _i: self._filter_changed())
        self.mask = QCheckBox(self.tr("Mask personal data (phone, order and parcel numbers, addresses…), as the "
                                      "query log does"), checked=True)
        self.dedup = QCheckBox(self.tr("A text repeated in one conversation counts once"), checked=True)
        self.status = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.progress = QProgressBar(textVisible=True)
        self.progress.hide()
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop after the current batch; what was imported stays, and importing "
                                            "the same file again goes on from there."))
        self.stop_button.clicked.connect(self.jobs.cancel)
        self.stop_button.hide()
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton(self.tr("Cancel"))
        self.close_button.clicked.connect(self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.stop_button)
        bottom.addStretch(0)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(QLabel(self.tr("1. File"), objectName="title"))
        layout.addLayout(file_row)
        layout.addWidget(QLabel(self.tr("2. Columns: check what each column of the file holds"), objectName="title"))
        layout.addWidget(self.info)
        layout.addWidget(self.preview, 1)
        layout.addWidget(QLabel(self.tr("3. Only the consumer's messages"), objectName="title"))
        layout.addWidget(self.sender_note)
        layout.addWidget(self.senders)
        layout.addWidget(self.mask)
        layout.addWidget(self.dedup)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- the file ---------------------------------------------------------------------------------
    @staticmethod
    def choose_file(parent) -> Path | None:
        folder = QSettings().value(DIR_KEY, "")
        path, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("ChatLogImportDialog", "Import chat log"), folder,
            QCoreApplication.translate("ChatLogImportDialog", "Chat logs (*.csv *.xlsx);;All files (*)"))
        if not path:
            return None
        QSettings().setValue(DIR_KEY, str(Path(path).parent))
        return Path(path)

    def browse(self) -> None:
        if (path := self.choose_file(self)) is not None:
            self.open_file(path)

    def open_file(self, path) -> None:
        if self._importing:
            return
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.table, self.sender_counts = None, {}
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self.senders.clear()
        self._say(self.tr("Reading the file…"))
        self.jobs.start(FunctionWorker(lambda _r, p=self.path: ("read", read_job(p))))
        self._update_buttons()

    def _file_read(self, result) -> None:
        chat, exc = result
        if exc is not None:
            self._say(self.tr("This file cannot be imported: {error}").format(error=exc), ERROR)
            return
        self.table = chat.table
        if not chat.table.rows:
            self._say(self.tr("The file has a header but no messages."), ERROR)
            return
        self.info.setText(self.tr("{rows} rows, {cols} columns. The first row of the preview says what each column "
                                  "holds; only the message text is required.").format(
            rows=len(chat.table.rows), cols=len(chat.table.headers)))
        self._fill_preview(chat.mapping)
        self._fill_senders(set(chat.consumer_values))

    def _fill_preview(self, mapping) -> None:
        headers, shown = self.table.headers, self.table.rows[:PREVIEW_ROWS]
        self.preview.setColumnCount(len(headers))
        self.preview.setRowCount(len(shown) + 1)
        self.preview.setHorizontalHeaderLabels([h or "—" for h in headers])
        self.preview.setVerticalHeaderLabels(["→"] + [str(i) for i in range(2, len(shown) + 2)])
        names = {"text": self.tr("message text"), "time": self.tr("time"), "sender": self.tr("sender"),
                 "session": self.tr("session")}
        guessed = {getattr(mapping, role): role for role in ROLES if getattr(mapping, role) is not None}
        self._combos = []
        for col in range(len(headers)):
            combo = QComboBox()
            combo.addItem(self.tr("not used"), "")
            for role in ROLES:
                combo.addItem(names[role], role)
            combo.setCurrentIndex(max(combo.findData(guessed.get(col, "")), 0))
            combo.currentIndexChanged.connect(lambda _i, c=col: self._mapping_changed(c))
            self.preview.setCellWidget(0, col, combo)
            self._combos.append(combo)
            for row, cells in enumerate(shown, 1):
                item = QTableWidgetItem(cells[col].replace("\n", " ⏎ "))
                item.setToolTip(cells[col][:500])
                self.preview.setItem(row, col, item)
            self.preview.setColumnWidth(col, 300 if guessed.get(col) == "text" else 140)
        self.preview.setRowHeight(0, 36)

    def mapping(self):
        """The ChatMapping the combos say."""
        from ...core.chatlog_read import ChatMapping

        chosen = {combo.currentData(): col for col, combo in enumerate(self._combos) if combo.currentData()}
        return ChatMapping(**{role: chosen.get(role) for role in ROLES})

    def set_role(self, column: int, role: str) -> None:
        """Say what a column holds ("" for not used), as a change in the preview's first row does."""
        self._combos[column].setCurrentIndex(self._combos[column].findData(role))

    def _mapping_changed(self, col: int) -> None:
        role = self._combos[col].currentData()
        if role:  # one column per role: another column that had it lets go
            for other, combo in enumerate(self._combos):
                if other != col and combo.currentData() == role:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        if role == "sender" or self.sender_column() != self._sender_shown:
            from ...core.chatlog_read import guess_consumer_values

            values = [v for v, _ in self.table.values(self.sender_column(), SENDER_VALUES)]
            self._fill_senders(set(guess_consumer_values(values)))
        else:
            self._filter_changed()

    # -- the sender filter --------------------------------------------------------------------------
    def sender_column(self) -> int | None:
        return self.mapping().sender

    def _fill_senders(self, consumer: set[str]) -> None:
        column = self._sender_shown = self.sender_column()
        self.senders.blockSignals(True)
        self.senders.clear()
        self.sender_counts = dict(self.table.values(column, None)) if column is not None else {}
        for value, count in list(self.sender_counts.items())[:SENDER_VALUES]:
            item = QListWidgetItem(f"{value}  ({count})")
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in consumer else Qt.CheckState.Unchecked)
            self.senders.addItem(item)
        self.senders.blockSignals(False)
        self.senders.setVisible(column is not None)
        if column is None:
            self.sender_note.setText(self.tr("No sender column: every message is imported, the shop's replies too. "
                                             "Set the column that says who wrote each message to “sender”."))
        else:
            self.sender_note.setText(self.tr("Who wrote each message is in “{col}”. Tick the values that are the "
                                             "consumer (买家, 顾客…): only their messages are imported.").format(
                col=self.table.headers[column]))
        self._filter_changed()

    def consumer_values(self) -> list[str]:
        return [self.senders.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.senders.count())
                if self.senders.item(i).checkState() == Qt.CheckState.Checked]

    def set_consumer_values(self, values) -> None:
        for i in range(self.senders.count()):
            item = self.senders.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in values
                               else Qt.CheckState.Unchecked)

    def _filter_changed(self) -> None:
        """Grey out the preview rows the filter leaves out, and say how many messages would be imported."""
        if self.table is None:
            return
        mapping, keep = self.mapping(), set(self.consumer_values())
        for row, cells in enumerate(self.table.rows[:PREVIEW_ROWS], 1):
            kept = mapping.sender is None or cells[mapping.sender].strip() in keep
            for col in range(len(cells)):
                if (item := self.preview.item(row, col)) is not None:
                    item.setForeground(QColor(TEXT if kept else FAINT))
        rows = len(self.table.rows)
        if mapping.text is None:
            self._say(self.tr("Choose the column that holds the message text."), WARNING)
        elif mapping.sender is not None and not keep:
            self._say(self.tr("Tick at least one sender value that is the consumer."), WARNING)
        else:
            n = rows if mapping.sender is None else sum(self.sender_counts.get(v, 0) for v in keep)
            self._say(self.tr("About {n} of the {rows} messages are imported (empty and repeated ones are left out); "
                              "each is matched by the active model and lands in the inbox if it is not answered.")
                      .format(n=n, rows=rows), SUCCESS)
        self._update_buttons()

    # -- the import ----------------------------------------------------------------------------------
    def ready(self) -> bool:
        if self.table is None or self._importing or self.jobs.busy():
            return False
        mapping = self.mapping()
        return mapping.text is not None and (mapping.sender is None or bool(self.consumer_values()))

    def start_import(self) -> bool:
        shared = self.matchers.shared(self.shop_id)
        if not self.ready() or shared is None:
            return False
        self._importing = True
        matcher = SharedMatcher.of(*shared)
        args = (self.store.home, matcher, self.table, self.mapping(), self.consumer_values(), self.mask.isChecked(),
                self.dedup.isChecked())
        worker = FunctionWorker(lambda r: ("import", import_job(*args, r)))
        worker.reporter.progress_changed.connect(self._on_progress)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self._say(self.tr("Matching and logging the messages…"))
        self.jobs.start(worker)
        self._update_buttons()
        return True

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("{done} / {total} messages").format(done=done, total=total))

    def _imported(self, s) -> None:
        self._importing = False
        self.summary = s
        self.progress.hide()
        self.stop_button.hide()
        d = s.decisions
        text = self.tr("{n} messages logged: {a} answered, {s} suggested, {m} not matched. Left out: {o} from other "
                       "senders, {r} repeats, {e} empty, {b} imported before; {k} masked.").format(
            n=s.imported, a=d["answer"], s=d["suggest"], m=d["no_match"], o=s.other_senders, r=s.repeats,
            e=s.empty + s.too_long, b=s.already, k=s.masked)
        self.imported.emit(s)
        if s.cancelled:
            self._say(self.tr("Stopped. {summary} Importing the same file again goes on from there.").format(
                summary=text), WARNING)
            self._update_buttons()
            return
        QMessageBox.information(self, self.tr("Chat log imported"),
                                text + "\n\n" + self.tr("The inbox groups what was not answered."))
        self.accept()

    # -- plumbing ------------------------------------------------------------------------------------
    def _job_done(self, result) -> None:
        step, value = result
        if step == "read":
            self._file_read(value)
        else:
            self._imported(value)
        self._update_buttons()

    def _job_failed(self, message: str) -> None:
        if self._importing:
            self._importing = False
            self.progress.hide()
            self.stop_button.hide()
            self._say(self.tr("The import failed: {error}").format(error=message), ERROR)
        else:
            self._say(self.tr("This file cannot be imported: {error}").format(error=message), ERROR)
        self._update_buttons()

    def _say(self, text: str, color: str | None = None) -> None:
        self.status.setText(f"<span style='color:{color}'>{escape(text)}</span>" if color else escape(text))

    def _update_buttons(self) -> None:
        model = self.matchers.shared(self.shop_id) is not None
        self.import_button.setEnabled(self.ready() and model)
        self.import_button.setToolTip("" if model else self.tr("The shop's model is still loading: it matches each "
                                                               "message as it is imported."))
        self.close_button.setText(self.tr("Close") if self.summary is not None else self.tr("Cancel"))
        self.close_button.setEnabled(not self._importing)

    def reject(self) -> None:
        if not self._importing:  # Esc during the import: Stop first (what was logged stays)
            super().reject()

    def done(self, result: int) -> None:
        if self.jobs.busy() and not self._importing:  # a read: drop it, don't wait
            self.jobs.drop(cancel=False)
        self.table = None  # a 100,000-row file need not outlive the dialog
        super().done(result)
