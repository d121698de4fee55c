"""Known off-topic messages: the built-in set and the shop's own negatives, as a second index.

Real chat traffic is mostly not the shop's FAQ, and score thresholds alone cannot tell a
chit-chat message that lands at 0.83 on a catch-all standard question from a real question at
0.83 (issue 10's robot-vacuum shop: answered precision 0.78 at ten off-topic messages per
in-scope one). So the matcher also looks up the nearest *known* off-topic message: a query that
sits as close to one as to its best standard question is not answered. Known off-topic messages
are the built-in set (resources/offtopic/, written for the project, plus none_questions.txt)
and the messages the operator marked as matching nothing (store negatives), which therefore
take effect at once, with no retraining.

They live in an index of their own beside the shop's (`offtopic_index_path`): the shop index
stays what the report and the doctor read, and the guard costs one more top-k search.
"""

from __future__ import annotations

import hashlib
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from .log_embeddings import VectorTap
from .normalize import dedup_key, normalize_text
from .store_records import IndexEntry

BUILTIN_BASE = 1 << 40  # labels of built-in messages; a shop negative's label is its id
OWN = -1  # IndexEntry.standard_id of a shop negative
BUILTIN = -2  # ... of a built-in message


def _lines(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]


@lru_cache(maxsize=1)
def builtin_offtopic() -> tuple[str, ...]:
    """Every built-in off-topic message, normalised, de-duplicated, in a stable order."""
    from ..paths import resource

    texts = []
    folder = resource("offtopic")
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            texts += _lines(path)
    texts += _lines(resource("none_questions.txt"))
    seen, out = set(), []
    for text in texts:
        key = dedup_key(text)
        if key and key not in seen:
            seen.add(key)
            out.append(normalize_text(text))
    return tuple(out)


@lru_cache(maxsize=1)
def training_offtopic() -> tuple[str, ...]:
    """The built-in messages a retrain with outlier exposure trains on (TrainConfig.offtopic_weight):
    half of calibration_half's report half (a second coin: byte 1 of the same hash), so calibration
    never sees a message the model was trained to push away, and the report measures on the other
    half."""
    from .calibration import calibration_half

    return tuple(t for t in builtin_offtopic()
                 if not calibration_half(t) and hashlib.sha1(t.encode("utf-8")).digest()[1] % 2 == 0)


def builtin_label(norm: str) -> int:
    """A label that stays the same while the text does, whatever else the set gains or loses."""
    return BUILTIN_BASE + int.from_bytes(hashlib.sha1(norm.encode("utf-8")).digest()[:5], "big")


def builtin_outside(texts) -> list[str]:
    """The built-in messages that are none of `texts` (the shop's own questions, negatives) but for
    punctuation and spacing (dedup_key): where the shop says the same, the shop's word wins. The
    off-topic index and the report's none questions both take the built-in set through here."""
    keys = {dedup_key(t) for t in texts}
    return [t for t in builtin_offtopic() if dedup_key(t) not in keys]


def offtopic_entries(store, shop_id: int, shop_entries: list[IndexEntry] | None = None) -> list[IndexEntry]:
    """What the off-topic index holds: the shop's negatives, then the built-in messages that are
    not also one of the shop's own questions (builtin_outside). `shop_entries`: the shop index's
    entries when the caller has them."""
    own = [IndexEntry(n.id, OWN, n.norm) for n in store.negatives(shop_id)]
    shop_entries = store.index_entries(shop_id) if shop_entries is None else shop_entries
    seen: set[int] = set()
    builtin = []
    for norm in builtin_outside([e.norm for e in shop_entries] + [e.norm for e in own]):
        label = builtin_label(norm)
        if label not in seen:
            seen.add(label)
            builtin.append(IndexEntry(label, BUILTIN, norm))
    return own + builtin


def offtopic_index_path(index_path: Path) -> Path:
    index_path = Path(index_path)
    return index_path.with_name(index_path.stem + ".offtopic" + index_path.suffix)


def nearest_offtopic(queries: np.ndarray, vectors: np.ndarray, labels: np.ndarray,
                     own_labels: list[int | None] | None = None, chunk: int = 512) -> np.ndarray:
    """Per query, the best cosine to a known off-topic message (`vectors`, with index `labels`),
    leaving out the query's own entry (`own_labels[i]`) so that a built-in message scored as a
    held-out question does not meet itself. NO_OFFTOPIC where nothing is known."""
    from .calibration import NO_OFFTOPIC

    out = np.full(len(queries), NO_OFFTOPIC, dtype=np.float64)
    if not len(queries) or not len(vectors):
        return out
    row_of = {int(lab): i for i, lab in enumerate(labels)}
    for start in range(0, len(queries), chunk):
        sims = queries[start:start + chunk] @ vectors.T
        if own_labels is not None:
            for i, lab in enumerate(own_labels[start:start + chunk]):
                if lab is not None and int(lab) in row_of:
                    sims[i, row_of[int(lab)]] = -np.inf
        out[start:start + chunk] = sims.max(axis=1)
    return np.where(np.isfinite(out), out, NO_OFFTOPIC)


# A built-in message that the shop's model puts as close to one of its standard questions as that
# question's own entries sit to each other belongs to this shop, whatever the built-in set says
# (a travel shop's "订一张去上海的机票"): it is *shadowed*, neither a known off-topic neighbour nor
# a "none" question in calibration. "As close as": at least the median, over the shop's entries,
# of each entry's best cosine to another entry of its own standard question.
SHADOW_QUANTILE = 0.5


def shadow_score(vectors: np.ndarray, owners: np.ndarray) -> float | None:
    """The shop's shadowing score (see SHADOW_QUANTILE) from its entries; None with too few."""
    best = []
    for c in np.unique(owners):
        group = vectors[owners == c]
        if len(group) < 2:
            continue
        sims = group @ group.T
        np.fill_diagonal(sims, -np.inf)
        best.append(sims.max(axis=1))
    if not best:
        return None
    return float(np.quantile(np.concatenate(best), SHADOW_QUANTILE))


def best_shop_scores(queries: np.ndarray, entry_vectors: np.ndarray) -> np.ndarray:
    """Per query, the best cosine to any of the shop's entries (the same chunked search)."""
    return nearest_offtopic(queries, entry_vectors, np.zeros(len(entry_vectors), dtype=np.int64))


BUILTIN_VECTORS = "builtin_offtopic_vectors.npz"


class BuiltinVectorCache(VectorTap):
    """An encoder wrapper for an encoder that never changes (a base model's untuned export):
    the vectors it gives built-in messages are kept in a file beside its graph, so each retrain's
    side-by-side report does not embed the same 600 of them again (1.7 s of a small shop's 42 s).
    Other texts are remembered for this wrapper's life only (VectorTap). The file names the graph
    it belongs to (size and mtime): a re-exported graph starts a new one."""

    def __init__(self, inner, folder: Path):
        super().__init__(inner)
        self.path = Path(folder) / BUILTIN_VECTORS
        graph = Path(folder) / inner.meta["files"][inner.variant]
        self._stamp = f"{graph.stat().st_size}:{graph.stat().st_mtime_ns}"
        self._builtin = set(builtin_offtopic())
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if str(data["stamp"]) == self._stamp:
                    self.remember(dict(zip(data["texts"].tolist(), data["vectors"])))
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            pass  # none yet, or unreadable (a half-written zip): rebuilt as texts come

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        new = any(t in self._builtin and t not in self.known for t in texts)
        out = super().encode(texts, batch_size)
        if new:
            self._save()
        return out

    def _save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        try:
            texts = [t for t in self.known if t in self._builtin]
            np.savez(tmp, stamp=np.array(self._stamp), texts=np.array(texts),
                     vectors=np.stack([self.known[t] for t in texts]).astype(np.float32))
            tmp.replace(self.path)  # whole or not at all: two retrains at once, the last one wins
        except OSError:
            tmp.unlink(missing_ok=True)  # a read-only cache: it only costs the time
