"""The one text normalisation used for comparing questions and before encoding queries."""

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
