"""Augmentation: generate similar questions (rules offline, or an LLM), guard them, review them.

Everything generated lands as *pending* similar questions tagged with its source ('rules' or
'llm'); only what the operator accepts trains, and generated text never enters validation
(training.split_snapshot). Modules: rules (offline generator), llm (chat-completions client),
guard (what may enter the review queue), secrets (API keys).
"""

from __future__ import annotations

GENERATED_SOURCES = ("rules", "llm")


def operator_texts(store, standard_id: int) -> list[str]:
    """Accepted similar questions written by people (typed, imported, from logs), not generated:
    the sources the generators vary and the examples the LLM is shown."""
    return [s.text for s in store.similars(standard_id, status="accepted") if s.source not in GENERATED_SOURCES]


def review(store, shop_id: int, status: str, *, source: str | None = None, standard_id: int | None = None,
           ids=None) -> int:
    """Accept or reject pending similar questions: all of a shop, of one source, of one standard
    question, or the listed ids. Returns how many changed."""
    if status not in ("accepted", "rejected"):
        raise ValueError("review sets 'accepted' or 'rejected'")
    items = store.similars(standard_id, shop_id=shop_id, status="pending", source=source)
    if ids is not None:
        wanted = set(ids)
        items = [s for s in items if s.id in wanted]
    return store.set_similar_status([s.id for s in items], status)
