"""Twin standard questions: two that hold the same entry text, word for word.

When a shop lists one text (after normalisation, punctuation and spaces removed: the data
doctor's `duplicate_across`) under two standard questions, the index cannot tell them apart
near that text: a consumer question that matches it matches both, and the lead of one over the
other is noise from the rest of their entries. So when a query's top two standard questions are
twins it is suggested (both shown to an agent), never answered outright, until the operator
removes the duplicate. The store keeps a normalised text under one standard question only, so
twins differ in punctuation or spacing ("你的网站?" and "你的网站"), or come from data the store
did not check (the benchmarks' training splits).

Text only, not cosine: near-duplicates at cosine 0.97 and above under a fine-tuned model (the
doctor's `near_duplicate`) flagged pairs whose questions were mostly answered right, and cost
coverage without lifting precision (measured on dialogflow-zh-support's 18 intents).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

from .normalize import dedup_key


class Twins:
    """`twins(a, b)`: whether standard questions a and b (ids, or names) share an entry text.

    Worked out per pair when first asked and remembered: a query needs only its top two, and the
    matcher makes a new one at every store edit. Keying every entry up front cost 1 s per edit
    on a shop of 100,000 entries (dedup_key is a Python loop over characters)."""

    def __init__(self, texts_of: Mapping[Hashable, Sequence[str]]):
        self._texts_of = texts_of
        self._keys: dict = {}
        self._pairs: dict[frozenset, bool] = {}

    @classmethod
    def of(cls, entries: Iterable[tuple[Hashable, str]]) -> "Twins":
        """From (owner, text) pairs."""
        texts_of: dict = {}
        for owner, text in entries:
            texts_of.setdefault(owner, []).append(text)
        return cls(texts_of)

    def __call__(self, first, second) -> bool:
        """second None (there is no second standard question), or the same as first: False."""
        if second is None or first == second:
            return False
        pair = frozenset((first, second))
        if pair not in self._pairs:
            self._pairs[pair] = not self._keys_of(first).isdisjoint(self._keys_of(second))
        return self._pairs[pair]

    def _keys_of(self, owner) -> set[str]:
        if owner not in self._keys:
            self._keys[owner] = {k for k in map(dedup_key, self._texts_of.get(owner, ())) if k}
        return self._keys[owner]


NO_TWINS = Twins({})
