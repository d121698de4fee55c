"""Rule augmentation with few examples: smp2019-ecdt, 3 training utterances per class.

    .venv/bin/python bench/augment_smp2019.py [--keep 3] [--per-question 30] [--seed 0] [--json out.json]

Imports only the first `keep` training utterances of each class (the first is the standard
question), answers the test split with the untuned encoder, generates rule paraphrases (guarded
by that untuned encoder; pending), retrains with the defaults *without* them (pending items never
train), accepts them all, retrains with the defaults again, and compares test top-1.
Writes bench/out/augment_section.md. Skips cleanly when the dataset is absent.
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
from bench.datasets import as_import_rows, smp2019  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def few_per_class(pairs, keep: int):
    seen: dict[str, int] = {}
    out = []
    for text, cls in pairs:
        if seen.get(cls, 0) < keep:
            seen[cls] = seen.get(cls, 0) + 1
            out.append((text, cls))
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", type=int, default=3, help="training utterances kept per class")
    p.add_argument("--per-question", type=int, default=30, dest="per_question")
    p.add_argument("--seed", type=int, default=0)
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
    train = few_per_class(data["train"], args.keep)
    rows, first = as_import_rows(train)
    report = store.import_rows(shop.id, rows, skip_conflicts=True)
    print(f"imported {report.added_standard} classes, {report.added_similar} similar questions", file=sys.stderr)
    ensure_model(store, shop.id, TqdmReporter())
    untuned = top1(Matcher.open(store, shop.id), data["test"], first)

    t0 = time.time()
    guard = Guard.for_shop(store, shop.id)  # the untuned encoder judges closer_to_other
    summary = augment_rules(store, shop.id, per_question=args.per_question, seed=args.seed, guard=guard,
                            reporter=TqdmReporter())
    augment_seconds = time.time() - t0
    generated = store.similars(shop_id=shop.id, source="rules")
    samples = random.Random(0).sample([(store.standard(s.standard_id).text, s.text) for s in generated],
                                      min(12, len(generated)))

    base = retrain(store, shop.id, TrainConfig(seed=args.seed), TqdmReporter())  # pending: not used
    no_aug = top1(Matcher.open(store, shop.id), data["test"], first)
    review(store, shop.id, "accepted", source="rules")
    aug = retrain(store, shop.id, TrainConfig(seed=args.seed), TqdmReporter())
    with_aug = top1(Matcher.open(store, shop.id), data["test"], first)

    out = {"classes": report.added_standard, "train_utterances": len(train), "test": len(data["test"]),
           "untuned_test_top1": round(untuned, 4), "no_augmentation_test_top1": round(no_aug, 4),
           "rules_augmentation_test_top1": round(with_aug, 4), "generated": len(generated),
           "dropped": dict(summary.dropped), "augment_seconds": round(augment_seconds, 1),
           "retrain_seconds": {"no_augmentation": round(base.seconds, 1), "rules": round(aug.seconds, 1)},
           "n_train": {"no_augmentation": base.version.metrics.get("n_train"),
                       "rules": aug.version.metrics.get("n_train")},
           "runtime_variant": {"no_augmentation": base.version.metrics.get("runtime_variant"),
                               "rules": aug.version.metrics.get("runtime_variant")},
           "seed": args.seed, "per_question": args.per_question, "samples": samples}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    OUT.mkdir(exist_ok=True)
    (OUT / "augment_section.md").write_text(section(out), encoding="utf-8")
    return 0


def section(r: dict) -> str:
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r["dropped"].items())) or "none"
    examples = "\n".join(f"| {sq} | {gen} |" for sq, gen in r["samples"])
    return f"""## Rule augmentation with 3 examples per class (smp2019-ecdt)

`.venv/bin/python bench/augment_smp2019.py --keep {r['train_utterances'] // max(r['classes'], 1)} \
--per-question {r['per_question']} --seed {r['seed']}`

{r['classes']} classes, {r['train_utterances']} training utterances (the first 3 of each class in the
train split; the first is the standard question), {r['test']} test utterances. Default `TrainConfig`
(seed {r['seed']}) both times; the tiny shop has no validation split, so training uses everything.

| model | test top-1 |
|---|---|
| untuned base encoder | {r['untuned_test_top1']:.4f} |
| fine-tuned, no augmentation | {r['no_augmentation_test_top1']:.4f} |
| fine-tuned, + rule augmentation (accepted) | {r['rules_augmentation_test_top1']:.4f} |

Rule generation: {r['generated']} pending similar questions in {r['augment_seconds']} s (asked for
{r['per_question']} per class); the guard (untuned encoder) dropped: {dropped}. Training texts
{r['n_train']['no_augmentation']} -> {r['n_train']['rules']}; retrain
{r['retrain_seconds']['no_augmentation']} s -> {r['retrain_seconds']['rules']} s (2 cores).

Random generated examples:

| standard question | generated |
|---|---|
{examples}
"""


if __name__ == "__main__":
    sys.exit(main())
