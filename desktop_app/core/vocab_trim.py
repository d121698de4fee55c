"""Vocabulary trimming: keep the pieces Chinese and English text uses, drop the rest.

e5's XLM-R vocabulary has 250,002 pieces for about 100 languages, and its word-embedding matrix
is 82% of the model's weights. Following "Efficient Multilingual Language Model Compression
through Vocabulary Trimming" (Ushio et al., 2023), a base model keeps only:

- the special tokens and every single-character piece (so a dropped word is rebuilt from
  characters, never `<unk>`);
- every piece made only of CJK characters and CJK / full-width punctuation;
- ASCII pieces that Chinese text carries: short ones (≤ 2 characters), numbers, upper-case
  acronyms, and the TOP_ASCII most frequent others. The Unigram scores are log-probabilities
  estimated on the model's own training corpus (CC-100), so a piece's score ranks it by frequency
  over a far broader sample than any we hold;
- the pieces that the project's own texts (resources/) use, with the model's input prefix.

A shop's texts are tokenized with the full vocabulary at every retrain, and pieces outside the
kept set are added back then (`extend_for_texts`). Because Unigram segmentation is a best path
over the pieces, a text whose pieces are all kept is tokenized exactly as before.

The rule needs no data set: bench/vocab_trim.py measures it on held-out Chinese queries.
The tokenizer (Unigram or WordPiece in `tokenizer.json`) is rewritten with the original scores;
the new id of a piece is its position in the `kept` list of original ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

TRIM_FILE = "standardq_vocab.json"  # in a trimmed folder: {"kept": [original ids], "source": ...}
TOP_ASCII = 6000

_NUMBER = re.compile(r"[0-9.,:%/+-]+")
_ACRONYM = re.compile(r"[A-Z0-9]{2,5}")


class TrimError(ValueError):
    """The tokenizer is of a kind this module cannot trim (e.g. BPE); the model is used whole."""


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2FFFF
            or 0xF900 <= cp <= 0xFAFF or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF)


def pieces_of(tok_json: dict) -> tuple[list[str], list[float] | None]:
    """Pieces by id and (Unigram) their scores; TrimError for other model types."""
    model = tok_json.get("model", {})
    kind = model.get("type")
    if kind == "Unigram":
        return [p for p, _ in model["vocab"]], [float(s) for _, s in model["vocab"]]
    if kind == "WordPiece":
        pieces = [""] * len(model["vocab"])
        for piece, i in model["vocab"].items():
            pieces[i] = piece
        return pieces, None
    raise TrimError(f"cannot trim a {kind or 'unknown'} tokenizer")


def _core(piece: str) -> str:
    """The text a piece stands for, without the word-start / continuation marks."""
    return piece.replace("▁", "").removeprefix("##")


def rule_keep(tok_json: dict) -> set[int]:
    """The ids kept by the vocabulary-only rule above (no texts involved)."""
    pieces, scores = pieces_of(tok_json)
    keep = {int(t["id"]) for t in tok_json.get("added_tokens", [])}
    ascii_ranked = []
    for i, piece in enumerate(pieces):
        core = _core(piece)
        if len(core) <= 1 or all(_is_cjk(c) for c in core):
            keep.add(i)
        elif core.isascii():
            if len(core) <= 2 or _NUMBER.fullmatch(core) or _ACRONYM.fullmatch(core) or scores is None:
                keep.add(i)
            else:
                ascii_ranked.append(i)
    if scores is not None:
        ascii_ranked.sort(key=lambda i: -scores[i])
        keep.update(ascii_ranked[:TOP_ASCII])
    return keep


def used_ids(tokenizer, texts: list[str], prefix: str = "") -> set[int]:
    """Every id `tokenizer` (a tokenizers.Tokenizer) gives the prefixed texts, specials included."""
    out: set[int] = set()
    for enc in tokenizer.encode_batch([prefix + t for t in texts] or [prefix]):
        out.update(enc.ids)
    return out


def project_texts() -> list[str]:
    """The Chinese and English texts the project itself ships (demo shop, none questions, ...)."""
    from ..paths import resources_dir

    texts: list[str] = []
    root = resources_dir()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".csv", ".txt", ".json") and path.is_file() and "i18n" not in path.parts:
            texts += [line for line in path.read_text(encoding="utf-8", errors="ignore").splitlines() if line]
    return texts


def base_keep(tok_json: dict, tokenizer, prefix: str) -> list[int]:
    """The kept original ids of a base model, ascending (so the special tokens keep low ids)."""
    return sorted(rule_keep(tok_json) | used_ids(tokenizer, project_texts(), prefix))


def trim_tokenizer_json(tok_json: dict, kept: list[int]) -> dict:
    """`tok_json` with only the `kept` pieces; new id = position in `kept`; scores unchanged."""
    new_id = {old: new for new, old in enumerate(kept)}
    out = json.loads(json.dumps(tok_json))
    model = out["model"]
    if model["type"] == "Unigram":
        model["vocab"] = [tok_json["model"]["vocab"][old] for old in kept]
        if model.get("unk_id") is not None:
            model["unk_id"] = new_id[model["unk_id"]]
    elif model["type"] == "WordPiece":
        pieces, _ = pieces_of(tok_json)
        model["vocab"] = {pieces[old]: new for new, old in enumerate(kept)}
    else:
        raise TrimError(f"cannot trim a {model['type']} tokenizer")
    out["added_tokens"] = [{**t, "id": new_id[t["id"]]} for t in out.get("added_tokens", []) if t["id"] in new_id]
    _remap_ids(out.get("post_processor"), new_id)
    if out.get("padding"):
        out["padding"]["pad_id"] = new_id.get(out["padding"]["pad_id"], out["padding"]["pad_id"])
    return out


def _remap_ids(node, new_id: dict[int, int]) -> None:
    """Special-token ids inside a post-processor (TemplateProcessing, Bert/Roberta processing, Sequence)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ids" and isinstance(value, list):
                node[key] = [new_id[i] for i in value]
            elif key in ("sep", "cls") and isinstance(value, list) and len(value) == 2:
                node[key] = [value[0], new_id[value[1]]]
            else:
                _remap_ids(value, new_id)
    elif isinstance(node, list):
        for item in node:
            _remap_ids(item, new_id)


def remap_config_ids(config, new_id: dict[int, int]) -> None:
    """pad / bos / eos / ... token ids of a transformers config, to their trimmed ids."""
    for attr in ("pad_token_id", "bos_token_id", "eos_token_id", "sep_token_id", "cls_token_id",
                 "unk_token_id", "mask_token_id", "decoder_start_token_id"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value in new_id:
            setattr(config, attr, new_id[value])


def read_trim(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / TRIM_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_trim(folder: Path, kept: list[int], source: str, full_size: int) -> None:
    info = {"version": 1, "source": source, "full_size": int(full_size), "kept": [int(i) for i in kept]}
    (Path(folder) / TRIM_FILE).write_text(json.dumps(info), encoding="utf-8")
