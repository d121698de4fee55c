"""Which test questions a calibrated model answers wrongly: a model on every class of a dataset.

    .venv/bin/python bench/answered_errors.py [--datasets dialogflow] [--json bench/out/answered_errors.json]

Trains the default loss on the whole train split (bench/losses.py's subsets and epochs), calibrates
as every training run does with the built-in other-domain "none" questions (bench/thresholds.py),
and lists each answered test question whose top-1 is wrong, with its top two standard questions,
its score and its lead: to tell errors a threshold could catch (toss-ups) from label conflicts.
Third-party data is read from ../shared/datasets; a dataset that is absent is skipped.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.losses import DEFAULT_EPOCHS, OUT, Encoder, present, save, scorer, snapshot  # noqa: E402
from bench.thresholds import answered_wrong, other_domain  # noqa: E402


def run_dataset(name: str, data: dict, base, prefix) -> dict:
    from desktop_app.core.calibration import Scored, calibrate, outcome
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.normalize import normalize_text
    from desktop_app.core.report import calibration_half
    from desktop_app.core.training import split_snapshot, train

    part = snapshot(data["train"], sorted({c for _, c in data["train"]}))
    config = TrainConfig(loss="arcface", epochs=DEFAULT_EPOCHS[name])
    work = Path(tempfile.mkdtemp(prefix=f"sq-bench-errors-{name}-"))
    try:
        train(part, config, base, prefix, work / "m")
        split = split_snapshot(part, config)
        scored = scorer(Encoder(work / "m", prefix, config.max_length), part, split, with_top2=True)
        names = [c["name"] for c in part["classes"]]
        other = other_domain(name, data["lang"])
        cal_none = [t for t in other if calibration_half(t)]
        rep_none = [t for t in other if not calibration_half(t)]
        val = scored(split.val_texts, [names[i] for i in split.val_labels])[0]
        thresholds = calibrate(Scored.concat(val, scored(cal_none, [None] * len(cal_none))[0]))
        test = [(normalize_text(x), c) for x, c in data["test"]]
        in_scope, top2 = scored([x for x, _ in test], [c for _, c in test])
        measured = Scored.concat(in_scope, scored(rep_none, [None] * len(rep_none))[0])
        o = outcome(measured, thresholds["answer"], thresholds["margin"])
        errors = answered_wrong(in_scope, [(x, c, *top) for (x, c), top in zip(test, top2)], thresholds["answer"],
                                thresholds["margin"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"thresholds": {k: thresholds[k] for k in ("answer", "margin", "note")},
            "test": {k: o[k] for k in ("precision", "coverage", "answered", "right")}, "errors": errors}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="dialogflow")
    p.add_argument("--json", default=str(OUT / "answered_errors.json"))
    args = p.parse_args()

    from desktop_app.core.encoders import DEFAULT_BASE_MODEL, input_prefix, resolve_base_model

    base, prefix = resolve_base_model(DEFAULT_BASE_MODEL).path, input_prefix(DEFAULT_BASE_MODEL)
    results = {}
    for name, data in present(args.datasets):
        results[name] = r = run_dataset(name, data, base, prefix)
        save(results, args.json)
        print(f"[{name}] thresholds {r['thresholds']}; test {r['test']}")
        for e in r["errors"]:
            print(f"  {e['question']!r}: expected {e['expected']}, answered {e['answered']} "
                  f"(second {e['second']}), score {e['score']:.3f}, lead {e['lead']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
