"""A probe, not a feature: does training with fake-quantized layers close the int8 gap (issue 11)?

    .venv/bin/python bench/qat_probe.py HOME SHOP [--from-epoch N] [--weights-only] [--epochs N]

Retrains SHOP of the data directory HOME (it adds a version there: use a copy) with every
`torch.nn.Linear` fake-quantized the way onnxruntime's dynamic int8 computes it: weights int8,
symmetric, per output channel; inputs uint8, asymmetric, one scale per tensor; gradients straight
through. That is from the first epoch, or only after epoch N with --from-epoch N. Then both exported
graphs, float32 and int8, are scored on the retrain's validation split. The version keeps both
graphs (`keep_only` is skipped), so this is for measuring only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


WEIGHTS_ONLY = False  # --weights-only: the inputs stay float


def fake_quantized_linear(self, x):
    import torch
    import torch.nn.functional as F

    w = self.weight
    scale = (w.detach().abs().amax(dim=1, keepdim=True) / 127).clamp(min=1e-8)
    wq = w + (torch.round(w / scale).clamp(-127, 127) * scale - w).detach()
    if WEIGHTS_ONLY:
        return F.linear(x, wq, self.bias)
    lo = torch.clamp(x.detach().min(), max=0.0)
    hi = torch.clamp(x.detach().max(), min=0.0)
    step = ((hi - lo) / 255).clamp(min=1e-8)
    zero = torch.round(-lo / step)
    xq = x + ((torch.clamp(torch.round(x / step) + zero, 0, 255) - zero) * step - x).detach()
    return F.linear(xq, wq, self.bias)


def main() -> int:
    import torch

    from desktop_app.core import pipeline, training
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.reporter import Reporter
    from desktop_app.core.runtime import OnnxEncoder
    from desktop_app.core.store import Store
    from desktop_app.core.training import split_snapshot

    p = argparse.ArgumentParser()
    p.add_argument("home", type=Path)
    p.add_argument("shop")
    p.add_argument("--from-epoch", type=int, default=0, help="fake-quantize only after this epoch (0: throughout)")
    p.add_argument("--weights-only", action="store_true", help="fake-quantize the weights, not the inputs")
    p.add_argument("--epochs", type=int, help="instead of the shop's setting (e.g. one more, fake-quantized)")
    args = p.parse_args()
    global WEIGHTS_ONLY
    WEIGHTS_ONLY = args.weights_only
    plain = torch.nn.Linear.forward

    class Log(Reporter):
        def log(self, message: str) -> None:
            print(message, flush=True)
            if args.from_epoch and message.startswith(f"epoch {args.from_epoch}:"):
                torch.nn.Linear.forward = fake_quantized_linear

    real_train = training.train

    def train(*a, **k):
        if not args.from_epoch:
            torch.nn.Linear.forward = fake_quantized_linear
        try:
            result = real_train(*a, **k)
            print("kept epoch", result.best_epoch, flush=True)
            return result
        finally:
            torch.nn.Linear.forward = plain  # the export traces the plain layers

    training.train = train
    pipeline.keep_only = lambda *a, **k: None
    store = Store(args.home)
    shop = store.shop(args.shop)
    config = None
    if args.epochs:
        from desktop_app.core.shop_settings import load_settings

        base = TrainConfig(base_model=load_settings(store, shop.id).effective_base_model).to_dict()
        config = TrainConfig.from_dict({**base, "epochs": args.epochs})
    version = pipeline.retrain(store, shop.id, config, Log()).version
    snapshot = store.training_snapshot(shop.id)
    config = TrainConfig.from_dict({k: v for k, v in version.params.items() if k != "runtime_variant"})
    split = split_snapshot(snapshot, config)
    for variant in ("float32", "int8"):
        encoder = OnnxEncoder(Path(version.onnx_dir), variant=variant)
        right = pipeline._evaluate_variant(encoder, split, len(snapshot["classes"]))["correct"]
        print(f"{variant}: validation right {int(right.sum())} of {len(right)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
