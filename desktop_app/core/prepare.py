"""Small, picklable job functions the GUI runs in a child process (via `jobs.run_in_subprocess`).

Each takes a data directory instead of a Store (a Store holds an SQLite connection, which cannot
cross a process boundary) and returns a plain dict. Exporting the base encoder to ONNX and creating
onnxruntime sessions hold the GIL for seconds; in a child they cannot freeze the GUI.

No Qt here: the functions are unit-testable with a RecordingReporter.
"""

from __future__ import annotations

from pathlib import Path

from .config import TrainConfig
from .io_formats import read_batch_file  # noqa: F401 - lives in io_formats; the query panel imports it here
from .normalize import normalize_text
from .reporter import NULL, Reporter
from .shop_settings import load_settings, update_settings
from .store import Store


# Kept for callers that predate core.shop_settings, which holds the logic.
def shop_base_model(store: Store, shop_id: int) -> str:
    return load_settings(store, shop_id).effective_base_model


def shop_train_overrides(store: Store, shop_id: int) -> dict:
    return dict(load_settings(store, shop_id).train)


def shop_train_config(store: Store, shop_id: int) -> TrainConfig:
    return load_settings(store, shop_id).train_config()


def save_train_overrides(store: Store, shop_id: int, overrides: dict) -> TrainConfig:
    return update_settings(store, shop_id, train=dict(overrides)).train_config()


def ensure_model_job(home: str, shop_id: int, reporter: Reporter = NULL) -> dict:
    """`pipeline.ensure_model` with picklable arguments: the untuned version of a shop with none."""
    from .services.matching import ensure_untuned_model

    store = Store(Path(home))
    try:
        version = ensure_untuned_model(store, shop_id, reporter)
        return {"version_id": version.id}
    finally:
        store.close()


def activate_job(home: str, version_id: int, reporter: Reporter = NULL) -> dict:
    """`pipeline.activate` with picklable arguments: roll back (or forward) to a version."""
    from .pipeline import activate

    store = Store(Path(home))
    try:
        version = activate(store, version_id, reporter)
        return {"version_id": version.id, "shop_id": version.shop_id}
    finally:
        store.close()


# ----------------------------------------------------------------------------- batch tests
def answered_right(result, expected: str | None) -> bool:
    """Whether a query's decision is right: the expected standard question is the top match and was
    not declined (no_match), or nothing was expected and nothing matched."""
    if not expected:
        return result.decision == "no_match"
    top = result.matches[0].standard_question if result.matches else ""
    return result.decision != "no_match" and normalize_text(top) == normalize_text(expected)


def batch_summary(results, expected: list[str] | None) -> dict:
    """Counts and accuracies of a batch test (results: matcher QueryResults, in file order).

    accuracy: the decision is right: the expected standard question is the top match and was not
    declined (no_match), or nothing was expected and nothing matched (`answered_right`);
    top1: the top match is the expected standard question, on rows that expect one.
    """
    n = len(results)
    decisions = [r.decision for r in results]
    summary = {"n": n, "answer": decisions.count("answer"), "suggest": decisions.count("suggest"),
               "no_match": decisions.count("no_match"), "correct": None, "accuracy": None,
               "top1": None, "n_expected": 0}
    if expected is None:
        return summary
    correct = [answered_right(r, exp) for r, exp in zip(results, expected)]
    with_expected = [(r, exp) for r, exp in zip(results, expected) if exp]
    n_exp = len(with_expected)
    top_hits = sum(bool(r.matches) and normalize_text(r.matches[0].standard_question) == normalize_text(exp)
                   for r, exp in with_expected)
    summary.update(correct=correct, accuracy=sum(correct) / n if n else None,
                   top1=top_hits / n_exp if n_exp else None, n_expected=n_exp)
    return summary
