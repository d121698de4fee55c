"""The inbox tab (收件箱): what consumers asked that the model did not answer, grouped, most asked
first (near ties ranked higher, as the core ranks them), with one-click fixes and Undo.

Everything slow runs in a JobRunner job (jobs.py) with its own connections: grouping when the tab
opens on a shop, when new messages arrive (a check every 30 s) and after a model change (each new
Matcher of the query panel's MatcherHost); a fix or an undo, then reading the groups back, which
needs no regrouping. One job at a time: a fix supersedes a running update (the core starts that
one again later), a refresh asked for during a fix runs after it.
"""

from __future__ import annotations

import time
from html import escape

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from ....core.store import Store, StoreError
from ...icons import icon
from ...job_runner import JobRunner, cancel_and_wait
from ...matcher_host import MatcherHost
from ...messages import error_text
from ...style import ERROR, SUBTLE, WARNING_BG, WARNING_BORDER, WARNING_STRONG
from ...workers import FunctionWorker
from ..score_bar import ScoreBarDelegate, ScoreScale
from .fix_bar import FixBar, short
from .jobs import SharedMatcher, counts_job, inbox_job, make_fix
from .detail import GroupDetail, table_view
from .models import ID_ROLE, GroupModel, TieTagDelegate

_SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
CHECK_MS = 30_000  # how often new log rows are looked for (a cheap read; grouping only when there are some)
HOLD_BACK_KEY = "inbox/hold_back"
PANEL_STYLE = f"""
QLabel#toWrite {{ background: {WARNING_BG}; color: {WARNING_STRONG}; border: 1px solid {WARNING_BORDER};
    border-radius: 6px; padding: 6px 10px; }}
QLabel#placeholder {{ color: {SUBTLE}; font-size: 14px; }}
"""


class InboxPanel(QWidget):
    counts_changed = Signal(object)       # InboxCounts of the shop in view (None: no shop)
    store_changed = Signal(str, object)   # a fix or an undo changed the shop: its kind, a standard question id
    learnt_changed = Signal(int)          # similar questions from the inbox since the active model was trained
    question_requested = Signal(int)      # open this standard question in the editor
    import_requested = Signal()           # File ▸ Import chat log…

    def __init__(self, store: Store, matchers: MatcherHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.matchers = store, matchers
        self.shop_id: int | None = None
        self.view = None                 # the last InboxView shown
        self.target: tuple[int, str] | None = None  # the standard question "Add" adds to
        self._chosen_for: int | None = None  # the group whose target the operator chose (kept over refreshes)
        self._kind: str | None = None    # what the running job is: "refresh" or "fix"
        self._fix_text = ""              # the target's text, for the message after an add
        self._again = False              # a refresh was asked for while a fix ran
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._on_view)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self.count_jobs = JobRunner(self)
        self.count_jobs.finished.connect(self._on_counts)
        matchers.ready.connect(self._on_matcher_ready)
        matchers.failed.connect(lambda _m: self._set_state(self.tr("The model is not available")))
        matchers.unavailable.connect(self._on_unavailable)
        self.setStyleSheet(PANEL_STYLE)
        self._build()
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(lambda: self.refresh(quiet=True))
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_enabled()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Inbox"), objectName="title"))
        self.state_label = QLabel(objectName="hint")
        header.addWidget(self.state_label)
        self.progress = QProgressBar(maximumWidth=160, maximumHeight=8, textVisible=False)
        self.progress.hide()
        header.addWidget(self.progress)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.jobs.cancel)
        header.addWidget(self.cancel_button)
        header.addStretch(1)
        self.hold_back = QCheckBox(self.tr("Hold back 1 in 5 as test questions"))
        self.hold_back.setToolTip(self.tr("One in five accepted texts (and one in five marked as matching nothing) "
                                          "goes to the test questions instead, so the evaluation report follows "
                                          "real traffic; a held-back text is never used for matching."))
        self.hold_back.setChecked(QSettings().value(HOLD_BACK_KEY, False, type=bool))
        self.hold_back.toggled.connect(lambda on: QSettings().setValue(HOLD_BACK_KEY, on))
        header.addWidget(self.hold_back)
        self.import_button = QPushButton(icon("import"), self.tr("Import chat log…"))
        self.import_button.clicked.connect(self.import_requested)
        header.addWidget(self.import_button)
        self.regroup_button = QPushButton(icon("refresh"), self.tr("Regroup"))
        self.regroup_button.setToolTip(self.tr("Group every open question again (after a model change it happens "
                                               "by itself)"))
        self.regroup_button.clicked.connect(lambda: self.refresh(full=True))
        header.addWidget(self.regroup_button)

        self.to_write = QLabel(objectName="toWrite", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.to_write.linkActivated.connect(lambda href: self.question_requested.emit(int(href)))
        self.to_write.hide()

        self.groups = GroupModel(self)
        self.table = table_view(self.groups)
        self.table.setItemDelegateForColumn(GroupModel.QUESTION, TieTagDelegate(self.tr("near tie"), self.table))
        self.score_delegate = ScoreBarDelegate(self.table)
        self.table.setItemDelegateForColumn(GroupModel.SCORE, self.score_delegate)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(GroupModel.QUESTION, QHeaderView.ResizeMode.Stretch)
        for col, width in ((GroupModel.MESSAGES, 84), (GroupModel.TEXTS, 64), (GroupModel.SUGGESTION, 210),
                           (GroupModel.SCORE, 150)):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            h.resizeSection(col, width)
        self.table.selectionModel().selectionChanged.connect(self._groups_selected)
        self.placeholder = QLabel(objectName="placeholder", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.placeholder)

        self.fix_bar = FixBar()
        self.fix_bar.add_requested.connect(lambda sid: self.fix("add", sid))
        self.fix_bar.pick_requested.connect(self.pick_target)
        self.fix_bar.new_requested.connect(lambda: self.fix("new"))
        self.fix_bar.none_requested.connect(lambda: self.fix("none"))
        self.fix_bar.ignore_requested.connect(lambda: self.fix("ignore"))
        self.fix_bar.undo_requested.connect(self.undo)
        self.message = QLabel(objectName="hint", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.message.linkActivated.connect(lambda href: self.question_requested.emit(int(href)))
        self.message.hide()  # shown with what the last fix did

        self.detail = GroupDetail()
        self.members, self.member_table = self.detail.members, self.detail.member_table
        self.nearest, self.nearest_table = self.detail.nearest, self.detail.nearest_table
        self.nearest_delegate = self.detail.nearest_delegate
        self.member_table.selectionModel().selectionChanged.connect(lambda *_: self._update_scope())
        self.nearest_table.clicked.connect(self._nearest_clicked)
        self.nearest_table.doubleClicked.connect(lambda index: self.question_requested.emit(index.data(ID_ROLE)))
        lower = QWidget()
        lower_lay = QVBoxLayout(lower)
        lower_lay.setContentsMargins(0, 6, 0, 0)
        lower_lay.setSpacing(6)
        lower_lay.addWidget(self.fix_bar)
        lower_lay.addWidget(self.message)
        lower_lay.addWidget(self.detail, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 260])

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        root.addLayout(header)
        root.addWidget(self.to_write)
        root.addWidget(self.splitter, 1)

    # ------------------------------------------------------------------ public API
    def set_shop(self, shop_id: int | None) -> None:
        if shop_id == self.shop_id:
            return
        if self._kind == "refresh":
            self.jobs.drop()  # a fix of the shop we leave still finishes (unobserved)
        else:
            self.jobs.drop(cancel=False)
        self._kind, self._again = None, False
        self.shop_id, self.view, self.target = shop_id, None, None
        self.groups.set_groups([])
        self._groups_selected()
        self.to_write.hide()
        self.message.clear()
        self.message.hide()
        self._end_progress()
        self.learnt_changed.emit(0)
        if shop_id is None:
            self.timer.stop()
            self._set_state("")
            self._show_placeholder(self.tr("Choose or create a shop."))
            self.counts_changed.emit(None)
            return
        self.timer.start()
        self.count_jobs.start(FunctionWorker(lambda _r, home=self.store.home, s=shop_id: counts_job(home, s)))
        if self.matchers.shared(shop_id) is not None and not self.matchers.is_loading():
            self.refresh()
        else:
            self._set_state(self.tr("Waiting for the model…"))
            self._show_placeholder(self.tr("The inbox groups questions with the shop's model; it is loading."))

    def refresh(self, full: bool = False, quiet: bool = False) -> bool:
        """Update the groups (if anything changed, or all of them again with `full`) and show them.
        quiet: the periodic check, which leaves the list alone when nothing changed."""
        shared = self.matchers.shared(self.shop_id) if self.shop_id is not None else None
        if shared is None:
            return False
        if self._kind == "fix":
            self._again = True
            return False
        if quiet and (self.jobs.busy() or self.view is None):
            return False
        self._set_scale(shared[0].thresholds)
        matcher = SharedMatcher.of(*shared)
        quiet = quiet and self.view.model_version == matcher.version.id
        home, shop_id = self.store.home, self.shop_id
        worker = FunctionWorker(lambda r: inbox_job(home, shop_id, matcher, r, full=full, only_if_needed=quiet))
        self._start(worker, "refresh", show=not quiet)
        return True

    def fix(self, kind: str, standard_id: int | None = None) -> bool:
        """Apply a fix to the selected texts, the selected group or the selected groups (see targets)."""
        shared = self.matchers.shared(self.shop_id) if self.shop_id is not None else None
        targets = self.targets()
        if shared is None or self._kind == "fix" or (kind != "undo" and not targets):
            return False
        if kind == "new" and len(targets) != 1:
            return False
        if kind == "add":
            self._fix_text = self.target[1] if self.target and self.target[0] == standard_id \
                else self._standard_text(standard_id)
            self._choose_target((standard_id, self._fix_text))
        matcher = SharedMatcher.of(*shared)
        fn = make_fix(kind, targets, standard_id, self.hold_back.isChecked())
        home, shop_id = self.store.home, self.shop_id
        self._start(FunctionWorker(lambda r: inbox_job(home, shop_id, matcher, r, update=False, fix=fn)), "fix")
        return True

    def undo(self) -> bool:
        """Revert the latest fix (button, or Ctrl+Z in the tab)."""
        if self.view is None or self.view.last_fix is None:
            return False
        return self.fix("undo")

    def targets(self) -> list:
        """What a fix applies to: the selected texts of one group, else the selected groups."""
        chosen = self.selected_groups()
        if len(chosen) == 1:
            norms = [i.data(ID_ROLE) for i in self.member_table.selectionModel().selectedRows()]
            if norms and len(norms) < len(chosen[0].members):
                return [(chosen[0].id, norms)]
        return [g.id for g in chosen]

    def selected_groups(self) -> list:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.groups.group(r) for r in rows]

    def current_group(self):
        chosen = self.selected_groups()
        current = self.groups.group(self.table.currentIndex().row())
        return current if current in chosen else (chosen[0] if chosen else None)

    def select_group(self, group_id: int) -> bool:
        row = self.groups.row_of(group_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(self.groups.index(row, 0), _SELECT_ROW)
        return row >= 0

    def pick_target(self) -> None:
        from ..question_picker import QuestionPicker

        if self.shop_id is None or not self.targets():
            return
        chosen = QuestionPicker.pick(self, self.store, self.shop_id, prompt=self.tr(
            "Which standard question are these texts ways of asking?"))
        if chosen is not None:
            self.fix_bar.choose(chosen, self._standard_text(chosen))

    def busy(self) -> bool:
        return self.jobs.busy()

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        return cancel_and_wait([self.jobs, self.count_jobs], timeout_ms)

    def shutdown(self) -> None:
        """At close: a running fix finishes (its undo record with it), an update stops."""
        self.timer.stop()
        if self._kind == "refresh":
            self.jobs.cancel()
        self.jobs.wait(30000)
        self.count_jobs.wait(5000)

    # ------------------------------------------------------------------ jobs
    def _start(self, worker: FunctionWorker, kind: str, show: bool = True) -> None:
        self._kind = kind
        if show:
            worker.reporter.stage_changed.connect(self._on_stage)
            worker.reporter.progress_changed.connect(self._on_progress)
            self._on_stage("fix" if kind == "fix" else "read", -1)
        self.jobs.start(worker)  # a running update is cancelled: the core keeps what it had
        self._update_enabled()

    def _on_stage(self, name: str, total: int) -> None:
        text = {"read": self.tr("Reading the log…"), "embed": self.tr("Encoding new questions…"),
                "group": self.tr("Grouping…"), "list": self.tr("Finding the nearest standard questions…"),
                "fix": self.tr("Saving…")}.get(name, name)
        self._set_state(text)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setVisible(self._kind == "refresh")

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self._set_state(self.tr("Encoding new questions… {done} / {total}").format(done=done, total=total))

    def _on_view(self, view) -> None:
        kind = self._job_ended()
        if view is not None and view.shop_id == self.shop_id:
            self._show(view)
            if kind == "fix":
                self._after_fix(view)
        self._state_from_view()
        self._run_again()

    def _on_failed(self, message: str) -> None:
        self._job_ended()
        self._set_state(self.tr("The inbox could not be updated"), error=message)
        self._run_again()

    def _on_cancelled(self) -> None:
        self._job_ended()
        self._state_from_view()

    def _on_counts(self, view) -> None:
        if view.shop_id == self.shop_id and self.view is None:
            self.counts_changed.emit(view.counts)

    def _set_scale(self, thresholds: dict) -> None:
        scale = ScoreScale.from_thresholds(thresholds)
        self.score_delegate.set_scale(scale)
        self.nearest_delegate.set_scale(scale)

    def _on_matcher_ready(self, matcher) -> None:
        if matcher.shop_id == self.shop_id:
            self.refresh()  # a new model: the job regroups (needs_update sees another version)

    def _on_unavailable(self, why: str) -> None:
        if why == "empty" and self.shop_id is not None and self.view is None:
            self._set_state("")
            self._show_placeholder(self.tr("This shop has no standard questions yet: add or import some, and the "
                                           "questions its model cannot answer will gather here."))

    def _job_ended(self) -> str | None:
        kind, self._kind = self._kind, None
        self._end_progress()
        self._update_enabled()
        return kind

    def _run_again(self) -> None:
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.refresh)

    def _end_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    # ------------------------------------------------------------------ showing a view
    def _show(self, view) -> None:
        chosen = {g.id for g in self.selected_groups()}
        current_row = self.table.currentIndex().row()
        self.view = view
        self.groups.set_groups(view.groups)
        keep = [self.groups.row_of(g) for g in chosen if self.groups.row_of(g) >= 0]
        if not keep and view.groups:  # what was selected is dealt with: the next group in the list
            keep = [min(max(current_row, 0), len(view.groups) - 1)]
        selection = self.table.selectionModel()
        for i, row in enumerate(sorted(keep)):
            flags = QItemSelectionModel.SelectionFlag.Rows | (QItemSelectionModel.SelectionFlag.Select if i else
                                                                QItemSelectionModel.SelectionFlag.ClearAndSelect)
            selection.setCurrentIndex(self.groups.index(row, 0), flags)
        self._groups_selected()
        if view.groups:
            self.stack.setCurrentWidget(self.table)
        else:
            self._show_placeholder(self.tr("Nothing to look at: every logged question was answered, or dealt with "
                                           "here.\nQuestions the model could not answer arrive from the API's log, "
                                           "or from a chat log (File ▸ Import chat log…)."))
        self.counts_changed.emit(view.counts)
        self.learnt_changed.emit(view.learnt)
        if view.to_write:
            links = "、".join(f"<a href='{i}'>{escape(short(t, 18))}</a>" for i, t in view.to_write[:5])
            self.to_write.setText(self.tr("%n standard question(s) made here still need an answer:", "",
                                          len(view.to_write)) + " " + links)
        self.to_write.setVisible(bool(view.to_write))

    def _after_fix(self, view) -> None:
        if view.error is not None:
            self.message.setText(f"<span style='color:{ERROR}'>{escape(error_text(view.error))}</span>")
            self.message.show()
            return
        r = view.fixed
        self.message.setText(self.fix_bar.result_text(r, self._fix_text, self._standard_text(r.standard_id)))
        self.message.show()
        self.store_changed.emit(r.kind, r.standard_id)

    def _groups_selected(self, *_args) -> None:
        group = self.current_group()
        self.members.set_members(group.members if group else [])
        if group is not None and group.id == self._chosen_for:
            pass  # the standard question the operator chose for this group stays chosen
        elif group is not None:
            self._chosen_for = None
            sid = group.suggested_id
            text = next((s.text for s in group.nearest if s.id == sid), None)
            self.target = (sid, text or self._standard_text(sid)) if sid is not None else None
        else:
            self.target = self._chosen_for = None
        self.nearest.set_nearest(group.nearest if group else [], self.target[0] if self.target else None)
        self._update_scope()

    def _nearest_clicked(self, index) -> None:
        s = self.nearest.nearest[index.row()]
        self._choose_target((s.id, s.text))

    def _choose_target(self, target: tuple[int, str]) -> None:
        group = self.current_group()
        self.target, self._chosen_for = target, group.id if group else None
        self.nearest.set_target(target[0])
        self.fix_bar.set_target(target)

    def _update_scope(self) -> None:
        chosen = self.selected_groups()
        targets = self.targets()
        if not chosen:
            scope = self.tr("Select a group (or several, or some of a group's texts) to fix it.")
        elif len(chosen) > 1:
            scope = self.tr("%n groups selected", "", len(chosen)) + self.tr(" · {m} messages").format(
                m=sum(g.count for g in chosen))
        elif isinstance(targets[0], tuple):
            scope = self.tr("%n selected text(s) of this group", "", len(targets[0][1]))
        else:
            g = chosen[0]
            scope = self.tr("This group: %n text(s)", "", len(g.members)) + self.tr(" · {m} messages").format(m=g.count)
        nearest = self.current_group().nearest if chosen else []
        self.fix_bar.set_scope(scope, nearest, self.target, enabled=bool(chosen) and self._kind != "fix",
                               can_new=len(targets) == 1)
        self.nearest.set_target(self.target[0] if self.target else None)

    def _update_enabled(self) -> None:
        ready = self.shop_id is not None and self.matchers.shared(self.shop_id) is not None
        fixing = self._kind == "fix"
        self.regroup_button.setEnabled(ready and not fixing)
        self.import_button.setEnabled(self.shop_id is not None)
        self.fix_bar.set_undo(self.view.last_fix if self.view else None, ready and not fixing)
        self._update_scope()

    def _state_from_view(self) -> None:
        if self.view is None:
            return
        c = self.view.counts
        self._set_state(self.tr("%n group(s)", "", c.groups) + self.tr(" · {t} texts · {m} messages · updated {when}")
                        .format(t=c.texts, m=c.messages, when=time.strftime("%H:%M")))
        self._update_enabled()

    def _set_state(self, text: str, error: str = "") -> None:
        self.state_label.setText(text)
        self.state_label.setToolTip(error)
        self.state_label.setStyleSheet(f"color: {ERROR};" if error else "")

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def _standard_text(self, standard_id: int | None) -> str:
        if standard_id is None:
            return ""
        try:
            return self.store.standard(standard_id).text
        except StoreError:
            return ""
