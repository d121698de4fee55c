"""The evaluation report of a model version: scores, thresholds (with the operator's override),
curves, per-question figures and the data doctor's findings.

The report is computed by the core at the end of every training run (core/report.py) and stored
with the version; "Evaluate now" recomputes it against the current questions in a worker thread
(standard questions added since training then form the open set). Double-clicking a standard
question or a finding asks the main window to open it in the editor.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDoubleSpinBox, QFormLayout, QFrame, QGridLayout,
                               QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ...core.store import Store
from ..messages import show_error
from ..style import BORDER, SUBTLE, TEXT, WARNING_BG, WARNING_BORDER, WARNING_STRONG, WHITE
from ..workers import FunctionWorker
from .report_curves import ReportCurves
from .score_bar import NO_MATCH_COLOR, SUGGEST_COLOR

STYLE = f"""
QLabel#fieldHint {{ color: {SUBTLE}; font-size: 11px; }}
QLabel#note {{ background: {WARNING_BG}; border: 1px solid {WARNING_BORDER}; border-radius: 6px; padding: 8px;
    color: {WARNING_STRONG}; }}
QFrame#thresholdBox {{ background: {WHITE}; border: 1px solid {BORDER}; border-radius: 8px; }}
"""
SEVERITY_COLORS = {"problem": NO_MATCH_COLOR, "warning": SUGGEST_COLOR, "info": SUBTLE}


def pct(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _num(x) -> str:
    return "–" if x is None else f"{float(x):.3f}"


def _item(text, align_right: bool = False, data=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setShowGrid(False)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class ReportDialog(QDialog):
    question_requested = Signal(int)  # a standard question id to open in the editor
    thresholds_changed = Signal()

    def __init__(self, store: Store, shop_id: int, version_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.shop_id = shop_id
        version = store.version(version_id) if version_id is not None else store.active_version(shop_id)
        self.version = version
        self.report = (version.metrics.get("report") if version else None) or {}
        self.findings = (version.metrics.get("doctor") if version else None) or []
        self.worker: FunctionWorker | None = None
        self.setWindowTitle(self.tr("Evaluation report — {shop}").format(shop=store.shop(shop_id).name))
        self.setStyleSheet(STYLE)
        self.resize(1000, 700)
        self._build()
        self.show_report()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(objectName="title")
        self.held = QLabel(objectName="hint")
        self.held.setWordWrap(True)
        col = QVBoxLayout()
        col.addWidget(self.title)
        col.addWidget(self.held)
        top.addLayout(col, 1)
        self.evaluate_button = QPushButton(self.tr("Evaluate now"))
        self.evaluate_button.setToolTip(self.tr("Recompute the report against the current questions: standard "
                                                "questions added since training are scored as the open set."))
        self.evaluate_button.clicked.connect(self.evaluate_now)
        top.addWidget(self.evaluate_button, 0, Qt.AlignmentFlag.AlignTop)
        self.calibrate_button = QPushButton(self.tr("Calibrate for the traffic"))
        self.calibrate_button.setToolTip(self.tr(
            "Calibrate the thresholds of the active model again, for the mix of questions and off-topic messages "
            "the query log shows now (after working through the inbox). No retraining."))
        self.calibrate_button.clicked.connect(self.calibrate_now)
        top.addWidget(self.calibrate_button, 0, Qt.AlignmentFlag.AlignTop)
        self._enable_version_actions()
        root.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_summary(), self.tr("Summary"))
        self.curves = ReportCurves()
        self.tabs.addTab(self.curves, self.tr("Curves"))
        self.tabs.addTab(self._build_questions(), self.tr("Standard questions"))
        self.tabs.addTab(self._build_doctor(), self.tr("Data doctor"))
        root.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.status = QLabel(objectName="hint")
        bottom.addWidget(self.status, 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        root.addLayout(bottom)

    def _build_summary(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.metrics_table = _table([self.tr("Model"), self.tr("Scoring"), self.tr("Top-1"), self.tr("Top-3"),
                                     self.tr("MRR"), self.tr("Questions")])
        self.metrics_table.setMaximumHeight(170)
        self.metrics_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(QLabel(self.tr("Held-out questions, scored against each standard question's best entry "
                                     "(what queries use) and against the centroid of its entries:"), objectName="hint"))
        lay.addWidget(self.metrics_table)

        box = QFrame(objectName="thresholdBox")
        grid = QGridLayout(box)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.addWidget(QLabel(self.tr("Decision thresholds"), objectName="title"), 0, 0, 1, 4)
        self.calibrated = QLabel()
        self.calibrated.setWordWrap(True)
        grid.addWidget(self.calibrated, 1, 0, 1, 4)
        form = QFormLayout()
        self.answer_spin, self.margin_spin, self.suggest_spin = (self._spin() for _ in range(3))
        self.margin_spin.setRange(0.0, 0.5)
        form.addRow(QLabel(self.tr("In use (edit to set them by hand):"), objectName="fieldHint"))
        form.addRow(self.tr("Answer when top-1 ≥"), self.answer_spin)
        form.addRow(self.tr("…and leads the second by ≥"), self.margin_spin)
        form.addRow(self.tr("Suggest when top-1 ≥"), self.suggest_spin)
        grid.addLayout(form, 2, 0, 1, 2)
        buttons = QVBoxLayout()
        self.apply_button = QPushButton(self.tr("Use these thresholds"))
        self.apply_button.clicked.connect(self.apply_override)
        self.reset_button = QPushButton(self.tr("Back to calibrated"))
        self.reset_button.clicked.connect(self.reset_override)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 2)
        self.override_label = QLabel(objectName="fieldHint")
        self.override_label.setWordWrap(True)
        grid.addWidget(self.override_label, 3, 0, 1, 4)
        lay.addWidget(box)

        self.note = QLabel(objectName="note")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.open_set = QLabel()
        self.open_set.setWordWrap(True)
        lay.addWidget(self.open_set)
        lay.addStretch(1)
        return page

    @staticmethod
    def _spin() -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setDecimals(3)
        s.setRange(-1.0, 1.0)
        s.setSingleStep(0.005)
        s.setMaximumWidth(120)
        return s

    def _build_questions(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(QLabel(self.tr("Per standard question (top-1 of the held-out questions); double-click to "
                                     "open it:"), objectName="hint"))
        self.class_table = _table([self.tr("Standard question"), self.tr("Questions"), self.tr("Precision"),
                                   self.tr("Recall"), self.tr("F1")])
        self.class_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.class_table.horizontalHeader().setStretchLastSection(False)
        self.class_table.setSortingEnabled(True)
        self.class_table.doubleClicked.connect(lambda i: self._request(self.class_table, i.row()))
        lay.addWidget(self.class_table, 2)
        lay.addWidget(QLabel(self.tr("Most confused: the held-out question belonged to the first, and matched the "
                                     "second:"), objectName="hint"))
        self.confused_table = _table([self.tr("Expected"), self.tr("Matched instead"), self.tr("Times")])
        self.confused_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.confused_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.confused_table.horizontalHeader().setStretchLastSection(False)
        self.confused_table.doubleClicked.connect(lambda i: self._request(self.confused_table, i.row()))
        lay.addWidget(self.confused_table, 1)
        return page

    def _build_doctor(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        self.doctor_summary = QLabel(objectName="hint")
        self.doctor_summary.setWordWrap(True)
        row.addWidget(self.doctor_summary, 1)
        self.check_button = QPushButton(self.tr("Check now"))
        self.check_button.clicked.connect(self.check_now)
        row.addWidget(self.check_button)
        lay.addLayout(row)
        self.findings_list = QListWidget()
        self.findings_list.setWordWrap(True)
        self.findings_list.itemDoubleClicked.connect(self._finding_clicked)
        lay.addWidget(self.findings_list, 1)
        return page

    # ------------------------------------------------------------------ filling in
    def show_report(self) -> None:
        r = self.report
        v = self.version
        self.title.setText(self.tr("Model v{id}").format(id=v.id) if v else self.tr("No model yet"))
        if not r:
            self.held.setText(self.tr("This version has no evaluation report (it was made before reports "
                                      "existed): click Evaluate now."))
            self.show_findings()
            self._fill_thresholds({})
            return
        h = r["held_out"]
        origin = {"test questions": self.tr("the shop's test questions"),
                  "validation split": self.tr("the validation split (held out of training)")}.get(
            h["in_scope"], self.tr("leave-one-out on similar questions") if h["in_scope"].startswith("leave")
            else h["in_scope"])
        text = self.tr("%n in-scope question(s) from {origin}; {cal} “none” questions to calibrate the thresholds "
                       "and {rep} others to measure them", "", h["n_in_scope"]).format(
            origin=origin, cal=h["n_none_calibration"], rep=h["n_none_report"])
        if h.get("builtin_none"):
            text += self.tr("; %n of those “none” question(s) come from the built-in set", "", h["builtin_none"])
        self.held.setText(text + ".")
        names = {"fine_tuned": self.tr("fine-tuned"), "untuned": self.tr("untuned base")}
        rules = {"best": self.tr("best entry"), "centroid": self.tr("centroid")}
        self.metrics_table.setRowCount(0)
        for name, block in r["models"].items():
            for rule in ("best", "centroid"):
                m = block.get(rule, {})
                row = self.metrics_table.rowCount()
                self.metrics_table.insertRow(row)
                for col, value in enumerate((names.get(name, name), rules[rule], pct(m.get("top1")),
                                             pct(m.get("top3")), f"{m['mrr']:.3f}" if "mrr" in m else "–",
                                             str(m.get("n", 0)))):
                    self.metrics_table.setItem(row, col, _item(value, col >= 2))
        self._fill_thresholds(r)
        o = r.get("open_set")
        if o and o.get("n_questions"):
            parts = ", ".join(f"{names.get(k, k)} {pct(o[k].get('top1'))}" for k in r["models"] if k in o)
            self.open_set.setText(self.tr("Standard questions added after training ({n}, {q} questions): "
                                          "top-1 {parts}.").format(n=o["n_classes"], q=o["n_questions"], parts=parts))
        elif o is not None and o.get("n_classes") == 0:
            self.open_set.setText(self.tr("No standard question was added since training (Evaluate now after adding "
                                          "some scores them as the open set)."))
        else:
            self.open_set.setText("")
        self._fill_classes(r)
        self.curves.show_report(r)
        self.show_findings()

    def _fill_thresholds(self, r: dict) -> None:
        from ...core.matcher import effective_thresholds

        t = r.get("thresholds") or (self.version.thresholds if self.version else {})
        main = (r.get("models") or {}).get(r.get("main"), {}) if r else {}
        o = main.get("on_report_half") or {}
        text = self.tr(
            "Calibrated: answer ≥ {a} with a lead of ≥ {m}, suggest ≥ {s}. On the measuring half, answered questions "
            "are right {p} of the time; {c} of in-scope questions are answered and {n} of the “none” ones.").format(
            a=_num(t.get("answer")), m=_num(t.get("margin", 0)), s=_num(t.get("suggest")), p=pct(o.get("precision")),
            c=pct(o.get("coverage")), n=pct(o.get("none_answered")))
        if o.get("precision_at_ratio") is not None:
            text += " " + self.tr("With {r} off-topic messages for each in-scope one, as in real chat traffic, "
                                  "answers would be right {p} of the time.").format(
                r=f"{o.get('offtopic_ratio', 10):.3g}", p=pct(o.get("precision_at_ratio")))
        mix = (r or {}).get("traffic_mix") or {}
        if mix.get("source") == "log":
            text += " " + self.tr("The thresholds are calibrated for {r} off-topic messages per in-scope one, "
                                  "measured on this shop's {n} logged consumer messages of the last {d} days ({k} "
                                  "of them neither answered nor confirmed in the inbox).").format(
                r=f"{mix.get('ratio', 10):.3g}", n=mix.get("messages"), d=mix.get("window_days"),
                k=mix.get("offtopic"))
        self.calibrated.setText(text)
        # Worded here from calibration's facts, not its English note, so it follows the UI language.
        missed = bool(t.get("note")) and t.get("target_precision") is not None
        self.note.setText(self._missed_text(t, (r or {}).get("offtopic_answered") or []) if missed else "")
        self.note.setVisible(missed)
        if self.version is not None:
            current = effective_thresholds(self.store, self.shop_id, self.version)
            self.answer_spin.setValue(float(current.get("answer", 0.9)))
            self.margin_spin.setValue(float(current.get("margin", 0.0)))
            self.suggest_spin.setValue(float(current.get("suggest", 0.8)))
            over = current.get("overridden")
            self.override_label.setText(self.tr("Set by hand: {keys}. Queries use these.").format(
                keys=", ".join(over)) if over else self.tr("Queries use the calibrated thresholds."))
            self.reset_button.setEnabled(bool(over))

    def _missed_text(self, t: dict, offtopic: list[dict]) -> str:
        """Why calibration kept the coverage floor, and which way to go: the shop's confusable standard
        questions, or the off-topic messages its answers would take in (examples from the report)."""
        text = self.tr(
            "Precision target {t} not reached while answering at least {c} of in-scope questions: at that "
            "coverage, answered questions are right {p} of the time ({b} at the least, with 90% confidence).").format(
            t=pct(t.get("target_precision")), c=pct(t.get("min_coverage")), p=pct(t.get("precision")),
            b=pct(t.get("precision_lower_bound")))
        share = t.get("wrong_offtopic_share")
        if share is None:  # nothing answered wrongly: too few held-out questions to prove the target
            text += " " + self.tr("More similar questions (or fewer overlapping standard questions) would help; "
                                  "or set the thresholds by hand below.")
        elif share < 0.5:
            text += " " + self.tr("Most wrong answers are held-out questions given another standard question: "
                                  "more similar questions (or fewer overlapping standard questions, see the "
                                  "Standard questions tab) would help; or set the thresholds by hand below.")
        else:
            text += " " + self.tr("{s} of the wrong answers would be off-topic messages. Mark those your shop "
                                  "receives as matching nothing (the inbox); add any of these that are your shop's "
                                  "business as similar questions; once the log holds your traffic, calibrate for "
                                  "it; or set the thresholds by hand below.").format(s=pct(share))
        if offtopic:
            shown = "; ".join(f"{o['text']} → {o['standard']} ({_num(o['score'])})" for o in offtopic[:5])
            text += "\n" + self.tr("Off-topic messages these thresholds would answer: {m}").format(m=shown)
        return text

    def _fill_classes(self, r: dict) -> None:
        self.class_table.setSortingEnabled(False)
        self.class_table.setRowCount(0)
        for c in r.get("per_class", []):
            row = self.class_table.rowCount()
            self.class_table.insertRow(row)
            self.class_table.setItem(row, 0, _item(c["text"], data=c["id"]))
            for col, key in ((1, "support"), (2, "precision"), (3, "recall"), (4, "f1")):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, c[key] if key == "support" else round(100 * c[key], 1))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.class_table.setItem(row, col, item)
        self.class_table.setSortingEnabled(True)
        self.class_table.sortItems(4, Qt.SortOrder.AscendingOrder)  # the weakest first
        self.confused_table.setRowCount(0)
        for c in r.get("confused", []):
            row = self.confused_table.rowCount()
            self.confused_table.insertRow(row)
            self.confused_table.setItem(row, 0, _item(c["expected"], data=c["expected_id"]))
            self.confused_table.setItem(row, 1, _item(c["predicted"], data=c["predicted_id"]))
            self.confused_table.setItem(row, 2, _item(str(c["count"]), True))

    def show_findings(self) -> None:
        self.findings_list.clear()
        counts = {"problem": 0, "warning": 0, "info": 0}
        labels = {"problem": self.tr("problem"), "warning": self.tr("warning"), "info": self.tr("note")}
        for f in self.findings:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
            item = QListWidgetItem(f"● {labels.get(f['severity'], f['severity'])}  {self.finding_text(f)}")
            item.setData(Qt.ItemDataRole.UserRole, f.get("standard_ids") or [])
            item.setToolTip(self.tr("Double-click to open the standard question"))
            item.setForeground(QColor(SEVERITY_COLORS.get(f["severity"], TEXT)))
            self.findings_list.addItem(item)
        self.doctor_summary.setText(self.tr("{p} problems, {w} warnings, {i} notes, from the check before this "
                                            "version was trained (or Check now). Fix the problems first: they "
                                            "teach the model contradictions.").format(
            p=counts["problem"], w=counts["warning"], i=counts["info"]) if self.findings or self.report else
            self.tr("Not checked yet: click Check now."))

    def finding_text(self, f: dict) -> str:
        """A finding in the UI language, from its facts (the core's English message as a fallback)."""
        a = f.get("args") or {}
        templates = {
            "duplicate_across": self.tr("{texts} belong to {n} standard questions: {standards}; queries that "
                                        "match them are suggested, not answered"),
            "near_duplicate": self.tr("“{a}” (of “{a_standard}”) and “{b}” (of “{b_standard}”) are nearly the same "
                                      "(cosine {cosine:.3f})"),
            "far_similar": self.tr("“{text}” sits closer to “{other}” than to its own standard question “{own}” "
                                   "(by {gap:.3f})"),
            "subcenter_outlier": self.tr("“{text}” is far from the main sub-centre of “{own}” (sub-center ArcFace)"),
            "close_standards": self.tr("“{a}” and “{b}” are very close (centroid cosine {cosine:.3f}): the same "
                                       "question, or in need of more distinct similar questions"),
            "too_few": self.tr("“{standard}” has {n} similar questions; {min} or more train it well"),
            "catch_all": self.tr("“{standard}” draws off-topic messages: {n} of {total} known ones land on it at "
                                 "{score:.2f} or more, e.g. {examples}; give it sharper similar questions and mark "
                                 "such messages as matching nothing"),
        }
        try:
            return templates[f["kind"]].format(**a)
        except (KeyError, ValueError, IndexError):
            return f.get("message", "")

    @property
    def _plots(self):
        return self.curves.plots

    # ------------------------------------------------------------------ actions
    def _request(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.question_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _finding_clicked(self, item: QListWidgetItem) -> None:
        ids = item.data(Qt.ItemDataRole.UserRole) or []
        if ids:
            self.question_requested.emit(int(ids[0]))

    def apply_override(self) -> None:
        from ...core.shop_settings import set_thresholds as set_threshold_override

        try:
            set_threshold_override(self.store, self.shop_id, answer=round(self.answer_spin.value(), 4),
                                   suggest=round(self.suggest_spin.value(), 4),
                                   margin=round(self.margin_spin.value(), 4))
        except ValueError as exc:
            show_error(self, self.tr("Thresholds"), str(exc))
            return
        self._fill_thresholds(self.report)
        self.thresholds_changed.emit()

    def reset_override(self) -> None:
        from ...core.shop_settings import set_thresholds as set_threshold_override

        set_threshold_override(self.store, self.shop_id, answer=None, suggest=None, margin=None)
        self._fill_thresholds(self.report)
        self.thresholds_changed.emit()

    def busy(self) -> bool:
        """A job runs, or its outcome has not been shown yet (cleared in _ended)."""
        return self.worker is not None

    def _run(self, job, done, message: str) -> None:
        if self.busy():
            return
        self.status.setText(message)
        for b in (self.evaluate_button, self.calibrate_button, self.check_button):
            b.setEnabled(False)
        worker = FunctionWorker(job, self)
        worker.finished.connect(lambda result: self._ended(done, result))
        worker.failed.connect(lambda msg: self._ended(None, msg))
        self.worker = worker
        worker.start()

    def _enable_version_actions(self) -> None:
        """Evaluate and calibrate act on the active version only."""
        for b in (self.evaluate_button, self.calibrate_button):
            b.setEnabled(self.version is not None and self.version.active)

    def _ended(self, done, value) -> None:
        self.worker = None
        self._enable_version_actions()
        self.check_button.setEnabled(True)
        if done is None:
            self.status.setText(self.tr("Failed: {error}").format(error=value))
            return
        self.status.setText("")
        done(value)

    def evaluate_now(self) -> None:
        """Recompute the active version's report against the current questions (worker thread)."""
        home, shop_id, version = self.store.home, self.shop_id, self.version

        def job(reporter):
            from ...core.encoder_process import ProcessEncoder
            from ...core.services.quality import evaluate_version

            store = Store(home)
            try:  # encoders in child processes: opening them in this one would freeze the window
                return evaluate_version(store, shop_id, version, reporter=reporter, encoder_factory=ProcessEncoder)
            finally:
                store.close()

        def done(report):
            self.report = report
            self.show_report()
            self.status.setText(self.tr("Evaluated against the current questions; the stored report of the version "
                                        "is unchanged."))

        self._run(job, done, self.tr("Evaluating…"))

    def calibrate_now(self) -> None:
        """Calibrate the active version's thresholds again for the logged traffic (worker thread)."""
        home, shop_id = self.store.home, self.shop_id

        def job(reporter):
            from ...core.encoder_process import ProcessEncoder
            from ...core.pipeline import recalibrate

            store = Store(home)
            try:
                return recalibrate(store, shop_id, reporter, encoder_factory=ProcessEncoder).id
            finally:
                store.close()

        def done(version_id):
            self.version = self.store.version(version_id)
            self.report = self.version.metrics.get("report") or {}
            self.show_report()
            self.status.setText(self.tr("Thresholds calibrated again and stored with the version; queries use them "
                                        "now."))
            self.thresholds_changed.emit()

        self._run(job, done, self.tr("Calibrating…"))

    def check_now(self) -> None:
        """Run the data doctor against the current questions (worker thread)."""
        home, shop_id = self.store.home, self.shop_id

        def job(reporter):
            from ...core.encoder_process import ProcessEncoder
            from ...core.services.quality import run_doctor

            store = Store(home)
            try:
                findings, _ = run_doctor(store, shop_id, reporter, encoder_factory=ProcessEncoder)
                return [f.to_dict() for f in findings]
            finally:
                store.close()

        def done(findings):
            self.findings = findings
            self.show_findings()
            self.tabs.setCurrentIndex(3)

        self._run(job, done, self.tr("Checking the data…"))

    def reject(self) -> None:
        if self.busy():
            self.worker.cancel()
            self.worker.wait(10000)
            self.worker = None  # its outcome signal, if still queued, finds the dialog closed
        super().reject()
