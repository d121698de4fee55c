"""The one text normalisation used for comparing questions and before encoding queries, and the
text key (`dedup_key`) that decides when two texts are the same question."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # BYVoid's OpenCC: traditional -> simplified Chinese

    return opencc.OpenCC("t2s")


def normalize_text(text: str) -> str:
    """NFKC (full/half width), case fold, collapse whitespace, traditional -> simplified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _SPACE.sub(" ", text).strip()
    return _t2s().convert(text) if text else text


def dedup_key(text: str) -> str:
    """normalize_text, then punctuation (Unicode P*) and whitespace removed."""
    norm = normalize_text(text or "")
    return "".join(ch for ch in norm if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
