"""Open a shop's matcher: the one way every front end gets a shop answering."""

from __future__ import annotations

from ..matcher import Matcher, NoModelError
from ..reporter import NULL, Reporter
from ..store import ModelVersion, Store


def ensure_untuned_model(store: Store, shop_id: int, reporter: Reporter = NULL) -> ModelVersion:
    """The active version; a shop without one gets a version on the untuned base encoder, so it is
    answered before any training. Raises NoModelError for a shop with no enabled questions."""
    from ..pipeline import ensure_model  # the export path: loaded only when a model must be built

    active = store.active_version(shop_id)
    if active is not None:
        return active
    if not store.index_entries(shop_id):
        raise NoModelError(f"shop '{store.shop(shop_id).name}' has no enabled questions yet: "
                           "import or add some first")
    return ensure_model(store, shop_id, reporter)


def open_matcher(store: Store, shop_id: int, reporter: Reporter = NULL, encoder_factory=None) -> Matcher:
    """The shop's matcher, creating the untuned model first when the shop has none.

    `encoder_factory` as for Matcher (the GUI opens the encoder in a child process)."""
    if store.active_version(shop_id) is None:
        ensure_untuned_model(store, shop_id, reporter)
    return Matcher.open(store, shop_id, encoder_factory=encoder_factory)
