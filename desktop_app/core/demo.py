"""The demo shop (resources/demo_shop): created on demand by the application and `standardq demo`."""

from __future__ import annotations

import csv

from ..paths import resource
from .io_formats import read_rows

DEMO_SHOP = "净途演示店"


def ensure_demo_shop(store):
    """The demo shop, created from resources/demo_shop if absent: (shop, import report or None)."""
    if any(s.name == DEMO_SHOP for s in store.shops()):
        return store.shop(DEMO_SHOP), None
    shop = store.create_shop(DEMO_SHOP)
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    return shop, store.import_rows(shop.id, rows)


def sample_queries() -> list[dict]:
    """The demo's consumer questions: `query` and `expected` (empty: it should match nothing)."""
    with resource("demo_shop", "sample_queries.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))
