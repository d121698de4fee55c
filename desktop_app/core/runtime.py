"""Query-time encoder: tokenizers + onnxruntime only (never torch or transformers).

Reads a folder written by `export.export_onnx`: `standardq_encoder.json` (prefix, max_length,
dim, pad_id, files), `tokenizer.json` and `model.onnx` / `model.int8.onnx`. The graph does the
pooling and L2 normalisation, so the vectors returned are unit length.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

META_NAME = "standardq_encoder.json"  # same name as export.META_NAME (not imported: no torch here)
VARIANTS = ("float32", "int8")


class OnnxEncoder:
    def __init__(self, folder: Path, *, variant: str = "float32", threads: int | None = None):
        folder = Path(folder)
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        meta_path = folder / META_NAME
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{folder} holds no exported encoder ({META_NAME} missing)") from None
        files = meta.get("files", {})
        if variant not in files:
            raise FileNotFoundError(f"{folder} has no {variant} model")
        self.folder = folder
        self.variant = variant
        self.meta = meta
        self._prefix: str = meta.get("prefix", "")
        self._dim = int(meta["dim"])
        self.max_length = int(meta["max_length"])
        self.pad_id = int(meta.get("pad_id", 0))

        self._tokenizer = Tokenizer.from_file(str(folder / files.get("tokenizer", "tokenizer.json")))
        self._tokenizer.no_padding()  # padding is done here, per batch
        self._tokenizer.enable_truncation(self.max_length)

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(folder / files[variant]), options,
                                             providers=["CPUExecutionProvider"])
        self._output = self._session.get_outputs()[0].name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def prefix(self) -> str:
        return self._prefix

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._session.run([self._output], {"input_ids": ids, "attention_mask": mask})[0]

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), dim) float32 unit vectors, in input order."""
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([self._prefix + t for t in texts])
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lengths.__getitem__)  # similar lengths pad less
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start:start + batch_size]
            width = max(lengths[i] for i in idx)
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = lengths[i]
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            out[idx] = self._run(ids, mask)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        """(dim,) float32 unit vector for one text: no padding, one session call."""
        ids = np.asarray(self._tokenizer.encode(self._prefix + text).ids, dtype=np.int64)[None, :]
        return self._run(ids, np.ones_like(ids))[0].astype(np.float32, copy=False)
