"""One shop's serving state: its matcher, a dynamic batcher in front of it, and an answer cache.

- **Batching.** Request threads put their texts on a queue; a batcher per shop takes whatever
  has queued up (up to MAX_BATCH texts) and encodes it (`Matcher.embed`, split where the lengths
  jump: runtime.length_chunks). Under load, texts that arrive while a batch is encoded form the
  next one, so throughput grows with load instead of queueing one by one; an idle server answers
  a lone question at once (no waiting window). Several batchers can share a shop (`workers`),
  encoding in parallel (the index search and the matcher's store sync run under one lock); give
  them encoders with a share of the cores each (`serve(encoder_factory=...)`). One is the default: on 2 cores, two batchers of one
  onnxruntime thread each served 8% more requests per second at full load, but a third of that
  load waited longer (p99 82 against 70 ms), since a lone query then runs on one core
  (bench/RESULTS.md, issue 8).
- **Following the store.** The matcher re-syncs its index when the shop's revision moves (an edit
  is matched at the next request). A newly activated model version is opened in a thread of its
  own while the old matcher keeps answering; the worker swaps them when it is ready.
- **Cache.** Answers keyed by the normalised text, top_k, and the shop's state (revision, active
  version, settings, which hold the thresholds): any edit, threshold change or new model makes a
  new key, so nothing stale is served. A hit costs three small SELECTs.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass

from ..core.matcher import Matcher, NoModelError, QueryResult
from ..core.normalize import normalize_text
from ..core.store import Store

log = logging.getLogger(__name__)

# As many texts as `predict` encodes at once. Under saturating load (128 chat sessions, 2 cores)
# 64 served 159-179 requests/s over six probes against 173 in one with 32: no gain beyond the
# noise; kept so that the batches match predict's (bench/RESULTS.md, issue 8).
MAX_BATCH = 64
WORKERS = 1
CACHE_SIZE = 20_000
RESULT_TIMEOUT_S = 60.0


@dataclass
class _Item:
    text: str
    top_k: int
    future: Future
    key: tuple


class StoreSource:
    """A shop of the data directory: follows its edits and its active version."""

    def __init__(self, store: Store, shop_id: int, encoder_factory=None):
        self.store = store
        self.shop_id = shop_id
        self.encoder_factory = encoder_factory
        self.matcher: Matcher | None = None
        self._next: Matcher | None = None
        self._loading: threading.Thread | None = None

    def state(self) -> tuple:
        """What an answer depends on besides the text: revision, active version, settings (as
        stored: any change makes a new key). One small SELECT per request."""
        revision, active, settings = self.store.serving_state(self.shop_id)
        if active is None:
            raise NoModelError("this shop has no model yet: retrain it in the app or run `standardq train`")
        return revision, active, settings

    def current(self) -> Matcher:
        """The matcher to answer with now (called by the batcher's thread only). Reads the active
        version's id only; its whole row (with the report) only when it changed."""
        active_id = self.store.active_version_id(self.shop_id)
        if active_id is None:
            raise NoModelError("this shop has no model yet: retrain it in the app or run `standardq train`")
        if self._next is not None and self._next.version.id == active_id:
            self.matcher, self._next = self._next, None
        if self.matcher is None:
            self.matcher = Matcher(self.store, self.shop_id, self.store.version(active_id),
                                   encoder_factory=self.encoder_factory)
        elif self.matcher.version.id != active_id and self._loading is None:
            self._loading = threading.Thread(target=self._load, args=(self.store.version(active_id),), daemon=True,
                                             name=f"shop-{self.shop_id}-loader")
            self._loading.start()
        return self.matcher

    def _load(self, version) -> None:
        """Open a newly activated version beside the serving one (the old one answers meanwhile)."""
        try:
            self._next = Matcher(self.store, self.shop_id, version, encoder_factory=self.encoder_factory)
        except Exception as exc:  # noqa: BLE001 - the old matcher goes on serving; tried again next batch
            log.warning("shop %s: model version %s could not be opened: %s", self.shop_id, version.id, exc)
        finally:
            self._loading = None


class FixedSource:
    """A read-only model bundle (model_bundle.py): one matcher, one state."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self._state = ("bundle", matcher.version.id)

    def state(self) -> tuple:
        return self._state

    def current(self) -> Matcher:
        return self.matcher


class ShopRuntime:
    def __init__(self, source: StoreSource | FixedSource, name: str = "shop", workers: int = WORKERS):
        self.source = source
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._cache: OrderedDict[tuple, QueryResult] = OrderedDict()
        self._cache_lock = threading.Lock()
        # The source's matcher swap and the matcher's index sync and search are not thread-safe.
        self._match_lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, name=f"{name}-batcher-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for worker in self._workers:
            worker.start()

    # -- the request side ---------------------------------------------------------------------
    def submit(self, texts: list[str], top_k: int) -> list[Future]:
        """One future per text, in order, each giving (QueryResult, from the cache): a cache hit's
        is done already, the others are finished by the batcher's thread."""
        state = self.source.state()
        futures = []
        for text in texts:
            key = (normalize_text(text), top_k, state)
            with self._cache_lock:
                hit = self._cache.get(key)
                if hit is not None:
                    self._cache.move_to_end(key)
            future: Future = Future()
            if hit is not None:
                future.set_result((QueryResult(text, hit.decision, hit.matches, hit.model_version, 0.0, hit.twin,
                                               hit.offtopic),
                                   True))
            else:
                self._queue.put(_Item(text, top_k, future, key))
            futures.append(future)
        return futures

    def _remember(self, key: tuple, result: QueryResult) -> None:
        with self._cache_lock:
            self._cache[key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def close(self) -> None:
        for _ in self._workers:
            self._queue.put(None)
        for worker in self._workers:
            worker.join(10)

    # -- the worker side ----------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(more)
            try:
                with self._match_lock:
                    matcher = self.source.current()
                k = max(max(i.top_k for i in batch), 2)
                texts = [i.text for i in batch]
                t0 = time.perf_counter()
                vectors = matcher.embed(texts, batch_size=MAX_BATCH)
                with self._match_lock:
                    results = matcher.query_many(texts, k=k, vectors=vectors)
                per_item = (time.perf_counter() - t0) * 1000
                for i, result in zip(batch, results):
                    result.matches = result.matches[:i.top_k]
                    result.latency_ms = per_item
                    self._remember(i.key, result)
                    i.future.set_result((result, False))
            except Exception as exc:  # noqa: BLE001 - every waiting request gets the error
                for i in batch:
                    if not i.future.done():
                        i.future.set_exception(exc)
