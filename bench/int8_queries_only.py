"""int8 for the query only (issue 11): the index entries encoded in float32, the validation
questions by the all-int8 graph, scored as the retrain's accuracy guard scores them.

    .venv/bin/python bench/int8_queries_only.py HOME [--shop demo]

HOME: a data directory whose shop serves a float32 version (its float16 storage is widened back,
then quantized as the retrain does). Prints the validation questions right for float32, all-int8,
and int8 queries against float32 entries.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.int8_nodes import widened  # noqa: E402


def main() -> int:
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.evaluation import class_scores, top1
    from desktop_app.core.export import quantize_int8
    from desktop_app.core.runtime import OnnxEncoder
    from desktop_app.core.store import Store
    from desktop_app.core.training import split_snapshot

    p = argparse.ArgumentParser()
    p.add_argument("home", type=Path)
    p.add_argument("--shop", default="demo")
    args = p.parse_args()
    store = Store(args.home)
    shop = store.shop(args.shop)
    version = store.active_version(shop.id)
    src = Path(version.onnx_dir)
    out = Path(tempfile.mkdtemp(prefix="sq-int8q-"))
    try:
        for name in ("standardq_encoder.json", "tokenizer.json"):
            shutil.copy(src / name, out / name)
        widened(src / "model.onnx", out / "model.onnx")
        quantize_int8(out / "model.onnx", out / "model.int8.onnx")
        snapshot = store.training_snapshot(shop.id)
        config = TrainConfig.from_dict({k: v for k, v in version.params.items() if k != "runtime_variant"})
        split = split_snapshot(snapshot, config)  # the retrain's split: same data, same seed
        n = len(snapshot["classes"])
        f32 = OnnxEncoder(out, variant="float32")
        i8 = OnnxEncoder(out, variant="int8", filename="model.int8.onnx")
        e32, q32 = f32.encode(split.entry_texts), f32.encode(split.val_texts)
        e8, q8 = i8.encode(split.entry_texts), i8.encode(split.val_texts)
        for name, q, e in (("float32", q32, e32), ("all-int8", q8, e8), ("int8 queries, float32 entries", q8, e32)):
            right = int(top1(class_scores(q, e, split.entry_labels, n), split.val_labels)["correct"].sum())
            print(f"{name}: {right} of {len(split.val_texts)} validation questions right")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
