"""What the front ends say about a model version."""

from __future__ import annotations


def version_top1(version) -> tuple[float | None, str]:
    """The version's top-1 for queries and how it was measured: 'val' (held-out validation, on the
    variant that serves queries) or 'loo' (leave-one-out: an untuned version, or a shop too small to
    hold anything out). (None, '') without a version or a figure."""
    if version is None:
        return None, ""
    m = version.metrics
    variant = version.params.get("runtime_variant", m.get("runtime_variant", "float32"))
    value = m.get("val_top1_" + variant)
    if value is not None:
        return value, "val"
    if m.get("loo_top1") is not None:
        return m["loo_top1"], "loo"
    return None, ""


def edits_since_training(version, revision: int) -> int:
    """Edits to the shop's questions since `version` took its snapshot (the shop's current
    `revision` is passed in: the GUI reads it once and must not query the store during a retrain)."""
    if version is None:
        return 0
    return max(0, revision - version.data_revision)
