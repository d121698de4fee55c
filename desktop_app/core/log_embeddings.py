"""Encoder vectors of logged texts, kept in the query log so the inbox groups without encoding.

Keyed by (shop, model version, normalised text): a text asked a hundred times is encoded once,
and a new model version gets its own vectors (the old version's are dropped when the inbox
regroups for the new one). Stored as float16: 768 bytes for e5-small's 384 dimensions, and the
cosine similarities the grouping compares move by well under 0.001.

Vectors arrive two ways: the chat-log import hands over the ones the matcher computed anyway
(`VectorTap`), and `ensure` encodes, in batches and cancellably, those still missing (served
queries: the server's request path stays as it was).
"""

from __future__ import annotations

import numpy as np

from .querylog import QueryLog
from .reporter import NULL, Reporter

ENCODE_BATCH = 256
_READ_CHUNK = 500


def get(log: QueryLog, shop_id: int, version: int, norms: list[str]) -> dict[str, np.ndarray]:
    """norm -> float32 unit vector, for the norms that have one."""
    out: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(norms))
    for start in range(0, len(unique), _READ_CHUNK):
        chunk = unique[start:start + _READ_CHUNK]
        for norm, blob in log.db.execute(
                f"SELECT norm, vector FROM embeddings WHERE shop_id = ? AND model_version = ? "
                f"AND norm IN ({', '.join('?' * len(chunk))})", (shop_id, version, *chunk)):
            out[norm] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    return out


def put(log: QueryLog, shop_id: int, version: int, vectors: dict[str, np.ndarray]) -> None:
    if not vectors:
        return
    rows = [(shop_id, version, norm, np.asarray(v, dtype=np.float16).tobytes()) for norm, v in vectors.items()]
    log.transaction(lambda: log.db.executemany(
        "INSERT OR REPLACE INTO embeddings (shop_id, model_version, norm, vector) VALUES (?, ?, ?, ?)", rows))


def ensure(log: QueryLog, shop_id: int, version: int, encoder, norms: list[str],
           reporter: Reporter = NULL) -> dict[str, np.ndarray]:
    """Vectors for all `norms` (non-empty), encoding and storing the missing ones in batches;
    each batch is saved as it is done, so a cancelled job keeps what it encoded."""
    have = get(log, shop_id, version, norms)
    missing = [n for n in dict.fromkeys(norms) if n and n not in have]
    if missing:
        reporter.stage("embed", len(missing))
        for start in range(0, len(missing), ENCODE_BATCH):
            reporter.check_cancel()
            chunk = missing[start:start + ENCODE_BATCH]
            batch = dict(zip(chunk, encoder.encode(chunk)))
            put(log, shop_id, version, batch)
            have.update(batch)
            reporter.progress(min(start + ENCODE_BATCH, len(missing)), len(missing))
    return have


def drop_other_versions(log: QueryLog, shop_id: int, keep_version: int) -> int:
    """Forget the vectors of the shop's other model versions; returns how many rows went."""
    return log.transaction(lambda: log.db.execute(
        "DELETE FROM embeddings WHERE shop_id = ? AND model_version != ?", (shop_id, keep_version)).rowcount)


class VectorTap:
    """An encoder wrapper for `Matcher(..., encoder=VectorTap(inner))`: it remembers the vectors
    the matcher computes (the import stores them without encoding twice) and answers texts it was
    given vectors for from memory (the inbox matches group representatives by their stored ones).

    The matcher encodes normalize_text(query), so that is the key; call `clear()` between batches.
    """

    def __init__(self, inner):
        self.inner = inner
        self.known: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return self.inner.dim

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        self.known.update(vectors)

    def clear(self) -> None:
        self.known.clear()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            self.known.update(zip(missing, self.inner.encode(missing, batch_size=batch_size)))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self.known[t]
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def __getattr__(self, name):  # prefix, max_length, variant, meta: as the wrapped encoder's
        return getattr(self.inner, name)
