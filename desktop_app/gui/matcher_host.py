"""The open Matcher of the shop in view, shared by the query panel's live and batch tests and the
generation dialog's encoder check, so the model is loaded once and used under one lock.

Loading runs in a `MatcherLoader` (the untuned version is built first when the shop has none).
For the same shop, the current Matcher keeps answering until the new one is ready, and a reload
asked for meanwhile runs when the running load ends; a load for a shop no longer in view is
superseded, not cancelled (the untuned version it builds is needed on the next visit anyway).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.store import Store, StoreError
from .job_runner import JobRunner
from .workers import MatcherLoader

log = logging.getLogger(__name__)


class MatcherHost(QObject):
    """Owns the Matcher's life cycle: open, reload on a model change, drop when it fails."""

    loading = Signal(str)      # a stage of the load while no Matcher answers ("load model" first)
    ready = Signal(object)     # the shop's Matcher is open (a new one after each load)
    failed = Signal(str)       # it could not be loaded, or stopped working: no Matcher now
    unavailable = Signal(str)  # nothing to load: "none" (no shop) or "empty" (no questions yet)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.shop_id: int | None = None
        self.matcher = None
        self.lock = threading.Lock()  # held while the Matcher answers or catches up with edits
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._on_loaded)
        self.jobs.failed.connect(self.drop)
        self._again = False

    # -- for the users of the Matcher ---------------------------------------------------------
    def shared(self, shop_id: int) -> tuple[object, threading.Lock] | None:
        """The open Matcher of `shop_id` and the lock to hold while using it; None when not open."""
        matcher = self.matcher
        return (matcher, self.lock) if matcher is not None and matcher.shop_id == shop_id else None

    def try_query(self, text: str, k: int):
        """The Matcher's answer, or None when a batch holds the lock (ask again in a moment)."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            return self.matcher.query(text, k=k)
        finally:
            self.lock.release()

    def thresholds(self) -> dict:
        with self.lock:
            return dict(self.matcher.thresholds)

    # -- life cycle ---------------------------------------------------------------------------
    def is_loading(self) -> bool:
        return self.jobs.busy()

    def open(self, shop_id: int | None) -> None:
        """Load the shop's active model in the background (again, after a retrain or a rollback)."""
        if self.jobs.busy() and self.jobs.worker.shop_id == shop_id:
            self._again = True  # one load at a time per shop: load again when this one ends
            return
        if self.jobs.busy():
            self.jobs.worker.superseded = True  # finishes building the model, skips opening it
        self.jobs.drop(cancel=False)
        if self.matcher is not None and self.matcher.shop_id != shop_id:
            self.matcher = None
        self.shop_id = shop_id
        if shop_id is None:
            self.unavailable.emit("none")
            return
        try:
            has_entries = bool(self.store.active_version(shop_id)) or bool(self.store.index_entries(shop_id))
        except StoreError as exc:
            self.drop(str(exc))
            return
        if not has_entries:
            self.unavailable.emit("empty")
            return
        if self.matcher is None:
            self.loading.emit("load model")
        loader = MatcherLoader(self.store, shop_id)
        loader.reporter.stage_changed.connect(self._on_stage)
        self.jobs.start(loader)

    def drop(self, message: str) -> None:
        """The Matcher could not be loaded or stopped answering (its model is gone)."""
        self.matcher = None
        self.failed.emit(message)

    def cancel_and_wait(self, timeout_ms: int = 30000) -> bool:
        return self.jobs.cancel_and_wait(timeout_ms)

    def _reopen(self) -> None:
        self.open(self.shop_id)

    def _on_stage(self, name: str, _total: int) -> None:
        if self.matcher is None:  # otherwise the previous model answers meanwhile: nothing to say
            self.loading.emit(name)

    def _on_loaded(self, matcher) -> None:
        self.matcher = matcher
        if self._again:  # the model changed again while this one was loading
            self._again = False
            QTimer.singleShot(0, self._reopen)
        log.info("matcher for shop %s loaded in %.2f s (model v%s)", matcher.shop_id,
                 self.jobs.worker.seconds or 0, matcher.version.id)
        self.ready.emit(matcher)
