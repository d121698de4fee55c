"""Previews: what a generator would add to one standard question, through the guard, saving nothing.

The GUI shows one before a run so the operator can judge the shop's entity list and synonyms (rules)
or the provider's voice (one LLM request) before filling the review queue. A preview uses a guard
of its own, so what it keeps is not remembered by the run that may follow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .guard import Guard
from .llm import ChatClient, LlmSettings, messages_for, parse_paraphrases, require_key
from .rules import AugmentSettings, RuleGenerator, rule_candidates

PREVIEW_N = 10


@dataclass
class Preview:
    text: str  # the standard question
    kept: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (text, guard reason)
    usage: dict = field(default_factory=dict)  # tokens, for an LLM preview


def preview_rules(store, shop_id: int, standard_id: int, *, n: int = PREVIEW_N, seed: int = 0,
                  settings: AugmentSettings | None = None, guard: Guard | None = None) -> Preview:
    """`settings`: entity list and synonyms as edited but not yet saved (default: the shop's)."""
    settings = settings or AugmentSettings.load(store, shop_id)
    generator = RuleGenerator(settings.entities, settings.synonyms, seed=seed)
    sq = store.standard(standard_id)
    guard = guard or Guard.for_shop(store, shop_id, use_encoder=False)
    candidates, _ = rule_candidates(generator, store, sq, n, guard)
    result = guard.filter(sq.id, candidates, limit=n)
    return Preview(sq.text, result.kept, result.dropped_items)


def preview_llm(store, shop_id: int, standard_id: int, settings: LlmSettings, *, n: int = PREVIEW_N,
                guard: Guard | None = None, entities=None, stop: threading.Event | None = None) -> Preview:
    """One request for `n` paraphrases (retried like a run's); `stop` set aborts it (Cancelled)."""
    if entities is None:
        entities = AugmentSettings.load(store, shop_id).entities
    require_key(settings)
    sq = store.standard(standard_id)
    reply = ChatClient(settings, stop).chat(messages_for(store, sq, n, entities))
    guard = guard or Guard.for_shop(store, shop_id, use_encoder=False)
    result = guard.filter(sq.id, parse_paraphrases(reply.content))
    return Preview(sq.text, result.kept, result.dropped_items, dict(reply.usage))
