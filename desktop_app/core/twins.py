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

from collections.abc import Hashable, Iterable

from .augment.guard import dedup_key


def twin_pairs(entries: Iterable[tuple[Hashable, str]]) -> set[frozenset]:
    """Pairs of standard questions (ids, or names) that share an entry text, from (owner, text)."""
    owners: dict[str, set] = {}
    for owner, text in entries:
        key = dedup_key(text)
        if key:
            owners.setdefault(key, set()).add(owner)
    pairs: set[frozenset] = set()
    for ids in owners.values():
        if len(ids) > 1:
            ordered = sorted(ids)
            pairs.update(frozenset((a, b)) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    return pairs


def is_twin(pairs: set[frozenset], first, second) -> bool:
    """Whether the top two standard questions (second None: there is none) are twins."""
    return second is not None and frozenset((first, second)) in pairs
