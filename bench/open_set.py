"""Standard questions added after training, measured on every class: the open set over four folds.

    .venv/bin/python bench/open_set.py [--datasets smp,dialogflow,banking] [--loss arcface]
        [--json bench/out/open_set.json]

bench/losses.py leaves one seeded quarter of the classes out of training, adds it to the index and
scores its test rows: 57 questions on smp2019-ecdt, 19 on dialogflow-zh-support, so one question
moves the figure by 1.8 and 5.3 points. Here the classes are shuffled (seed 0) into four quarters
and each quarter is left out once: four trainings of the default loss (same subsets, epochs and
settings as bench/losses.py), and every test question is scored once as an added class ("added")
and three times as a trained one ("trained"). The untuned encoder scores the same questions
against the same entries. Four scoring rules are reported: a class as its best entry (what queries
use), as its centroid, as the mean of its best three entries, and as the mean of best entry and
centroid. Per-fold figures show how much one quarter's result can swing.

Each fold's model also has its thresholds calibrated as bench/thresholds.py calibrates them (the
validation split plus a calibrating half of "none" questions, of each kind: the fold's quarter,
not indexed then, and another domain), and measured on the trained classes' test rows plus the
measuring half; the answered questions of the four folds are pooled, so the precision rests on
four times as many. The scored arrays go to bench/out/open_set_scored.npz for further study.

Third-party data is read from ../shared/datasets and never copied; a dataset that is absent is
skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.losses import DEFAULT_EPOCHS, OUT, Encoder, entries_of, present, save, scores, snapshot  # noqa: E402
from bench.thresholds import answered_wrong, calibrate_kinds  # noqa: E402

FOLDS = 4
# Scoring rules: a class as its best entry (the runtime's), its centroid, the mean of its best
# three entries, and the mean of best entry and centroid (the last two: candidates, not used).
RULES = ("best", "centroid", "top3", "blend")
SCORED_FIELDS = ("s1", "margin", "correct", "top3", "none", "twin")  # calibration.Scored's
ROW_FIELDS = ("text", "expected", "top1", "top2")  # per measured question, saved with its scores


def correct_by_rule(encode, full: dict, rows: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Per rule, whether each test row's top-1 class (among all classes' entries) is right."""
    from desktop_app.core.normalize import normalize_text

    e_texts, e_labels = entries_of(full)
    classes = [c["name"] for c in full["classes"]]
    q_emb, e_emb = encode([normalize_text(t) for t, _ in rows]), encode(e_texts)
    mats = scores(q_emb, e_emb, e_labels, classes)
    sims, lab = q_emb @ e_emb.T, np.asarray(e_labels)
    mats["top3"] = np.stack([np.sort(sims[:, lab == c], axis=1)[:, -3:].mean(axis=1) for c in classes], axis=1)
    mats["blend"] = 0.5 * (mats["best"] + mats["centroid"])
    truth = np.asarray([c for _, c in rows])
    return {rule: np.asarray(classes)[mats[rule].argmax(axis=1)] == truth for rule in RULES}


def rates(ok: dict[str, np.ndarray]) -> dict:
    return {rule: round(float(ok[rule].mean()), 4) for rule in RULES} | {"n": int(len(ok[RULES[0]]))}


def summarise(ok: dict[str, np.ndarray], masks: dict[str, np.ndarray]) -> dict:
    return {part: rates({rule: ok[rule][m] for rule in RULES}) for part, m in masks.items()}


def pooled(kinds_per_fold: list[dict]) -> dict:
    """Precision and coverage over the four folds' measured questions together."""
    out = {}
    for kind in kinds_per_fold[0]:
        rows = [f[kind] for f in kinds_per_fold]
        answered, right = sum(r["test_answered"] for r in rows), sum(r["test_right"] for r in rows)
        n_test = sum(r["n_test"] for r in rows)
        out[kind] = {"precision": round(right / answered, 4) if answered else None,
                     "coverage": round(sum(r["test_coverage"] * r["n_test"] for r in rows) / n_test, 4),
                     "none_answered": round(sum(r["none_answered"] * r["n_none_test"] for r in rows)
                                            / max(sum(r["n_none_test"] for r in rows), 1), 4),
                     "answered": answered, "per_fold_precision": [r["test_precision"] for r in rows],
                     "calibration_met_target": [r["target_met_on_calibration"] for r in rows]}
    return out


def recalibrate(npz: Path) -> dict:
    """The pooled thresholds table again from a run's saved scores, with the calibration code as
    it is now: the same models and questions, seconds instead of a run (--recalibrate)."""
    from desktop_app.core.calibration import Scored, calibrate, outcome

    arrays = np.load(npz)
    seen = list(dict.fromkeys(tuple(k.split("|")[:3]) for k in arrays.files))
    names, kinds = list(dict.fromkeys(k[0] for k in seen)), list(dict.fromkeys(k[2] for k in seen))
    keys = sorted(seen, key=lambda k: (names.index(k[0]), kinds.index(k[2]), int(k[1])))  # the run's order
    out: dict = {}
    errors: dict = {}
    for name, fold, kind in keys:
        def scored(which):
            return Scored(*(arrays.get(f"{name}|{fold}|{kind}|{which}|{f}") for f in SCORED_FIELDS))  # twin: newer runs
        measured = scored("measured")
        t = calibrate(scored("calibrating"))
        o = outcome(measured, t["answer"], t.get("margin", 0.0))
        n_none = int(measured.none.sum())
        if f"{name}|{fold}|{kind}|measured|text" in arrays.files:  # runs since the rows were saved
            rows = zip(*(arrays[f"{name}|{fold}|{kind}|measured|{f}"] for f in ROW_FIELDS))
            errors.setdefault(name, {}).setdefault(kind, []).extend(
                {"fold": int(fold), **e} for e in answered_wrong(measured, rows, t["answer"], t.get("margin", 0.0)))
        out.setdefault(name, {}).setdefault(kind, []).append({
            "test_answered": o["answered"], "test_right": o["right"], "n_test": int((~measured.none).sum()),
            "test_coverage": o["coverage"], "none_answered": o["none_answered"], "n_none_test": n_none,
            "test_precision": round(o["precision"], 4), "target_met_on_calibration": not t.get("note")})
    return {name: {"thresholds_pooled": pooled([{kind: rows[k] for kind, rows in kinds.items()}
                                                for k in range(len(next(iter(kinds.values()))))]),
                   "answered_wrong": errors.get(name, {})}
            for name, kinds in out.items()}


def run_dataset(name: str, data: dict, loss: str, base, prefix, arrays: dict) -> dict:
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.training import split_snapshot, train

    classes = sorted({c for _, c in data["train"]})
    order = classes[:]
    random.Random(0).shuffle(order)
    full = snapshot(data["train"], classes)
    rows = [(t, c) for t, c in data["test"] if c in set(classes)]
    row_class = np.asarray([c for _, c in rows])
    config = TrainConfig(loss=loss, epochs=DEFAULT_EPOCHS[name])
    untuned = correct_by_rule(Encoder(base, prefix, config.max_length), full, rows)
    out = {"classes": len(classes), "test": len(rows), "test_left_out": data.get("left_out", 0),
           "epochs": config.epochs, "loss": loss, "folds": []}
    tuned_added = {rule: np.zeros(len(rows), dtype=bool) for rule in RULES}  # each row is added once
    tuned_trained = {rule: [] for rule in RULES}
    untuned_trained = {rule: [] for rule in RULES}
    kinds_per_fold = []
    work = Path(tempfile.mkdtemp(prefix=f"sq-bench-open-{name}-"))
    try:
        for k in range(FOLDS):
            held = set(order[k::FOLDS])
            added = np.isin(row_class, list(held))
            part = snapshot(data["train"], [c for c in classes if c not in held])
            t0 = time.time()
            train(part, config, base, prefix, work / "m")
            seconds = time.time() - t0
            encoder = Encoder(work / "m", prefix, config.max_length)
            ok = correct_by_rule(encoder, full, rows)
            kinds = calibrate_kinds(name, data, encoder, part, split_snapshot(part, config), held)
            for kind, r in kinds.items():
                for which in ("calibrating", "measured"):
                    sc = r.pop(which)
                    for field in SCORED_FIELDS:
                        arrays[f"{name}|{k}|{kind}|{which}|{field}"] = getattr(sc, field)
                for field, column in zip(ROW_FIELDS, zip(*r.pop("measured_rows"))):
                    arrays[f"{name}|{k}|{kind}|measured|{field}"] = np.asarray(column, dtype=str)
            kinds_per_fold.append(kinds)
            del encoder
            shutil.rmtree(work / "m", ignore_errors=True)
            for rule in RULES:
                tuned_added[rule][added] = ok[rule][added]
                tuned_trained[rule].append(ok[rule][~added])
                untuned_trained[rule].append(untuned[rule][~added])
            fold = {"held_out": sorted(held), "train_seconds": round(seconds, 1), "thresholds": kinds,
                    "tuned": summarise(ok, {"added": added, "trained": ~added}),
                    "untuned": summarise(untuned, {"added": added, "trained": ~added})}
            out["folds"].append(fold)
            print(f"[{name}] fold {k}: {fold['tuned']} untuned {fold['untuned']} ({seconds:.0f} s)",
                  file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["tuned"] = {"added": rates(tuned_added),
                    "trained": rates({rule: np.concatenate(v) for rule, v in tuned_trained.items()})}
    out["untuned"] = {"added": rates(untuned),
                      "trained": rates({rule: np.concatenate(v) for rule, v in untuned_trained.items()})}
    out["thresholds_pooled"] = pooled(kinds_per_fold)
    return out


def report(results: dict) -> str:
    results = {name: r for name, r in results.items() if isinstance(r, dict) and "tuned" in r}
    lines = ["| dataset | questions | added: tuned / untuned (best entry) | centroid | "
             "trained: tuned / untuned (best entry) | centroid | added, per fold: tuned − untuned (best entry) |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        t, u = r["tuned"], r["untuned"]
        per_fold = ", ".join(f"{100 * (f['tuned']['added']['best'] - f['untuned']['added']['best']):+.1f}"
                             for f in r["folds"])
        lines.append(f"| {name} | {r['test']} | {100 * t['added']['best']:.1f} / {100 * u['added']['best']:.1f} | "
                     f"{100 * t['added']['centroid']:.1f} / {100 * u['added']['centroid']:.1f} | "
                     f"{100 * t['trained']['best']:.1f} / {100 * u['trained']['best']:.1f} | "
                     f"{100 * t['trained']['centroid']:.1f} / {100 * u['trained']['centroid']:.1f} | {per_fold} |")
    lines += ["", "| dataset | rule | added: tuned / untuned | trained: tuned / untuned |", "|---|---|---|---|"]
    for name, r in results.items():
        t, u = r["tuned"], r["untuned"]
        for rule in RULES:
            lines.append(f"| {name} | {rule} | {100 * t['added'][rule]:.1f} / {100 * u['added'][rule]:.1f} | "
                         f"{100 * t['trained'][rule]:.1f} / {100 * u['trained'][rule]:.1f} |")
    return "\n".join(lines + ["", thresholds_table(results)])


def thresholds_table(results: dict) -> str:
    lines = ["| dataset | none questions | precision answered, four folds pooled | in-scope answered | "
             "none answered | per fold |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        for kind, k in r["thresholds_pooled"].items():
            folds = " / ".join(f"{100 * x:.1f}" for x in k["per_fold_precision"])
            lines.append(f"| {name} | {kind} | **{100 * k['precision']:.1f}%** ({k['answered']}) | "
                         f"{100 * k['coverage']:.1f}% | {100 * k['none_answered']:.1f}% | {folds} |")
    return "\n".join(lines)


def errors_list(results: dict, kind: str = "other domain") -> str:
    """The answered questions that were wrong, four folds pooled (the saved rows of --recalibrate)."""
    lines = []
    for name, r in results.items():
        wrong = r.get("answered_wrong", {}).get(kind, [])
        lines.append(f"\n{name}, none = {kind}: {len(wrong)} answered wrong")
        for e in sorted(wrong, key=lambda e: (e["question"], e["fold"])):
            lines.append(f"  fold {e['fold']}: {e['question']!r} expected {e['expected']}, answered {e['answered']} "
                         f"(second {e['second']}), score {e['score']:.3f}, lead {e['lead']:.3f}")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="smp,dialogflow,banking")
    p.add_argument("--loss", default="arcface")
    p.add_argument("--json", default=str(OUT / "open_set.json"))
    p.add_argument("--keep-known-test", action="store_true", dest="keep_known",
                   help="keep the test questions that are word for word training questions (bench.losses.load)")
    p.add_argument("--recalibrate", metavar="NPZ",
                   help="only recompute the pooled thresholds from a run's saved scores "
                        "(bench/out/open_set_scored.npz) with the current calibration")
    args = p.parse_args()
    if args.recalibrate:
        results = recalibrate(Path(args.recalibrate))
        print(thresholds_table(results))
        print(errors_list(results))
        return 0

    from desktop_app.core.encoders import DEFAULT_BASE_MODEL, input_prefix, resolve_base_model

    base = resolve_base_model(DEFAULT_BASE_MODEL).path
    prefix = input_prefix(DEFAULT_BASE_MODEL)
    results, arrays, t0 = {}, {}, time.time()
    for name, data in present(args.datasets, args.keep_known):
        t1 = time.time()
        results[name] = run_dataset(name, data, args.loss, base, prefix, arrays)
        results[name]["seconds"] = round(time.time() - t1, 1)
        save(results, args.json)
        np.savez_compressed(Path(args.json).with_name(Path(args.json).stem + "_scored.npz"), **arrays)
    results["total_seconds"] = round(time.time() - t0, 1)
    save(results, args.json)
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
