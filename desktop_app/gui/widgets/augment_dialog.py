"""Generate similar questions: rules (offline) or an LLM, on one, the listed or all standard questions.

A preview first shows what one standard question would get, through the guard, with nothing saved;
a run then fills the review queue (pending items) with progress and cancel. Both run in a worker
thread on a private store connection; the LLM confirmation is asked here, on the GUI thread, with
the exact numbers the core computes, before the first request. Whatever arrived before a cancel
or a failure stays saved, and a new run tops up from there.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QProgressBar, QPushButton, QRadioButton, QTabWidget,
                               QVBoxLayout, QWidget)

from ...core.shop_settings import AugmentSettings, parse_entities, parse_synonym_groups
from ...core.store import Store
from ..job_runner import JobRunner
from ..messages import confirm
from ..style import ERROR, ERROR_BG, ERROR_BORDER, SUBTLE, SUCCESS_BG, SUCCESS_BORDER, TEXT
from ..workers import FunctionWorker
from .augment_confirm import Confirmer, reason_names
from .augment_llm_form import LlmForm, hint_label, spin_box

SETTINGS_GROUP = "augment"  # QSettings: the operator's last provider, URL, model and numbers
LLM_FIELDS = ("provider", "base_url", "model", "api_key", "remember_key", "key_hint", "llm_n", "concurrency",
              "batch_size")

STYLE = f"""
QLabel#fieldHint {{ color: {SUBTLE}; font-size: 11px; }}
QLabel#error {{ background: {ERROR_BG}; border: 1px solid {ERROR_BORDER}; border-radius: 6px; color: {ERROR};
    padding: 8px; }}
QLabel#result {{ background: {SUCCESS_BG}; border: 1px solid {SUCCESS_BORDER}; border-radius: 6px; padding: 8px; }}
"""


class AugmentDialog(QDialog):
    generated = Signal()  # pending items were added: the window refreshes its counts
    review_requested = Signal()

    RULES_TAB, LLM_TAB = range(2)

    def __init__(self, store: Store, shop_id: int, *, current=None, listed_ids=None, matchers=None,
                 parent: QWidget | None = None) -> None:
        """`current`: the selected standard question; `listed_ids`: those the list shows when it is
        filtered; `matchers`: the window's MatcherHost (or None), so the guard reuses the open model
        instead of loading it again."""
        super().__init__(parent)
        self.store = store
        self.home = str(store.home)
        self.shop_id = shop_id
        self.current = current
        self.all_ids = [sq.id for sq in store.standards(shop_id)]
        self.listed_ids = list(listed_ids) if listed_ids is not None and len(listed_ids) < len(self.all_ids) else None
        self.matchers = matchers
        self.jobs = JobRunner(self)  # one job at a time; its outcome goes to the handler _start got
        self.jobs.finished.connect(lambda result: self._ended(self._on_done, result))
        self.jobs.failed.connect(lambda message: self._ended(self._failed, message))
        self.jobs.cancelled.connect(lambda: self._ended(self._cancelled, None))
        self._on_done = self._stop = None
        self.last_summary = None
        self.last_preview = None
        self.setWindowTitle(self.tr("Generate similar questions — {shop}").format(shop=store.shop(shop_id).name))
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(920)  # the height follows the layout: the result text must not squeeze the form
        self._build()
        self._load()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        intro = QLabel(self.tr("Generated questions land in the review queue as pending. Only the ones you "
                               "accept are matched and train the model; none ever enters the held-out "
                               "evaluation."), objectName="hint")
        intro.setWordWrap(True)
        root.addWidget(intro)

        scope_row = QHBoxLayout()
        scope_row.addWidget(QLabel(self.tr("Standard questions:")))
        self.scope = QButtonGroup(self)
        self.scope_current = QRadioButton()
        self.scope_listed = QRadioButton()
        self.scope_all = QRadioButton(self.tr("all {n}").format(n=len(self.all_ids)))
        for i, button in enumerate((self.scope_current, self.scope_listed, self.scope_all)):
            self.scope.addButton(button, i)
            scope_row.addWidget(button)
        scope_row.addStretch(1)
        root.addLayout(scope_row)
        if self.current is not None:
            text = self.current.text if len(self.current.text) <= 24 else self.current.text[:23] + "…"
            self.scope_current.setText(self.tr("the selected one: “{text}”").format(text=text))
        self.scope_current.setVisible(self.current is not None)
        if self.listed_ids is not None:
            self.scope_listed.setText(self.tr("the {n} in the filtered list").format(n=len(self.listed_ids)))
        self.scope_listed.setVisible(self.listed_ids is not None)
        (self.scope_current if self.current is not None else self.scope_all).setChecked(True)

        body = QHBoxLayout()
        left = QVBoxLayout()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_rules(), self.tr("Rules (offline)"))
        self.llm_form = LlmForm()
        self.tabs.addTab(self.llm_form, self.tr("LLM"))
        for name in LLM_FIELDS:  # the form's fields, as attributes of the dialog too
            setattr(self, name, getattr(self.llm_form, name))
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        left.addWidget(self.tabs, 1)
        self.encoder_check = QCheckBox(self.tr("Drop what the current model places closer to another standard "
                                               "question"))
        self.encoder_check.setChecked(True)
        left.addWidget(self.encoder_check)
        body.addLayout(left, 3)

        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Preview"), objectName="title"))
        self.preview_hint = hint_label(self.tr("Preview shows what the first chosen standard question would get, "
                                               "after the guard. Nothing is saved."))
        right.addWidget(self.preview_hint)
        self.preview_list = QListWidget()
        self.preview_list.setWordWrap(True)
        right.addWidget(self.preview_list, 1)
        body.addLayout(right, 2)
        root.addLayout(body, 1)

        progress_row = QHBoxLayout()
        self.stage_label = QLabel(objectName="hint")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.stage_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        root.addLayout(progress_row)

        self.error_label = QLabel(objectName="error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel(objectName="result")
        self.result_label.setWordWrap(True)
        root.addWidget(self.error_label)
        root.addWidget(self.result_label)

        buttons = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.clicked.connect(self.start_preview)
        self.review_button = QPushButton(self.tr("Review queue…"))
        self.review_button.clicked.connect(self.review_requested)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setProperty("primary", True)
        self.generate_button.clicked.connect(self.start_run)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.generate_button)
        root.addLayout(buttons)
        self._set_running(False)
        self._show_message("")

    def _build_rules(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rules_n = spin_box(1, 500)
        form.addRow(self.tr("Per standard question"), self.rules_n)
        form.addRow("", hint_label(self.tr("Tops each standard question up to this many rule outputs; a second "
                                           "run adds only what is missing.")))
        self.seed = spin_box(0, 1_000_000)
        form.addRow(self.tr("Seed"), self.seed)
        self.entities = QPlainTextEdit()
        self.entities.setPlaceholderText("扫地机器人\n扫地机\n洗地机\nX10")
        self.entities.setFixedHeight(96)
        form.addRow(self.tr("Subject words"), self.entities)
        form.addRow("", hint_label(self.tr("One per line: product names, model numbers, the brand. Some "
                                           "variants leave them out, as customers often do. The LLM gets them too.")))
        self.synonyms = QPlainTextEdit()
        self.synonyms.setPlaceholderText("尘盒, 集尘盒, 垃圾盒\n拖布, 拖把布")
        self.synonyms.setFixedHeight(96)
        form.addRow(self.tr("Synonyms"), self.synonyms)
        form.addRow("", hint_label(self.tr("One group per line, words separated by commas. Built-in "
                                           "customer-service synonyms always apply.")))
        return page

    # ------------------------------------------------------------------ values
    def _load(self) -> None:
        from ...core.augment.llm import DEFAULT_PER_QUESTION as LLM_N
        from ...core.augment.rules import DEFAULT_PER_QUESTION as RULES_N

        lists = AugmentSettings.load(self.store, self.shop_id)
        self.entities.setPlainText("\n".join(lists.entities))
        self.synonyms.setPlainText("\n".join(", ".join(g) for g in lists.synonyms))
        s = QSettings()
        s.beginGroup(SETTINGS_GROUP)
        self.rules_n.setValue(int(s.value("rules_n", RULES_N)))
        self.llm_form.load(s, LLM_N)
        self.tabs.setCurrentIndex(int(s.value("tab", self.RULES_TAB)))
        s.endGroup()

    def _save_choices(self) -> None:
        s = QSettings()
        s.beginGroup(SETTINGS_GROUP)
        choices = {"rules_n": self.rules_n.value(), **self.llm_form.choices(), "tab": self.tabs.currentIndex()}
        for key, value in choices.items():
            s.setValue(key, value)
        s.endGroup()

    def standard_ids(self) -> list[int] | None:
        """The chosen scope: None means the whole shop."""
        if self.scope_current.isChecked() and self.current is not None:
            return [self.current.id]
        if self.scope_listed.isChecked() and self.listed_ids is not None:
            return list(self.listed_ids)
        return None

    def augment_settings(self):
        return AugmentSettings(parse_entities(self.entities.toPlainText()),
                               parse_synonym_groups(self.synonyms.toPlainText()))

    def llm_settings(self):
        return self.llm_form.llm_settings()

    # ------------------------------------------------------------------ jobs
    def busy(self) -> bool:
        """A job runs, or its outcome has not been shown yet (the worker's signal is still queued)."""
        return self.jobs.busy()

    def _guard_factory(self):
        """A function building, in the worker, the guard of a job: the text checks, plus the encoder
        check with the shop's current model when asked. Reads the widgets here, on the GUI thread."""
        from ...core.augment.guard import Guard

        use_encoder = self.encoder_check.isChecked()
        source = self.matchers.shared(self.shop_id) if self.matchers is not None else None
        loading = self.tr("Loading the model…")

        def make(private: Store, reporter):
            if not use_encoder:
                return Guard(private, self.shop_id)
            if source is not None:
                matcher, lock = source
                with lock:  # refresh() may re-embed edits: not while the live query uses the index
                    return Guard.for_shop(private, self.shop_id, matcher=matcher)
            reporter.stage(loading)
            return Guard.for_shop(private, self.shop_id)

        return make

    def start_preview(self) -> None:
        if self.busy():
            return
        ids = self.standard_ids() or self.all_ids
        if not ids:
            return
        standard_id = ids[0]
        method = self.tabs.currentIndex()
        try:
            settings = self.llm_settings() if method == self.LLM_TAB else self.augment_settings()
        except ValueError as exc:
            self._show_message(str(exc), error=True)
            return
        if method == self.LLM_TAB and not confirm(self, self.tr("Send questions to the LLM?"), self.tr(
                "Send one standard question of this shop to {provider} ({url}) for a preview of 10 paraphrases? "
                "Nothing is saved.").format(provider=settings.provider, url=settings.base_url)):
            return
        stop = threading.Event()
        make_guard, seed, stage = self._guard_factory(), self.seed.value(), self.tr("Preview…")
        entities = self.augment_settings().entities

        def job(reporter):
            from ...core.augment.preview import preview_llm, preview_rules

            private = Store(self.home)
            try:
                guard = make_guard(private, reporter)
                reporter.stage(stage)
                if method == self.LLM_TAB:
                    return preview_llm(private, self.shop_id, standard_id, settings, guard=guard, entities=entities,
                                       stop=stop)
                return preview_rules(private, self.shop_id, standard_id, seed=seed, settings=settings, guard=guard)
            finally:
                private.close()

        self._start(job, self._preview_done, stop=stop)

    def start_run(self) -> None:
        if self.busy():
            return
        method = self.tabs.currentIndex()
        try:
            settings = self.llm_settings() if method == self.LLM_TAB else None
            lists = self.augment_settings()
            lists.save(self.store, self.shop_id)  # the run and the CLI read the shop's lists
        except ValueError as exc:
            self._show_message(str(exc), error=True)
            return
        self._save_choices()
        ids, seed = self.standard_ids(), self.seed.value()
        rules_n, llm_n = self.rules_n.value(), self.llm_n.value()
        make_guard = self._guard_factory()
        stop = threading.Event()
        confirmer = Confirmer(self, stop)

        def job(reporter):
            from ...core.augment.llm import augment_llm
            from ...core.augment.rules import augment_rules

            private = Store(self.home)
            try:
                guard = make_guard(private, reporter)
                if method == self.LLM_TAB:
                    return augment_llm(private, self.shop_id, settings, standard_ids=ids, per_question=llm_n,
                                       confirm=confirmer, guard=guard, reporter=reporter)
                return augment_rules(private, self.shop_id, standard_ids=ids, per_question=rules_n, seed=seed,
                                     guard=guard, reporter=reporter)
            finally:
                private.close()

        self._start(job, self._run_done, stop=stop)

    def _start(self, job, on_done, stop: threading.Event | None = None) -> FunctionWorker:
        """Run `job(reporter)` in a worker; Cancel cancels its reporter and sets `stop`."""
        worker = FunctionWorker(job, self)
        self._on_done, self._stop = on_done, stop
        r = worker.reporter
        r.stage_changed.connect(self._on_stage)
        r.progress_changed.connect(self._on_progress)
        self._show_message("")
        self.progress.setRange(0, 0)  # busy until the first progress arrives
        self.jobs.start(worker)
        self._set_running(True)
        return worker

    def _ended(self, handler, value) -> None:
        self._set_running(False)
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000 if handler is not self._failed else 0)
        handler(value)

    def cancel(self) -> None:
        if self.busy():
            self.jobs.cancel()
            if self._stop is not None:
                self._stop.set()
            self.stage_label.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _on_stage(self, name: str, _total: int) -> None:
        # The core's stages are "augment (rules)" / "augment (<provider>)"; ours come translated.
        self.stage_label.setText(self.tr("Generating…") if name.startswith("augment (") else name)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if not running:
            self.stage_label.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.busy()
        for w in (self.preview_button, self.generate_button, self.tabs, self.encoder_check):
            w.setEnabled(not running and bool(self.all_ids))

    def _show_message(self, text: str, error: bool = False) -> None:
        self.error_label.setText("⚠ " + text if error else "")
        self.error_label.setVisible(bool(text) and error)
        if text and not error:
            self.result_label.setText(text)
        self.result_label.setVisible(bool(text) and not error)

    # ------------------------------------------------------------------ outcomes
    def _preview_done(self, preview) -> None:
        self.last_preview = preview
        reasons = reason_names()
        self.preview_list.clear()
        header = QListWidgetItem(self.tr("“{text}”: {kept} kept, {dropped} dropped").format(
            text=preview.text, kept=len(preview.kept), dropped=len(preview.dropped)))
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        header.setForeground(QBrush(QColor(TEXT)))
        self.preview_list.addItem(header)
        for text in preview.kept:
            self.preview_list.addItem(QListWidgetItem("✓  " + text))
        for text, reason in preview.dropped:
            item = QListWidgetItem(f"✗  {text}  ({reasons.get(reason, reason)})")
            item.setForeground(QBrush(QColor(SUBTLE)))
            self.preview_list.addItem(item)
        if preview.usage:
            self._show_message(self.tr("Preview used %n token(s).", "", preview.usage.get("total_tokens", 0)))

    def _run_done(self, summary) -> None:
        self.last_summary = summary
        self._show_message(self.summary_text(summary))
        if summary.added:
            self.generated.emit()

    def summary_text(self, summary) -> str:
        reasons = reason_names()
        touched = sum(1 for q in summary.questions if q.added)
        lines = [self.tr("%n pending similar question(s) added to {touched} of {total} standard questions.", "",
                         summary.added).format(touched=touched, total=len(summary.questions))]
        if summary.dropped:
            lines.append(self.tr("Dropped by the guard: {list}.").format(list=", ".join(
                f"{reasons.get(k, k)} {v}" for k, v in sorted(summary.dropped.items()))))
        if summary.method == "llm":
            u = summary.usage
            lines.append(self.tr("Tokens: {prompt} prompt + {completion} completion = {total}; {requests} requests, "
                                 "{retries} retries.").format(prompt=u.get("prompt_tokens", 0),
                                                              completion=u.get("completion_tokens", 0),
                                                              total=u.get("total_tokens", 0),
                                                              requests=summary.requests, retries=summary.retries))
        short = [q for q in summary.questions if q.note and q.asked and q.added < q.asked]
        if short:
            lines.append(self.tr("%n standard question(s) got fewer than asked, e.g. “{text}”: {note}.", "",
                                 len(short)).format(text=short[0].text, note=short[0].note))
        if summary.failures:
            lines.append(self.tr("Failed: {first}").format(first=summary.failures[0]))
        if summary.added:
            lines.append(self.tr("Review them next: only accepted ones train."))
        return "\n".join(lines)

    def _failed(self, message: str) -> None:
        self._show_message(self.tr("Stopped: {message}. What arrived before is saved; run again to "
                                   "continue.").format(message=message), error=True)
        self.generated.emit()  # an LLM run may have saved part of its answers

    def _cancelled(self, _value) -> None:
        self._show_message(self.tr("Cancelled. What arrived before is saved; run again to continue."))
        self.generated.emit()

    # ------------------------------------------------------------------ closing
    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        if not self.busy():
            return True
        self.cancel()
        if not self.jobs.wait(timeout_ms):  # then not busy; its outcome still arrives, or finds the dialog gone
            return False
        self._set_running(False)
        return True

    def reject(self) -> None:
        if self.busy():
            if not confirm(self, self.tr("Generation running"),
                           self.tr("Stop generating? What arrived so far is kept.")):
                return
            self.cancel_and_wait()
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.busy():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
