"""What the inbox tab runs off the GUI thread: grouping, fixes, undo, the chat-log import.

Each job opens its own Store and QueryLog connections (the inbox is one instance per thread, as
QueryLog is) and uses the query panel's open Matcher (MatcherHost) through `SharedMatcher`: its
encoder runs under the host's lock one batch at a time, so the live query test keeps answering
while thousands of logged texts are encoded. Nothing here touches a widget; the panel gets an
`InboxView` back through JobRunner's `finished`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ....core.querylog import FILE_NAME


class LockedEncoder:
    """The Matcher's encoder, each call under the MatcherHost's lock (the live test retries meanwhile)."""

    def __init__(self, inner, lock: threading.Lock) -> None:
        self.inner = inner
        self.lock = lock

    def encode(self, texts, batch_size: int = 64):
        with self.lock:
            return self.inner.encode(texts, batch_size=batch_size)

    def encode_one(self, text: str):
        with self.lock:
            return self.inner.encode_one(text)

    def __getattr__(self, name):  # dim, prefix, variant...: the wrapped encoder's
        return getattr(self.inner, name)


@dataclass
class SharedMatcher:
    """What the inbox and the chat-log import use of a Matcher: its shop, version and (locked) encoder."""

    shop_id: int
    version: object
    encoder: object

    @classmethod
    def of(cls, matcher, lock: threading.Lock) -> "SharedMatcher":
        return cls(matcher.shop_id, matcher.version, LockedEncoder(matcher.encoder, lock))


@dataclass
class InboxView:
    """One job's outcome: the open groups as the core ranks them, and what the tab shows around them."""

    shop_id: int
    model_version: int | None
    groups: list = field(default_factory=list)   # InboxGroup, ranked
    counts: object = None                        # InboxCounts
    learnt: int = 0                              # similar questions from the inbox since training
    to_write: list = field(default_factory=list)  # (id, text) of new standard questions without an answer
    last_fix: dict | None = None                 # the fix Undo would revert: id, kind, texts
    updated: object = None                       # UpdateResult, when the job updated the groups
    fixed: object = None                         # FixResult, when the job made a fix or an undo
    error: Exception | None = None               # the fix's StoreError, in the operator's words later


def log_path(home) -> Path:
    return Path(home) / FILE_NAME


def counts_job(home, shop_id: int) -> InboxView:
    """Only the counts (no model open yet): the status bar's number."""
    from ....core.inbox import Inbox
    from ....core.store import Store

    store = Store(Path(home))
    inbox = Inbox.open(store, shop_id)
    try:
        return InboxView(shop_id, None, counts=inbox.counts())
    finally:
        inbox.close()
        store.close()


def inbox_job(home, shop_id: int, matcher: SharedMatcher, reporter, *, update: bool = True, full: bool = False,
              only_if_needed: bool = False, fix: Callable | None = None) -> InboxView | None:
    """Make a fix (if any), bring the groups up to date (if asked and needed), and read them back.
    `only_if_needed`: None when nothing changed since the last update (the periodic check)."""
    from ....core import inbox_actions as actions
    from ....core.inbox import Inbox
    from ....core.store import StoreError, Store

    store = Store(Path(home))
    inbox = Inbox.open(store, shop_id)
    try:
        view = InboxView(shop_id, matcher.version.id)
        if fix is not None:
            try:
                view.fixed = fix(inbox)
            except StoreError as exc:
                view.error = exc
        needed = full or inbox.needs_update(matcher.version.id)
        if only_if_needed and not needed:
            return None
        if update and needed:
            view.updated = inbox.update(matcher, reporter, full=full)
        reporter.stage("list", None)
        view.groups = inbox.groups(matcher)
        view.counts = inbox.counts()
        view.learnt = actions.similars_from_inbox_since_training(store, shop_id)
        view.to_write = [(sq.id, sq.text) for sq in actions.answers_to_write(inbox)]
        latest = inbox.db.actions(limit=1, undone=False)
        if latest:
            a = latest[0]
            view.last_fix = {"id": a["id"], "kind": a["kind"], "texts": len(a["payload"].get("members", []))}
        return view
    finally:
        inbox.close()
        store.close()


def import_job(home, matcher: SharedMatcher, table, mapping, consumer_values, mask_texts: bool, dedup: bool,
               reporter):
    """The chat-log import (core.chatlog_import) into the data directory's query log."""
    from ....core.chatlog_import import import_chat_log
    from ....core.querylog import QueryLog
    from ....core.store import Store

    store = Store(Path(home))
    log = QueryLog(log_path(home))
    try:
        return import_chat_log(store, log, matcher, table, mapping, consumer_values, reporter,
                               mask_texts=mask_texts, dedup=dedup)
    finally:
        log.close()
        store.close()


def read_job(path):
    """The chat table and the core's guessed mapping, or the exception to show (a bad file)."""
    from ....core.chatlog_read import preview, read_chat_table

    try:
        return preview(read_chat_table(Path(path))), None
    except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which says what is wrong
        return None, exc


def make_fix(kind: str, targets: list | None = None, standard_id: int | None = None, hold_back: bool = False):
    """The fix as a job step: fn(inbox) -> FixResult (core.inbox_actions, imported in the job's thread)."""
    def fix(inbox):
        from ....core import inbox_actions as actions

        if kind == "add":
            return actions.add_to_standard(inbox, targets, standard_id, hold_back=hold_back)
        if kind == "new":
            return actions.new_standard(inbox, targets[0], hold_back=hold_back)
        if kind == "none":
            return actions.mark_none(inbox, targets, hold_back=hold_back)
        if kind == "ignore":
            return actions.ignore(inbox, targets)
        if kind == "undo":
            return actions.undo(inbox)
        raise ValueError(f"unknown fix {kind!r}")
    return fix
