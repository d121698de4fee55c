"""The guard between a generator and the review queue: what it lets through lands as pending.

It drops, counting each reason:

- `too_short` (< 2 characters), `too_long` (> 60 characters or > 3x its source), `same_as_source`;
- `duplicate`: equal, after the core's normalisation with punctuation and spaces also removed, to
  a text of the same standard question (its own text, any similar question of any status, or an
  earlier output of this run);
- `duplicate_other`: equal in that sense to a text of another standard question;
- `closer_to_other`: the current encoder scores it higher against another standard question's
  entries than against its own: training on it would pull the classes together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..normalize import dedup_key, normalize_text
from ..store import ConflictError, ValidationError

MIN_CHARS = 2
MAX_CHARS = 60
MAX_RATIO = 3.0
REASONS = ("too_short", "too_long", "same_as_source", "duplicate", "duplicate_other", "closer_to_other")


@dataclass
class GuardResult:
    kept: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    dropped_items: list[tuple[str, str]] = field(default_factory=list)  # (text, reason), for a preview


@dataclass
class QuestionOutcome:
    standard_id: int
    text: str
    asked: int = 0
    added: int = 0
    dropped: Counter = field(default_factory=Counter)
    note: str = ""  # why fewer than asked, or why skipped


@dataclass
class RunSummary:
    method: str
    questions: list[QuestionOutcome] = field(default_factory=list)
    usage: dict = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
    requests: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, outcome: QuestionOutcome) -> None:
        self.questions.append(outcome)

    @property
    def added(self) -> int:
        return sum(q.added for q in self.questions)

    @property
    def dropped(self) -> Counter:
        total: Counter = Counter()
        for q in self.questions:
            total.update(q.dropped)
        return total


class Guard:
    def __init__(self, store, shop_id: int, encoder=None, entry_vectors=None, entry_owners=None):
        """`encoder` (OnnxEncoder) with the shop's entry vectors and their standard question ids
        enables the `closer_to_other` check; without them only the text checks run."""
        self.store = store
        self.shop_id = shop_id
        self.encoder = encoder
        self.vectors = entry_vectors
        self.owners = None if entry_owners is None else np.asarray(entry_owners)
        self._owner_of: dict[str, int] = {}  # dedup key -> standard question id, for every text in the shop
        for sq in store.standards(shop_id):
            self._owner_of.setdefault(dedup_key(sq.text), sq.id)
        for sim in store.similars(shop_id=shop_id):
            self._owner_of.setdefault(dedup_key(sim.text), sim.standard_id)

    @classmethod
    def for_shop(cls, store, shop_id: int, matcher=None, use_encoder: bool = True) -> "Guard":
        """With the active model's encoder and index entries when the shop has a model."""
        if not use_encoder:
            return cls(store, shop_id)
        if matcher is None:
            from ..matcher import Matcher, NoModelError

            try:
                matcher = Matcher.open(store, shop_id)
            except NoModelError:
                return cls(store, shop_id)
        matcher.refresh()
        entries = store.index_entries(shop_id)
        vectors = matcher.index.vectors([e.label for e in entries])
        return cls(store, shop_id, matcher.encoder, vectors, [e.standard_id for e in entries])

    def known_keys(self) -> set[str]:
        """Dedup keys of every text the shop holds (any status) and of what this guard has kept."""
        return set(self._owner_of)

    @property
    def checks_encoder(self) -> bool:
        return self.encoder is not None and self.vectors is not None and len(self.vectors) > 0

    def filter(self, standard_id: int, candidates, limit: int | None = None) -> GuardResult:
        """`candidates`: texts, or (text, source text) pairs; the source defaults to the standard question.

        Keeps at most `limit` (in order) and remembers what it keeps, so later calls see them.
        """
        own_text = self.store.standard(standard_id).text
        result = GuardResult()
        survivors: list[str] = []
        batch: set[str] = set()
        for cand in candidates:
            text, source = (cand, own_text) if isinstance(cand, str) else cand
            text = (text or "").strip()
            reason = self._text_reason(standard_id, text, source, batch)
            if reason:
                result.dropped[reason] += 1
                result.dropped_items.append((text, reason))
            else:
                batch.add(dedup_key(text))
                survivors.append(text)
        for text, closer in zip(survivors, self._closer_to_other(standard_id, own_text, survivors)):
            if closer:
                result.dropped["closer_to_other"] += 1
                result.dropped_items.append((text, "closer_to_other"))
            elif limit is None or len(result.kept) < limit:
                result.kept.append(text)
                self._owner_of[dedup_key(text)] = standard_id
        return result

    def _text_reason(self, standard_id: int, text: str, source: str, batch: set[str]) -> str:
        key = dedup_key(text)
        if len(key) < MIN_CHARS:
            return "too_short"
        if len(key) > MAX_CHARS or len(key) > MAX_RATIO * max(len(dedup_key(source)), 1):
            return "too_long"
        if key == dedup_key(source):
            return "same_as_source"
        if key in batch:
            return "duplicate"
        owner = self._owner_of.get(key)
        if owner is not None:
            return "duplicate" if owner == standard_id else "duplicate_other"
        return ""

    def _closer_to_other(self, standard_id: int, own_text: str, texts: list[str]) -> list[bool]:
        if not texts or not self.checks_encoder:
            return [False] * len(texts)
        cand = self.encoder.encode([normalize_text(t) for t in texts])
        scores = cand @ self.vectors.T
        own_mask = self.owners == standard_id
        if own_mask.any():
            own = scores[:, own_mask].max(axis=1)
        else:  # a disabled standard question is not in the index: compare with its text
            own = cand @ self.encoder.encode([normalize_text(own_text)])[0]
        if own_mask.all():
            return [False] * len(texts)
        other = scores[:, ~own_mask].max(axis=1)
        return (other > own).tolist()

    def save(self, store, standard_id: int, texts: list[str], source: str) -> int:
        """Add kept texts as pending similar questions of `source`; returns how many were added."""
        added = 0
        for text in texts:
            try:
                store.add_similar(standard_id, text, source=source, status="pending")
                added += 1
            except (ConflictError, ValidationError):
                pass  # another writer got there first: the store's own check is the last word
        return added
