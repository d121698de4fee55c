"""Model versions of a shop, with their metrics; activate an older one (rollback).

Activation rebuilds the version's index from the current questions (`pipeline.activate`), in an
`ActivateWorker` child process: it loads an ONNX model, which would freeze the window if done here.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget)

from ...core.losses import LOSS_SPECS, TITLES as LOSS_TITLES
from ...core.services.versions import version_top1
from ...core.store import Store
from ..style import SUBTLE
from ..workers import ActivateWorker
from .score_bar import ANSWER_COLOR, NO_MATCH_COLOR

COLUMNS = ("Version", "Created", "Loss", "Status", "Runtime", "Top-1 untuned", "Top-1", "Active", "Files")


def _pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}%"


def _margin(v) -> str:
    """The margin a version trained with: the one set, else its loss's default ('–' if none)."""
    m = v.params.get("margin")
    if m is None and v.loss in LOSS_SPECS:
        m = LOSS_SPECS[v.loss].margin
    return "–" if m is None else f"{m:g}"


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return iso or ""


class VersionsDialog(QDialog):
    version_activated = Signal(int)
    report_requested = Signal(int)

    def __init__(self, store: Store, shop_id: int, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id = shop_id
        self.read_only = read_only
        self.worker: ActivateWorker | None = None
        self.versions: list = []
        self.setWindowTitle(self.tr("Model versions — {shop}").format(shop=store.shop(shop_id).name))
        self.resize(900, 520)
        self._build()
        self.reload()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        intro = QLabel(self.tr("Each retrain makes a new version; the files of the newest three are kept. "
                               "Activating an older version rebuilds its index from the current questions."))
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        root.addWidget(intro)

        self.table = QTableWidget(0, len(COLUMNS))
        names = {"Version": self.tr("Version"), "Created": self.tr("Created"), "Loss": self.tr("Loss"),
                 "Status": self.tr("Status"), "Runtime": self.tr("Runtime"),
                 "Top-1 untuned": self.tr("Top-1 untuned"), "Top-1": self.tr("Top-1"),
                 "Active": self.tr("Active"), "Files": self.tr("Files")}
        self.table.setHorizontalHeaderLabels([names[c] for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.activate_selected())
        root.addWidget(self.table, 1)

        self.details = QTextBrowser()
        self.details.setMaximumHeight(130)
        root.addWidget(self.details)

        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(120)
        self.progress.setVisible(False)
        row.addWidget(self.progress)
        self.report_button = QPushButton(self.tr("Report…"))
        self.report_button.clicked.connect(lambda: self.report_requested.emit(self.selected_version()))
        row.addWidget(self.report_button)
        self.activate_button = QPushButton(self.tr("Activate selected version"))
        self.activate_button.setProperty("primary", True)
        self.activate_button.clicked.connect(self.activate_selected)
        row.addWidget(self.activate_button)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        root.addLayout(row)
        if self.read_only:
            self.status.setText(self.tr("A retrain is running: versions can be activated when it ends."))

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        selected = self.selected_version()
        self.versions = list(reversed(self.store.versions(self.shop_id)))  # newest first
        self.table.setRowCount(len(self.versions))
        status_names = {"ready": self.tr("ready"), "failed": self.tr("failed"), "cancelled": self.tr("cancelled"),
                        "training": self.tr("training"), "indexing": self.tr("indexing")}
        bold = QFont()
        bold.setBold(True)
        for row, v in enumerate(self.versions):
            m = v.metrics
            variant = v.params.get("runtime_variant", m.get("runtime_variant", "float32"))
            top1, how = version_top1(v)
            top1_text = _pct(top1) + (" " + self.tr("(leave-one-out)") if how == "loo" else "")
            loss = self.tr("none (untuned)") if v.loss == "none" else LOSS_TITLES.get(v.loss, v.loss)
            cells = [f"v{v.id}", local_time(v.created_at), loss, status_names.get(v.status, v.status),
                     variant if v.status == "ready" else "", _pct(m.get("val_top1_untuned")), top1_text,
                     "✓" if v.active else "", self.tr("removed") if v.files_removed else ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, v.id)
                if v.active:
                    item.setFont(bold)
                if COLUMNS[col] == "Active" and v.active:
                    item.setForeground(QBrush(QColor(ANSWER_COLOR)))
                if COLUMNS[col] == "Status" and v.status in ("failed", "cancelled"):
                    item.setForeground(QBrush(QColor(NO_MATCH_COLOR if v.status == "failed" else SUBTLE)))
                if v.files_removed or v.status != "ready":
                    if COLUMNS[col] not in ("Status",):
                        item.setForeground(QBrush(QColor(SUBTLE)))
                self.table.setItem(row, col, item)
        target = selected if selected is not None else next((v.id for v in self.versions if v.active), None)
        for row, v in enumerate(self.versions):
            if v.id == target:
                self.table.selectRow(row)
        self._selection_changed()

    def selected_version(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.versions):
            return None
        return self.versions[rows[0].row()].id

    def select_version(self, version_id: int) -> None:
        for row, v in enumerate(self.versions):
            if v.id == version_id:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        vid = self.selected_version()
        v = next((x for x in self.versions if x.id == vid), None)
        can = (v is not None and v.status == "ready" and not v.files_removed and not v.active
               and not self.read_only and self.worker is None)
        self.activate_button.setEnabled(can)
        self.report_button.setEnabled(v is not None and bool(v.metrics.get("report")))
        self.details.setHtml(self._details_html(v) if v else "")

    def _details_html(self, v) -> str:
        p, m, t = v.params, v.metrics, v.thresholds
        lines = [f"<b>v{v.id}</b> · " + self.tr("base model") + f": {v.base_model}"]
        if v.loss != "none":
            lines.append(self.tr("loss {loss}, {epochs} epochs, margin {margin}, scale {scale}").format(
                loss=LOSS_TITLES.get(v.loss, v.loss), epochs=p.get("epochs", "?"), margin=_margin(v), scale=p.get("scale", "?")))
            if m.get("n_train") is not None:
                lines.append(self.tr("{n_train} training questions, {n_val} held out; best epoch {best}; "
                                     "training took {s:.0f} s").format(n_train=m.get("n_train"), n_val=m.get("n_val"),
                                                                       best=m.get("best_epoch"),
                                                                       s=m.get("train_seconds") or 0))
            if m.get("val_top1_float32") is not None:
                lines.append(self.tr("validation top-1: untuned {u}, float32 {f}, int8 {i}").format(
                    u=_pct(m.get("val_top1_untuned")), f=_pct(m.get("val_top1_float32")),
                    i=_pct(m.get("val_top1_int8"))))
        elif m.get("loo_top1") is not None:
            lines.append(self.tr("leave-one-out top-1 on similar questions: {x}").format(x=_pct(m["loo_top1"])))
        if t:
            lines.append(self.tr("thresholds: answer ≥ {a}, suggest ≥ {s}").format(a=t.get("answer"),
                                                                                   s=t.get("suggest")))
        report = m.get("report") or {}
        if report.get("models"):
            best = report["models"][report["main"]].get("best", {})
            lines.append(self.tr("held-out top-1 {t1}, top-3 {t3} (%n question(s); Report… has the rest)", "",
                                 best.get("n", 0)).format(t1=_pct(best.get("top1")), t3=_pct(best.get("top3"))))
        if v.files_removed:
            lines.append(self.tr("Its files were removed to save space: it cannot be activated again."))
        return "<br>".join(lines)

    # ------------------------------------------------------------------ activation
    def activate_selected(self) -> bool:
        vid = self.selected_version()
        if vid is None or not self.activate_button.isEnabled():
            return False
        worker = ActivateWorker(self.store, vid)
        worker.finished.connect(self._on_activated)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(lambda: self._on_failed(self.tr("cancelled")))
        self.worker = worker
        self.progress.setVisible(True)
        self.activate_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.status.setText(self.tr("Activating v{id}: rebuilding its index from the current questions…")
                            .format(id=vid))
        worker.start()
        return True

    def _finish_job(self) -> None:
        self.worker = None
        self.progress.setVisible(False)
        self.close_button.setEnabled(True)

    def _on_activated(self, result: dict) -> None:
        self._finish_job()
        vid = result["version_id"]
        self.status.setText(self.tr("Model v{id} is active.").format(id=vid))
        self.reload()
        self.version_activated.emit(vid)

    def _on_failed(self, message: str) -> None:
        self._finish_job()
        self.status.setText(f"<span style='color:{NO_MATCH_COLOR}'>"
                            + self.tr("Activation failed: {error}").format(error=message) + "</span>")
        self.reload()

    def reject(self) -> None:
        if self.worker is not None:  # activation runs: it is short, and must not be left half done
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.worker is not None:
            event.ignore()
            return
        super().closeEvent(event)

