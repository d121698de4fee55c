"""Shop life cycle beyond the store's rows: a shop's model files go with it."""

from __future__ import annotations

from ..model_files import remove_shop_files
from ..store import Store


def delete_shop(store: Store, shop_id: int) -> None:
    """The shop, its questions and versions (store), then its model files."""
    store.delete_shop(shop_id)
    remove_shop_files(store.home, shop_id)
