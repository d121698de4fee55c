"""Which nodes to leave in float32 so that int8 holds the accuracy guard (issue 11): a search on
the shop's training texts, then the guard's own test on its validation split.

    .venv/bin/python bench/int8_nodes.py HOME ONNX_DIR [--shop demo] [--out bench/out/int8_nodes]

HOME: a data directory with a trained shop; ONNX_DIR: its active version's onnx folder (float32 as
the retrain keeps it: the float16 storage is widened back first). Each node (Attention, MatMul,
EmbedLayerNormalization) is left in float32 alone, with the rest quantized as the retrain does
(dynamic, per-channel QInt8); the gain in mean cosine to float32 over the training texts ranks
the nodes, and the top 1-12 are then left out together and scored on the validation questions.
Slow: one quantization per node, about 4 min for e5-small on 2 cores. Prints as it goes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def widened(src: Path, dst: Path):
    """The float32 graph of `src` (export.halve_weights undone) written to `dst`; returns it."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(src))
    casts = {n.output[0]: n.input[0] for n in model.graph.node if n.op_type == "Cast" and n.name.endswith("_cast")}
    halves = set(casts.values())
    inits = {i.name: i for i in model.graph.initializer}
    kept = [i for i in model.graph.initializer if i.name not in halves]
    kept += [numpy_helper.from_array(numpy_helper.to_array(inits[h]).astype(np.float32), out) for out, h in casts.items()]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    nodes = [n for n in model.graph.node if n.output[0] not in casts]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, str(dst))
    return model


def main() -> int:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from desktop_app.core.config import TrainConfig
    from desktop_app.core.pipeline import _evaluate_variant
    from desktop_app.core.runtime import OnnxEncoder
    from desktop_app.core.store import Store
    from desktop_app.core.training import split_snapshot

    p = argparse.ArgumentParser()
    p.add_argument("home", type=Path)
    p.add_argument("onnx_dir", type=Path)
    p.add_argument("--shop", default="demo")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "int8_nodes")
    args = p.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in ("standardq_encoder.json", "tokenizer.json"):
        shutil.copy(args.onnx_dir / name, out / name)
    model = widened(args.onnx_dir / "model.onnx", out / "model.onnx")
    candidates = [n.name for n in model.graph.node if n.op_type in ("MatMul", "Attention", "EmbedLayerNormalization")]
    del model

    store = Store(args.home)
    shop = store.shop(args.shop)
    version = store.active_version(shop.id)
    snapshot = store.training_snapshot(shop.id)
    config = TrainConfig.from_dict({k: v for k, v in version.params.items() if k != "runtime_variant"})
    split = split_snapshot(snapshot, config)  # the retrain's split: same data, same seed
    n_classes = len(snapshot["classes"])
    print(f"{len(candidates)} nodes; {len(split.entry_texts)} training texts, {len(split.val_texts)} validation",
          flush=True)

    float32 = OnnxEncoder(out, variant="float32")
    reference = float32.encode(split.entry_texts)
    float_right = int(_evaluate_variant(float32, split, n_classes)["correct"].sum())

    def quantized(exclude: list[str], name: str) -> OnnxEncoder:
        quantize_dynamic(str(out / "model.onnx"), str(out / name), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=exclude, extra_options={"DefaultTensorType": 1})
        return OnnxEncoder(out, variant="int8", filename=name)

    def cosines(encoder: OnnxEncoder) -> tuple[float, float]:
        cos = np.sum(encoder.encode(split.entry_texts) * reference, axis=1)
        return float(cos.mean()), float(cos.min())

    everything = quantized([], "all.onnx")
    base_mean, base_min = cosines(everything)
    all_right = int(_evaluate_variant(everything, split, n_classes)["correct"].sum())
    print(f"float32: validation right {float_right}; all-int8: {all_right}, "
          f"training mean / min cosine {base_mean:.5f} / {base_min:.5f}", flush=True)
    t0 = time.time()
    gains = []
    for name in candidates:
        mean, _ = cosines(quantized([name], "one.onnx"))
        gains.append((mean - base_mean, name))
        print(f"  {name}: {mean - base_mean:+.5f}", flush=True)
    gains.sort(reverse=True)
    (out / "sensitivity.json").write_text(json.dumps(gains, indent=1), encoding="utf-8")
    print(f"search {time.time() - t0:.0f} s", flush=True)
    for k in (1, 2, 3, 4, 6, 8, 12):
        exclude = [n for _, n in gains[:k]]
        encoder = quantized(exclude, f"top{k}.onnx")
        mean, low = cosines(encoder)
        right = int(_evaluate_variant(encoder, split, n_classes)["correct"].sum())
        size = (out / f"top{k}.onnx").stat().st_size / 1e6
        print(f"top {k} in float32: training mean / min cosine {mean:.5f} / {low:.5f}; validation right {right} "
              f"(float32 {float_right}); {size:.1f} MB; {exclude}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
