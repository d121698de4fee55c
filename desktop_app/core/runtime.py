"""Query-time encoder: tokenizers + onnxruntime only (never torch or transformers).

Reads a folder written by `export.export_onnx`: `standardq_encoder.json` (prefix, max_length,
dim, pad_id, files), `tokenizer.json` and `model.onnx` / `model.int8.onnx`. The graph does the
pooling and L2 normalisation, so the vectors returned are unit length.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

META_NAME = "standardq_encoder.json"  # same name as export.META_NAME (not imported: no torch here)
VARIANTS = ("float32", "int8")
TOKENIZER_CACHE = 4
SPIN_US = 1000  # how long an idle onnxruntime thread spins before it sleeps (see OnnxEncoder)

_parsed: OrderedDict[str, Tokenizer] = OrderedDict()  # content hash -> tokenizer as parsed
_parsed_lock = threading.Lock()


def _without_settings(data: bytes) -> bytes:
    """tokenizer.json from "added_tokens" on: exports of one base model differ only in the
    truncation and padding written before it, which the encoder sets itself anyway."""
    head = data[:4096]
    start = head.find(b'"added_tokens"')
    return data[start:] if start > 0 and b'"truncation"' in head[:start] else data


def load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    """The tokenizer in `path`, truncating to `max_length`, without padding (done per batch).

    Parsing e5's 17 MB tokenizer.json holds the GIL for ~0.7 s, which freezes a GUI even from a
    worker thread. Fine-tuning never changes the tokenizer, so every model version of a shop
    carries the same one: the parsed one is kept by content, truncation and padding aside
    (reading and hashing release the GIL), and each caller gets its own Tokenizer around the same vocabulary model, with the
    same normaliser, pre-tokenizer, post-processor, decoder and added tokens (microseconds),
    so settings like truncation are never shared between encoders.
    """
    data = Path(path).read_bytes()
    key = hashlib.sha1(_without_settings(data)).hexdigest()
    with _parsed_lock:
        parsed = _parsed.get(key)
        if parsed is not None:
            _parsed.move_to_end(key)
    if parsed is None:
        parsed = Tokenizer.from_str(data.decode("utf-8"))
        with _parsed_lock:
            parsed = _parsed.setdefault(key, parsed)
            while len(_parsed) > TOKENIZER_CACHE:
                _parsed.popitem(last=False)
    tokenizer = Tokenizer(parsed.model)
    for part in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
        if getattr(parsed, part) is not None:
            setattr(tokenizer, part, getattr(parsed, part))
    added = [t for _, t in sorted(parsed.get_added_tokens_decoder().items())]
    tokenizer.add_special_tokens([t for t in added if t.special])
    tokenizer.add_tokens([t for t in added if not t.special])
    tokenizer.enable_truncation(max_length)
    return tokenizer


# What one more session call costs, in padded tokens' worth of work. Measured on the trained
# demo shop, batches of 32 distinct texts (bench/serve_load.py --chunks; 2-core AVX-512 EPYC):
# texts/s for one padded call 151, split at a cost of 128 / 48 / 16 / 0 tokens: 169 / 189 / 195 / 168.
CALL_COST_TOKENS = 16


def length_chunks(lengths: list[int], batch_size: int, call_cost: int | None = None) -> list[tuple[int, int]]:
    """Split ascending `lengths` into runs of at most `batch_size` [start, end) that cost least
    in padded tokens plus `call_cost` per run: a server's batch mixes a "在吗" with a paragraph,
    and padding every text to the longest wastes most of the work (a file sorted whole, as
    `predict` does, splits into full batches anyway). Dynamic programming over split points."""
    n = len(lengths)
    size = max(1, batch_size)
    call_cost = CALL_COST_TOKENS if call_cost is None else call_cost
    best = np.zeros(n + 1)  # best[j]: least cost of the first j texts
    cut = np.zeros(n + 1, dtype=np.int64)
    for j in range(1, n + 1):
        lo = max(0, j - size)
        starts = np.arange(lo, j)
        # ascending lengths: a run's last text is its widest
        costs = best[lo:j] + call_cost + (j - starts) * lengths[j - 1]
        k = int(np.argmin(costs))
        best[j], cut[j] = costs[k], lo + k
    runs, j = [], n
    while j > 0:
        runs.append((int(cut[j]), j))
        j = int(cut[j])
    return runs[::-1]


class OnnxEncoder:
    def __init__(self, folder: Path, *, variant: str = "float32", threads: int | None = None,
                 filename: str | None = None):
        """`filename` loads another graph of the same folder (a candidate not yet in meta.json)."""
        folder = Path(folder)
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
        meta_path = folder / META_NAME
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{folder} holds no exported encoder ({META_NAME} missing)") from None
        files = meta.get("files", {})
        if variant not in files and filename is None:
            raise FileNotFoundError(f"{folder} has no {variant} model")
        self.folder = folder
        self.variant = variant
        self.meta = meta
        self._prefix: str = meta.get("prefix", "")
        self._dim = int(meta["dim"])
        self.max_length = int(meta["max_length"])
        self.pad_id = int(meta.get("pad_id", 0))

        self._tokenizer = load_tokenizer(folder / files.get("tokenizer", "tokenizer.json"), self.max_length)

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # The pool's threads spin at most 1 ms for the next piece of work before they sleep. Without
        # spinning they sleep between the graph's operators, and a lone query took 8.1 ms instead
        # of 6.6 at a lower CPU cost; unbounded (onnxruntime's default) they burn a core for tens
        # of ms after every query, which a desktop app sharing the CPU with the GUI and a retrain
        # cannot afford (bench/RESULTS.md, issue 8, seventh session).
        options.add_session_config_entry("session.intra_op.allow_spinning", "1")
        options.add_session_config_entry("session.intra_op.spin_duration_us", str(SPIN_US))
        name = filename or files[variant]
        # A graph saved already optimized (export.save_optimized) is loaded as it is.
        optimized = name in meta.get("optimized", [])
        options.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_DISABLE_ALL if optimized
                                            else ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
        self._session = ort.InferenceSession(str(folder / name), options, providers=["CPUExecutionProvider"])
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
        if len(texts) == 1:  # a lone served question: no batch to pad (0.3 ms of 7.7 on the demo)
            out[0] = self.encode_one(texts[0])
            return out
        encodings = self._tokenizer.encode_batch([self._prefix + t for t in texts])
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lengths.__getitem__)  # similar lengths pad less
        for start, end in length_chunks([lengths[i] for i in order], batch_size):
            idx = order[start:end]
            width = lengths[idx[-1]]
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
