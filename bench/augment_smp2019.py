"""Rule augmentation with few examples: smp2019-ecdt, 3 training utterances per class.

    .venv/bin/python bench/augment_smp2019.py [--keep 3] [--per-question 30] [--seed 0]
        [--ratios default,none,1] [--train-seeds 0,1,2] [--json out.json]

Imports only the first `keep` training utterances of each class (the first is the standard
question), answers the dev and test splits with the untuned encoder, generates rule paraphrases
(guarded by that untuned encoder; pending), retrains with the defaults *without* them (pending
items never train), accepts them all, then retrains once per `generated_ratio` in --ratios
('default' is TrainConfig's, 'none' trains on every generated text each epoch) and compares dev
and test top-1, each with every training seed in --train-seeds (mean, and spread over seeds: one
test question is 0.37 points). Settings are chosen on dev; test is reported. Writes
bench/out/augment_section.md.
Skips cleanly when the dataset is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.accuracy_smp2019 import top1  # noqa: E402
from bench.datasets import as_import_rows, per_class, smp2019  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", type=int, default=3, help="training utterances kept per class")
    p.add_argument("--per-question", type=int, default=30, dest="per_question")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ratios", default="default", help="generated_ratio values to train with, comma-separated")
    p.add_argument("--train-seeds", default="0", dest="train_seeds", help="training seeds, comma-separated")
    p.add_argument("--json", help="write the results here too")
    args = p.parse_args()
    data = smp2019()
    if data is None:
        return 0
    from desktop_app.cli import TqdmReporter
    from desktop_app.core.augment import review
    from desktop_app.core.augment.guard import Guard
    from desktop_app.core.augment.rules import augment_rules
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.matcher import Matcher
    from desktop_app.core.pipeline import ensure_model, retrain
    from desktop_app.core.store import Store

    store = Store(Path(tempfile.mkdtemp(prefix="sq-bench-aug-")))
    shop = store.create_shop("smp2019-few")
    train = per_class(data["train"], args.keep)
    rows, first = as_import_rows(train)
    report = store.import_rows(shop.id, rows, skip_conflicts=True)
    print(f"imported {report.added_standard} classes, {report.added_similar} similar questions", file=sys.stderr)
    ensure_model(store, shop.id, TqdmReporter())

    def scores() -> dict:
        matcher = Matcher.open(store, shop.id)
        return {"dev": round(top1(matcher, data["dev"], first), 4), "test": round(top1(matcher, data["test"], first), 4),
                "variant": store.active_version(shop.id).params.get("runtime_variant", "float32")}

    untuned = scores()
    t0 = time.time()
    guard = Guard.for_shop(store, shop.id)  # the untuned encoder judges closer_to_other
    summary = augment_rules(store, shop.id, per_question=args.per_question, seed=args.seed, guard=guard,
                            reporter=TqdmReporter())
    augment_seconds = time.time() - t0
    generated = store.similars(shop_id=shop.id, source="rules")
    samples = random.Random(0).sample([(store.standard(s.standard_id).text, s.text) for s in generated],
                                      min(12, len(generated)))

    seeds = [int(x) for x in args.train_seeds.split(",")]

    def run(make_config) -> dict:
        """Retrain once per training seed; mean and range of the scores."""
        got = []
        for seed in seeds:
            result = retrain(store, shop.id, make_config(seed), TqdmReporter())
            got.append({**scores(), "seconds": result.seconds, "n_train": result.version.metrics.get("n_train")})
        agg = {k: round(sum(g[k] for g in got) / len(got), 4) for k in ("dev", "test", "seconds")}
        agg.update({f"{k}_range": [min(g[k] for g in got), max(g[k] for g in got)] for k in ("dev", "test")})
        agg.update(n_train=got[0]["n_train"], variant="/".join(sorted({g["variant"] for g in got})))
        agg["seconds"] = round(agg["seconds"], 1)
        return agg

    runs = {"no augmentation": run(lambda seed: TrainConfig(seed=seed))}  # pending items never train
    review(store, shop.id, "accepted", source="rules")
    for name in args.ratios.split(","):
        def make(seed, name=name):
            if name == "default":
                return TrainConfig(seed=seed)
            return TrainConfig(seed=seed, generated_ratio=None if name == "none" else float(name))

        label = f"rules, generated_ratio {make(0).generated_ratio}" + (" (default)" if name == "default" else "")
        runs[label] = run(make)

    out = {"classes": report.added_standard, "keep": args.keep, "train_utterances": len(train),
           "dev": len(data["dev"]), "test": len(data["test"]), "untuned": untuned, "runs": runs,
           "generated": len(generated), "dropped": dict(summary.dropped), "augment_seconds": round(augment_seconds, 1),
           "seed": args.seed, "train_seeds": seeds, "per_question": args.per_question, "ratios": args.ratios,
           "samples": samples}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    OUT.mkdir(exist_ok=True)
    (OUT / "augment_section.md").write_text(section(out), encoding="utf-8")
    return 0


def section(r: dict) -> str:
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r["dropped"].items())) or "none"
    examples = "\n".join(f"| {sq} | {gen} |" for sq, gen in r["samples"])
    def cell(v, key):
        lo, hi = v.get(f"{key}_range", (v[key], v[key]))
        return f"{v[key]:.4f}" + (f" ({lo:.3f}–{hi:.3f})" if hi > lo else "")

    rows = "\n".join(f"| {name} | {cell(v, 'dev')} | {cell(v, 'test')} | {v['n_train']} | {v['seconds']} | {v['variant']} |"
                     for name, v in r["runs"].items())
    u = r["untuned"]
    return f"""## Rule augmentation with {r['keep']} examples per class (smp2019-ecdt)

`.venv/bin/python bench/augment_smp2019.py --keep {r['keep']} --per-question {r['per_question']} --seed {r['seed']} \
--ratios {r['ratios']} --train-seeds {','.join(map(str, r['train_seeds']))}`

{r['classes']} classes, {r['train_utterances']} training utterances (the first {r['keep']} of each class in
the train split, fewer where a class has fewer; the first is the standard question), {r['dev']} dev and
{r['test']} test utterances. Default `TrainConfig` apart from `generated_ratio`, trained with seeds
{', '.join(map(str, r['train_seeds']))}: each cell is the mean over seeds, with the range in brackets. The tiny
shop has no validation split, so training uses everything.

| model | dev top-1 | test top-1 | training texts | retrain s (mean) | query encoder |
|---|---|---|---|---|---|
| untuned base encoder | {u['dev']:.4f} | {u['test']:.4f} | | | {u['variant']} |
{rows}

Rule generation: {r['generated']} pending similar questions in {r['augment_seconds']} s (asked for
{r['per_question']} per class); the guard (untuned encoder) dropped: {dropped}.

Random generated examples:

| standard question | generated |
|---|---|
{examples}
"""


if __name__ == "__main__":
    sys.exit(main())
