"""Top-1 on smp2019-ecdt's test split: untuned base encoder vs fine-tuned with the defaults.

    .venv/bin/python bench/accuracy_smp2019.py [--epochs N] [--loss arcface]

Imports the train split (first utterance of each class as the standard question, the rest as
similar questions) into a fresh shop, answers the test split with the untuned version, retrains
with the defaults, answers again. Test rows whose class is absent from training count as misses.
Also times training and `predict`-style batch throughput.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import as_import_rows, smp2019  # noqa: E402


def top1(matcher, test, first) -> float:
    results = matcher.query_many([t for t, _ in test], k=1)
    right = sum(bool(r.matches) and r.matches[0].category == cls for r, (_, cls) in zip(results, test))
    return right / len(test)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int)
    p.add_argument("--loss")
    p.add_argument("--json", help="write results here")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="another TrainConfig field")
    args = p.parse_args()
    data = smp2019()
    if data is None:
        return 0
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.matcher import Matcher
    from desktop_app.core.pipeline import ensure_model, retrain
    from desktop_app.core.store import Store
    from desktop_app.cli import TqdmReporter

    home = Path(tempfile.mkdtemp(prefix="sq-bench-smp-"))
    store = Store(home)
    shop = store.create_shop("smp2019")
    rows, first = as_import_rows(data["train"])
    report = store.import_rows(shop.id, rows, skip_conflicts=True)
    print(f"imported {report.added_standard} classes, {report.added_similar} similar, "
          f"{len(report.conflicts)} conflicts left out", file=sys.stderr)
    ensure_model(store, shop.id, TqdmReporter())
    before = top1(Matcher.open(store, shop.id), data["test"], first)
    print(f"untuned test top-1: {before:.4f}", file=sys.stderr)

    overrides = {k: v for k, v in (("epochs", args.epochs), ("loss", args.loss)) if v is not None}
    for item in args.set:
        key, _, value = item.partition("=")
        default = getattr(TrainConfig(), key)
        overrides[key] = int(value) if default is None else type(default)(value)  # None defaults are counts
    t0 = time.time()
    result = retrain(store, shop.id, TrainConfig(**overrides), TqdmReporter())
    seconds = time.time() - t0
    matcher = Matcher.open(store, shop.id)
    after = top1(matcher, data["test"], first)
    t1 = time.perf_counter()
    texts = [t for t, _ in data["test"]] * 4
    matcher.query_many(texts)
    throughput = len(texts) / (time.perf_counter() - t1)
    out = {"untuned_test_top1": round(before, 4), "finetuned_test_top1": round(after, 4),
           "val_top1_untuned": result.val_top1_before, "val_top1_finetuned": result.val_top1_after,
           "retrain_seconds": round(seconds, 1), "train_seconds": round(result.version.metrics["train_seconds"], 1),
           "runtime_variant": result.version.metrics["runtime_variant"],
           "val_top1_float32": result.version.metrics.get("val_top1_float32"),
           "val_top1_int8": result.version.metrics.get("val_top1_int8"),
           "thresholds": result.version.thresholds, "batch_queries_per_s": round(throughput, 1),
           "config": result.version.params}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
