"""Calibrated thresholds against two kinds of "none" question, on the loss benchmark's splits.

    .venv/bin/python bench/thresholds.py [--datasets smp,dialogflow,banking] [--json bench/out/thresholds.json]

Per dataset, the default loss (ArcFace) is trained on three quarters of the classes, as in
bench/losses.py's open-set run (same subsets, epochs and seed). Its thresholds are calibrated the
way every training run calibrates (calibration.calibrate: precision >= 95 %, answering at least
half the in-scope questions) and measured on the test split, once per kind of question that must
match nothing:

- "held-out intents": the quarter of the classes left out of training and not indexed
  (calibrated on their training utterances, measured on their test rows): same-domain questions
  the shop has no standard question for, the hardest kind;
- "other domain": questions for something else entirely, split into a calibrating and a measuring
  half by report.calibration_half. For dialogflow-zh-support and banking77 that is the built-in
  set the product calibrates with when a shop has no "none" questions of its own
  (resources/none_questions.txt, the lines in the dataset's language; "What's the exchange rate
  for euros?" is left out for banking77, which has an exchange-rate intent). smp2019 is a voice
  assistant whose intents cover the built-in set's chit-chat (weather, jokes, stocks), so there
  it is the demo shop's questions (a robot-vacuum shop's);
- both together.

In scope: the validation split (calibrating) and the trained classes' test rows (measuring).
Besides the calibrated result, "best possible" is the largest share of in-scope test questions
any single answer threshold (with the calibrated margin) answers at >= 95 % precision on the
measuring set itself: an upper bound for any calibration of this score on that data.
Third-party data is read from ../shared/datasets; a dataset that is absent is skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.losses import DEFAULT_EPOCHS, OUT, Encoder, present, save, scorer, snapshot  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_NONE = {"banking": {"what's the exchange rate for euros?"}}


def other_domain(name: str, lang: str) -> list[str]:
    from desktop_app.core.io_formats import read_rows
    from desktop_app.core.normalize import normalize_text
    from desktop_app.paths import resource

    if name == "smp":
        rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
        texts = [t for r in rows for t in (r.standard_question, r.similar_question) if t]
    else:
        # the 113 messages issue 5 was measured with (the off-topic corpus of issue 10 came later)
        lines = resource("none_questions.txt").read_text(encoding="utf-8").splitlines()
        builtin = [x for x in lines if x.strip() and not x.startswith("#")]
        texts = [t for t in builtin if bool(CJK.search(t)) == (lang == "zh")]
    skip = {normalize_text(t) for t in NOT_NONE.get(name, ())}
    return [t for t in dict.fromkeys(normalize_text(t) for t in texts) if t not in skip]


def best_possible(scored, margin: float, target: float = 0.95) -> float:
    """Largest in-scope coverage at >= target precision over every answer threshold."""
    from desktop_app.core.calibration import outcome

    best = 0.0
    for t in np.unique(scored.s1):
        o = outcome(scored, float(t), margin)
        if o["answered"] and o["precision"] >= target:
            best = max(best, o["coverage"])
    return round(best, 4)


def answered_wrong(measured, rows, answer: float, margin: float) -> list[dict]:
    """The questions these thresholds answer with the wrong standard question; `rows`: per
    measured question (text, expected class or "" for none, top-1 class, top-2 class)."""
    from desktop_app.core.calibration import answered

    wrong = answered(measured, answer, margin) & ~measured.correct
    return [{"question": str(text), "expected": str(expected) or None, "answered": str(first), "second": str(second),
             "score": round(float(measured.s1[i]), 4), "lead": round(float(measured.margin[i]), 4)}
            for i, (text, expected, first, second) in enumerate(rows) if wrong[i]]


def calibrate_kinds(name: str, data: dict, encoder, part: dict, split, held: set) -> dict:
    """Per kind of "none" question: thresholds calibrated on the validation split plus the kind's
    calibrating half, and what they give on the trained classes' test rows plus its measuring
    half. `encoder` was trained on `part` (the classes not in `held`); `held` is not indexed.
    Each kind also keeps its scored arrays ("calibrating", "measured": calibration.Scored) and, per
    measured question, (text, expected class or "", top-1 class, top-2 class) ("measured_rows")."""
    from desktop_app.core.calibration import Scored, calibrate, outcome
    from desktop_app.core.normalize import normalize_text
    from desktop_app.core.report import calibration_half

    with_top2 = scorer(encoder, part, split, with_top2=True)

    def scored(texts, truth):
        return with_top2(texts, truth)[0]

    names_list = [c["name"] for c in part["classes"]]
    names = set(names_list)
    in_cal = scored(split.val_texts, [names_list[i] for i in split.val_labels])
    test_rows = [(normalize_text(x), c) for x, c in data["test"] if c in names]
    in_rep, in_top2 = with_top2([x for x, _ in test_rows], [c for _, c in test_rows])
    other = other_domain(name, data["lang"])
    none = {
        "held-out intents": ([normalize_text(x) for x, c in data["train"] if c in held],
                             [normalize_text(x) for x, c in data["test"] if c in held]),
        "other domain": ([t for t in other if calibration_half(t)], [t for t in other if not calibration_half(t)]),
    }
    none["both"] = (none["held-out intents"][0] + none["other domain"][0],
                    none["held-out intents"][1] + none["other domain"][1])
    out = {}
    for kind, (cal, rep) in none.items():
        calibrating = Scored.concat(in_cal, scored(cal, [None] * len(cal)))
        t = calibrate(calibrating)
        none_rep, none_top2 = with_top2(rep, [None] * len(rep))
        measured = Scored.concat(in_rep, none_rep)
        o = outcome(measured, t["answer"], t.get("margin", 0.0))
        out[kind] = {
            "n_val": len(split.val_texts), "n_test": len(test_rows),
            "n_none_calibration": len(cal), "n_none_test": len(rep),
            "answer": t["answer"], "margin": t.get("margin"), "target_met_on_calibration": not t.get("note"),
            "calibration_precision": t.get("precision"),
            "test_precision": round(o["precision"], 4), "test_coverage": round(o["coverage"], 4),
            "test_answered": int(o["answered"]), "test_right": int(o["right"]),
            "none_answered": round(o["none_answered"], 4),
            "best_possible_coverage_at_95": best_possible(measured, t.get("margin", 0.0)),
            "calibrating": calibrating, "measured": measured,
            # per measured question: text, expected class ("" for none), top-1 and top-2 classes
            "measured_rows": [(x, c, *top) for (x, c), top in zip(test_rows, in_top2)]
                             + [(x, "", *top) for x, top in zip(rep, none_top2)]}
        out[kind]["answered_wrong"] = answered_wrong(measured, out[kind]["measured_rows"], t["answer"],
                                                     t.get("margin", 0.0))
    return out


def run_dataset(name: str, data: dict, base, prefix) -> dict:
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.training import split_snapshot, train

    classes = sorted({c for _, c in data["train"]})
    held = set(random.Random(0).sample(classes, len(classes) // 4))  # as bench/losses.py
    part = snapshot(data["train"], [c for c in classes if c not in held])
    config = TrainConfig(loss="arcface", epochs=DEFAULT_EPOCHS[name])
    work = Path(tempfile.mkdtemp(prefix=f"sq-bench-thresholds-{name}-"))
    t0 = time.time()
    train(part, config, base, prefix, work / "model")
    split = split_snapshot(part, config)
    kinds = calibrate_kinds(name, data, Encoder(work / "model", prefix, config.max_length), part, split, held)
    out = {"classes_trained": len(part["classes"]), "n_val": len(split.val_texts),
           "n_test": next(iter(kinds.values()))["n_test"], "train_seconds": round(time.time() - t0, 1), "kinds": {}}
    for kind, k in kinds.items():
        out["kinds"][kind] = {key: v for key, v in k.items() if key not in ("calibrating", "measured", "measured_rows")}
        print(f"[{name}] {kind}: {out['kinds'][kind]}", file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="smp,dialogflow,banking")
    p.add_argument("--json", default=str(OUT / "thresholds.json"))
    args = p.parse_args()
    from desktop_app.core.encoders import DEFAULT_BASE_MODEL, input_prefix, resolve_base_model

    base = resolve_base_model(DEFAULT_BASE_MODEL).path
    prefix = input_prefix(DEFAULT_BASE_MODEL)
    results = {}
    for name, data in present(args.datasets):
        results[name] = run_dataset(name, data, base, prefix)
        save(results, args.json)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(markdown(results))
    return 0


def markdown(results: dict) -> str:
    """The table for bench/RESULTS.md."""
    names = {"smp": "smp2019-ecdt", "dialogflow": "dialogflow-zh-support", "banking": "banking77"}
    lines = ["| dataset | none questions (calibrating / measuring) | answer ≥, lead ≥ | precision answered | "
             "in-scope answered | none answered | best possible at 95% |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        for kind, k in r["kinds"].items():
            lines.append(f"| {names.get(name, name)} | {kind} ({k['n_none_calibration']} / {k['n_none_test']}) | "
                         f"{k['answer']:.3f}, {k['margin']} | **{100 * k['test_precision']:.1f}%** | "
                         f"{100 * k['test_coverage']:.1f}% | {100 * k['none_answered']:.1f}% | "
                         f"{100 * k['best_possible_coverage_at_95']:.1f}% |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
