"""hnswlib index over normalised embeddings, with a manifest that says which texts it holds.

The manifest (label -> normalised text, and the store revision it reflects) lets any process bring
an index up to date with the store by embedding only what changed: edits reach the index at once,
without retraining. Deleted entries are only marked; the graph is rebuilt from the stored vectors
when they pile up.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import hnswlib
import numpy as np

M = 16
EF_CONSTRUCTION = 200
EF_SEARCH = 64
REBUILD_FRACTION = 0.25  # rebuild once marked-deleted slots exceed this share of live ones


class VectorIndex:
    def __init__(self, dim: int, capacity: int = 1024):
        self.dim = dim
        self._index = self._new(dim, capacity)
        self.texts: dict[int, str] = {}  # live label -> normalised text
        self.revision = -1
        self.deleted: set[int] = set()  # marked-deleted labels still in the graph

    @staticmethod
    def _new(dim: int, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space="ip", dim=dim)  # vectors are L2-normalised: ip == cosine
        index.init_index(max_elements=max(capacity, 16), ef_construction=EF_CONSTRUCTION, M=M,
                         allow_replace_deleted=True)
        index.set_ef(EF_SEARCH)
        index.set_num_threads(1)  # single queries: threads cost more than they give
        return index

    def __len__(self) -> int:
        return len(self.texts)

    # ------------------------------------------------------------------ edits
    def upsert(self, labels: list[int], texts: list[str], vectors: np.ndarray) -> None:
        if not labels:
            return
        needed = self._index.get_current_count() + len(labels)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        for lab in self.deleted.intersection(labels):  # hnswlib updates a label in place once unmarked
            self._index.unmark_deleted(lab)
            self.deleted.discard(lab)
        self._index.add_items(np.asarray(vectors, dtype=np.float32), np.asarray(labels, dtype=np.int64),
                              replace_deleted=False)
        self.texts.update(zip(labels, texts))

    def remove(self, labels: list[int]) -> None:
        for lab in labels:
            if self.texts.pop(lab, None) is not None:
                self._index.mark_deleted(lab)
                self.deleted.add(lab)
        if len(self.deleted) > REBUILD_FRACTION * max(len(self.texts), 1) + 64:
            self.rebuild()

    def rebuild(self) -> None:
        """A fresh graph from the live vectors (no re-encoding): drops marked-deleted slots."""
        labels = list(self.texts)
        vectors = self._index.get_items(labels) if labels else np.zeros((0, self.dim))
        self._index = self._new(self.dim, max(2 * len(labels), 1024))
        if labels:
            self._index.add_items(np.asarray(vectors, dtype=np.float32), np.asarray(labels, dtype=np.int64))
        self.deleted = set()

    def vectors(self, labels: list[int]) -> np.ndarray:
        if not labels:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.get_items(labels), dtype=np.float32)

    # ------------------------------------------------------------------ search
    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Nearest live entries: (labels, cosine scores), best first."""
        k = min(k, len(self.texts))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        labels, distances = self._index.knn_query(np.asarray(vector, dtype=np.float32).reshape(1, -1), k=k)
        return labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        """Writes `path` (the graph) and `path.json` (manifest), each atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The GUI, the CLI and the server may save one shop's index at once: a temporary file each.
        unique = f"{os.getpid()}-{threading.get_ident()}"
        tmp = path.with_name(f"{path.name}.{unique}.tmp")
        self._index.save_index(str(tmp))
        os.replace(tmp, path)
        manifest = {"dim": self.dim, "revision": self.revision, "deleted": sorted(self.deleted),
                    "texts": {str(k): v for k, v in self.texts.items()}}
        tmp_json = path.with_name(f"{path.name}.json.{unique}.tmp")
        tmp_json.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_json, manifest_path(path))

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        path = Path(path)
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        self = cls.__new__(cls)
        self.dim = manifest["dim"]
        self._index = hnswlib.Index(space="ip", dim=self.dim)
        self._index.load_index(str(path), allow_replace_deleted=True)
        self._index.set_ef(EF_SEARCH)
        self._index.set_num_threads(1)
        self.texts = {int(k): v for k, v in manifest["texts"].items()}
        self.revision = manifest["revision"]
        self.deleted = set(manifest["deleted"])
        return self


def manifest_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".json")
