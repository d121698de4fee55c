"""Answer consumer questions: normalise, encode on onnxruntime, search the index, decide.

Never imports torch. The index follows the store: before each query the matcher compares the
shop's revision with the index's and embeds only the entries that changed, so an added standard
question is found at once, without retraining.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .calibration import decide
from .index import VectorIndex
from .normalize import normalize_text
from .offtopic import BUILTIN_BASE, OWN, offtopic_entries, offtopic_index_path
from .runtime import OnnxEncoder
from .shop_settings import load_settings, set_thresholds
from .store import ModelVersion, NotFoundError, Store, StoreError
from .twins import NO_TWINS, Twins

ENTRIES_PER_RESULT = 8  # entries fetched per requested standard question (several per question)
OFFTOPIC_CANDIDATES = 8  # known off-topic messages looked at, for one that is not shadowed


class NoModelError(StoreError):
    pass


@dataclass
class Match:
    id: int
    standard_question: str
    category: str
    answer: str
    score: float


@dataclass
class QueryResult:
    query: str
    decision: str
    matches: list[Match] = field(default_factory=list)
    model_version: int | None = None
    latency_ms: float = 0.0
    twin: bool = False  # the top two share an entry text (twins.py): suggested, not answered
    # The nearest known off-topic message (offtopic.py): {"text", "score", "own"}, "own" True for
    # one the operator marked as matching nothing; None when none is known.
    offtopic: dict | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("latency_ms")
        return d


def sync_index(store: Store, shop_id: int, index: VectorIndex, encoder: OnnxEncoder,
               entries=None) -> dict[int, int]:
    """Bring `index` up to the store's current revision; returns label -> standard question id."""
    revision = store.shop(shop_id).revision  # read first: an edit made meanwhile triggers another sync
    entries = store.index_entries(shop_id) if entries is None else entries
    want = {e.label: e.norm for e in entries}
    gone = [lab for lab in index.texts if lab not in want]
    changed = [lab for lab, text in want.items() if index.texts.get(lab) != text]
    if changed:
        texts = [want[lab] for lab in changed]
        index.upsert(changed, texts, encoder.encode(texts))
    index.remove(gone)
    index.revision = revision
    return {e.label: e.standard_id for e in entries}


def effective_thresholds(store: Store, shop_id: int, version: ModelVersion) -> dict:
    """The version's calibrated thresholds, with the operator's overrides (if any) on top."""
    override = load_settings(store, shop_id).thresholds
    merged = {**version.thresholds, **override}
    if override:
        merged["overridden"] = sorted(override)
    return merged


# The operator's own answer / suggest / margin; open matchers read them at their next query.
set_threshold_override = set_thresholds


class Matcher:
    def __init__(self, store: Store, shop_id: int, version: ModelVersion, encoder: OnnxEncoder | None = None,
                 encoder_factory=None):
        """`encoder_factory(folder, variant=...)` opens the version's encoder when `encoder` is not
        given (default OnnxEncoder; the GUI passes encoder_process.ProcessEncoder)."""
        self.store = store
        self.shop_id = shop_id
        self.version = version
        if version.files_removed or not version.onnx_dir or not version.index_path:
            raise NoModelError(f"the files of model version {version.id} were removed; activate a newer one or retrain")
        variant = version.params.get("runtime_variant", "float32")
        self.encoder = encoder or (encoder_factory or OnnxEncoder)(Path(version.onnx_dir), variant=variant)
        self.index_path = Path(version.index_path)
        try:
            self.index = VectorIndex.load(self.index_path)
        except (OSError, ValueError, RuntimeError):
            self.index = VectorIndex(self.encoder.dim)  # missing or broken: rebuilt from the store
        self.offtopic_path = offtopic_index_path(self.index_path)
        try:
            self.offtopic_index = VectorIndex.load(self.offtopic_path)
        except (OSError, ValueError, RuntimeError):
            self.offtopic_index = VectorIndex(self.encoder.dim)
        self._offtopic_own: set[int] = set()  # labels of the shop's own negatives
        self._shop_score: dict[int, float] = {}  # built-in label -> its best score among the shop's entries
        self._owner: dict[int, int] = {}
        self.twins: Twins = NO_TWINS  # twins(a, b): do standard questions a and b share a text
        self._lookup: dict[int, dict] = {}
        self._revision = None
        self.refresh(force=True)

    @classmethod
    def open(cls, store: Store, shop_id: int, encoder_factory=None) -> "Matcher":
        version = store.active_version(shop_id)
        if version is None:
            raise NoModelError("this shop has no model yet: run `standardq train` (or open it in the app once)")
        return cls(store, shop_id, version, encoder_factory=encoder_factory)

    def refresh(self, force: bool = False) -> None:
        """Follow store edits: cheap (one SELECT) when nothing changed."""
        revision = self.store.shop(self.shop_id).revision
        if not force and revision != self._revision:  # the version's thresholds may have been calibrated again
            self.version = self.store.version(self.version.id)
        # Thresholds are shop settings, not question edits: re-read every time (one small SELECT).
        self.thresholds = effective_thresholds(self.store, self.shop_id, self.version)
        if not force and revision == self._revision:
            return
        entries = self.store.index_entries(self.shop_id)
        if revision != self.index.revision or len(self.index) != len(entries):
            self._owner = sync_index(self.store, self.shop_id, self.index, self.encoder, entries)
            self.index.save(self.index_path)
        else:
            self._owner = {e.label: e.standard_id for e in entries}
        known = offtopic_entries(self.store, self.shop_id, entries)
        if revision != self.offtopic_index.revision or len(self.offtopic_index) != len(known):
            before = dict(self.offtopic_index.texts)
            sync_index(self.store, self.shop_id, self.offtopic_index, self.encoder, known)
            self.offtopic_index.revision = revision
            if self.offtopic_index.texts != before:  # most edits touch questions only: no 6 MB write
                self.offtopic_index.save(self.offtopic_path)
        self._offtopic_own = {e.label for e in known if e.standard_id == OWN}
        self._shop_score = {}  # the shop's entries changed: shadowing is worked out again as needed
        self.twins = Twins.of((e.standard_id, e.norm) for e in entries)
        self._lookup = self.store.standard_lookup(self.shop_id)
        self._revision = revision

    def query(self, text: str, k: int = 5) -> QueryResult:
        t0 = time.perf_counter()
        try:
            self.refresh()
        except NotFoundError:
            raise NoModelError("the shop was deleted") from None
        norm = normalize_text(text or "")
        if not norm:
            return QueryResult(text, "no_match", [], self.version.id, 0.0)
        vector = self.encoder.encode_one(norm)
        labels, scores = self.index.search(vector, k * ENTRIES_PER_RESULT)
        return self._result(text, labels, scores, k, t0, self._nearest_offtopic(vector))

    def query_many(self, texts: list[str], k: int = 5, batch_size: int = 64,
                   vectors: np.ndarray | None = None) -> list[QueryResult]:
        """Batch path for predict: encodes in batches; results in input order. `vectors`: the
        texts' rows from `embed` (the server encodes outside its lock, then searches under it)."""
        self.refresh()
        norms = [normalize_text(t or "") for t in texts]
        if vectors is None:
            vectors = self._embed_norms(norms, batch_size)
        results = [QueryResult(t, "no_match", [], self.version.id) for t in texts]
        for i, text in enumerate(texts):
            if not norms[i]:
                continue
            t0 = time.perf_counter()
            labels, scores = self.index.search(vectors[i], k * ENTRIES_PER_RESULT)
            results[i] = self._result(text, labels, scores, k, t0, self._nearest_offtopic(vectors[i]))
        return results

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), dim) query vectors of the normalised texts; zero rows for empty ones.
        Touches only the encoder, which onnxruntime lets several threads run at once."""
        return self._embed_norms([normalize_text(t or "") for t in texts], batch_size)

    def _embed_norms(self, norms: list[str], batch_size: int) -> np.ndarray:
        todo = [i for i, n in enumerate(norms) if n]
        out = np.zeros((len(norms), self.encoder.dim), dtype=np.float32)
        if todo:
            out[todo] = self.encoder.encode([norms[i] for i in todo], batch_size=batch_size)
        return out

    def _nearest_offtopic(self, vector: np.ndarray) -> dict | None:
        """The nearest known off-topic message that is not shadowed (offtopic.SHADOW_QUANTILE:
        built-in ones this version's model puts inside one of the shop's standard questions)."""
        shadow = self.thresholds.get("shadow")
        labels, scores = self.offtopic_index.search(vector, 1 if shadow is None else OFFTOPIC_CANDIDATES)
        for label, score in zip(labels.tolist(), scores.tolist()):
            if shadow is not None and label >= BUILTIN_BASE and self._shadow_of(label) >= shadow:
                continue
            return {"text": self.offtopic_index.texts.get(label, ""), "score": round(float(score), 4),
                    "own": label in self._offtopic_own}
        return None

    def _shadow_of(self, label: int) -> float:
        """A built-in message's best score among the shop's entries (one search, remembered until
        the shop's questions change)."""
        if label not in self._shop_score:
            _, scores = self.index.search(self.offtopic_index.vectors([label])[0], 1)
            self._shop_score[label] = float(scores[0]) if len(scores) else -1.0
        return self._shop_score[label]

    def _result(self, text: str, labels: np.ndarray, scores: np.ndarray, k: int, t0: float,
                offtopic: dict | None = None) -> QueryResult:
        best: dict[int, float] = {}
        for lab, score in zip(labels.tolist(), scores.tolist()):
            sq = self._owner.get(lab)
            if sq is not None and sq not in best:  # results come best first
                best[sq] = score
        matches = []
        for sq, score in list(best.items())[:k]:
            info = self._lookup[sq]
            matches.append(Match(sq, info["text"], info["category"], info["answer"], round(float(score), 4)))
        ids, values = list(best), list(best.values())
        second = values[1] if len(best) > 1 else None
        twin = len(ids) > 1 and self.twins(ids[0], ids[1])
        n1 = offtopic["score"] if offtopic else None
        decision = decide(matches[0].score if matches else None, second, self.thresholds, twin, n1)
        return QueryResult(text, decision, matches, self.version.id, (time.perf_counter() - t0) * 1000, twin,
                           offtopic)
