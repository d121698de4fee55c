"""Off-topic traffic at ten to one (issue 10): answered precision, in-scope answered share, and
what the shop's own negatives do without retraining.

    .venv/bin/python bench/offtopic_mix.py [--shops demo,smp] [--ratio 10] [--reuse]
        [--json bench/out/offtopic_mix.json]

Experiments: --offtopic-weight W trains with outlier exposure (TrainConfig.offtopic_weight);
--labelled SHARE has the operator label that share of the in-scope questions as test questions,
calibrates the version on them, and measures on the rest (with ten to one of it off topic).

Two shops, each trained through the product's own pipeline with the defaults (core.pipeline
.retrain, which calibrates on the version's validation split and the built-in off-topic set):

- demo: the demo shop (resources/demo_shop); in scope: its sample consumer questions with an
  expected standard question and bench/data/demo_in_scope.csv (two per standard question,
  written for the project, never trained on); off topic: smp2019-ecdt utterances (voice-assistant commands,
  health, cooking, travel...), none of them about robot vacuums.
- smp: smp2019-ecdt as a shop: the domains of a seeded half of the topics (SMP_TOPICS: media,
  travel, info, ...) are its standard questions (train rows as similar questions, a class's first
  row as its text); in scope: their test rows; off topic: every row of the other topics' domains
  and dialogflow-zh-support's. (smp-domains: a seeded half of the domains instead, which puts
  neighbours such as epg and video on both sides: a harder mix than "unrelated intents".)

Off-topic messages are drawn (seed 0) to `ratio` per in-scope question; none of them is used in
training or calibration. Each message is matched by the shop's Matcher and scored under:
  product   the calibrated thresholds, the off-topic guard included (what queries use);
  no_guard  the same thresholds with the guard off (the score and lead thresholds alone).
Then the ten off-topic messages that came closest to an answer (answered ones first, by score)
are marked as matching nothing (store.add_negatives), with no retraining, and everything is
matched again: those ten, the other drawn messages of their intents, and the in-scope share.

Third-party data is read from ../shared/datasets and never copied; absent data skips the shop.
Trained shops are kept under bench/out/offtopic_mix/ (--reuse measures them again).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402
from bench.losses import OUT  # noqa: E402

MARKED = 10


def demo_shop():
    from desktop_app.core.demo import DEMO_SHOP, sample_queries
    from desktop_app.core.io_formats import read_rows
    from desktop_app.paths import resource

    smp = datasets.smp2019()
    if smp is None:
        return None
    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    in_scope = [(q["query"], q["expected"]) for q in sample_queries() if q["expected"].strip()]
    extra = ROOT / "bench" / "data" / "demo_in_scope.csv"  # written for the project, two per question
    if extra.is_file():
        import csv

        with extra.open(encoding="utf-8") as f:
            in_scope += [(q["query"], q["expected"]) for q in csv.DictReader(f) if q["expected"].strip()]
    pool = [(t, c) for split in ("train", "dev", "test") for t, c in smp[split]]
    return {"name": DEMO_SHOP, "rows": rows, "in_scope": in_scope, "pool": pool}


# smp2019-ecdt's domains by topic: a shop takes whole topics, so that its off-topic traffic comes
# from unrelated intents (a TV-guide shop would count film requests as its own business).
SMP_TOPICS = {"media": ["cinemas", "epg", "music", "radio", "tvchannel", "video"],
              "travel": ["bus", "flight", "map", "train"],
              "info": ["lottery", "match", "news", "stock", "weather"],
              "communication": ["contacts", "email", "message", "telephone"],
              "reading": ["joke", "novel", "poetry", "riddle", "story"],
              "apps": ["app", "website"], "life": ["cookbook", "health"], "translation": ["translation"]}


def smp_shop(seed: int = 0, by_topic: bool = True):
    smp = datasets.smp2019()
    dialogflow = datasets.dialogflow_zh()
    if smp is None:
        return None
    domains = sorted({c.split(".")[0] for split in smp.values() for _, c in split})
    rng = random.Random(seed)
    if by_topic:  # a seeded half of the topics, whole
        topics = sorted(SMP_TOPICS)
        mine = {d for t in rng.sample(topics, len(topics) // 2) for d in SMP_TOPICS[t]}
    else:  # a seeded half of the domains: neighbours such as epg / video land on both sides
        mine = set(rng.sample(domains, len(domains) // 2))
    train = [(t, c) for t, c in smp["train"] if c.split(".")[0] in mine]
    rows, first = datasets.as_import_rows(train)
    in_scope = [(t, first[c]) for t, c in smp["test"] if c in first]
    pool = [(t, c) for split in ("train", "dev", "test") for t, c in smp[split] if c.split(".")[0] not in mine]
    if dialogflow is not None:
        pool += [(t, "dialogflow." + c) for split in dialogflow.values() for t, c in split]
    return {"name": "smp2019-shop" + ("" if by_topic else "-domains"), "rows": rows, "in_scope": in_scope, "pool": pool, "domains": sorted(mine)}


def train_on_offtopic(every: int) -> None:
    """Experiment (--train-offtopic): one in `every` built-in off-topic messages joins training as
    extra classes, one per file (chit-chat, assistant commands, ...), so the margin loss also pushes
    the shop's questions away from them; those messages then leave the calibration and report sets
    (they would be scored as trained on). Patched in this process only."""
    from desktop_app.core import offtopic, report
    from desktop_app.core.normalize import dedup_key, normalize_text
    from desktop_app.core.store_models import ModelDataMixin
    from desktop_app.paths import resource

    trained = {}
    for path in sorted(resource("offtopic").glob("*.txt")):
        texts = [normalize_text(x) for x in offtopic._lines(path)]
        trained[path.stem] = [t for t in dict.fromkeys(texts) if t and offtopic.builtin_label(t) % every == 0]
    keys = {dedup_key(t) for texts in trained.values() for t in texts}
    report.builtin_offtopic = lambda: tuple(t for t in offtopic.builtin_offtopic() if dedup_key(t) not in keys)
    original = ModelDataMixin.training_snapshot

    def snapshot(self, shop_id):
        snap = original(self, shop_id)
        own = {dedup_key(c["text"]) for c in snap["classes"]} | {dedup_key(t) for c in snap["classes"] for t in c["similar"]}
        for i, (kind, texts) in enumerate(trained.items()):
            texts = [t for t in texts if dedup_key(t) not in own]
            snap["classes"].append({"id": -1 - i, "text": texts[0], "similar": texts[1:],
                                    "generated": [False] * (len(texts) - 1)})
        return snap

    ModelDataMixin.training_snapshot = snapshot


def build(spec: dict, home: Path, reuse: bool, recalibrate: bool = False, offtopic_weight: float = 0.0):
    from desktop_app.core.pipeline import retrain
    from desktop_app.core.store import Store

    if reuse and (home / Store.FILENAME).is_file():
        store = Store(home)
        shop = store.shop(spec["name"])
        version = store.active_version(shop.id)
        if version is not None:
            store.delete_negatives(shop.id, [n.id for n in store.negatives(shop.id)])
            store.delete_test_questions(shop.id)  # --labelled's, from an earlier run
            if recalibrate:  # the report and thresholds again, with the current code (no training)
                from desktop_app.core.pipeline import calibrate_version

                calibrate_version(store, shop.id, version, None, side_by_side=False)
            return store, shop.id, None
        store.close()
    shutil.rmtree(home, ignore_errors=True)
    store = Store(home)
    shop = store.create_shop(spec["name"])
    store.import_rows(shop.id, spec["rows"], skip_conflicts=True)
    t0 = time.time()
    config = None
    if offtopic_weight:  # outlier exposure; otherwise the product's defaults
        from desktop_app.core.config import TrainConfig
        from desktop_app.core.shop_settings import load_settings

        config = TrainConfig(base_model=load_settings(store, shop.id).effective_base_model,
                             offtopic_weight=offtopic_weight)
    retrain(store, shop.id, config)
    return store, shop.id, round(time.time() - t0, 1)


def decisions(results, thresholds: dict, guard: bool):
    from desktop_app.core.calibration import GUARD_OFF, decide

    t = dict(thresholds) if guard else {**thresholds, "guard": GUARD_OFF}
    out = []
    for r in results:
        s1 = r.matches[0].score if r.matches else None
        s2 = r.matches[1].score if len(r.matches) > 1 else None
        n1 = r.offtopic["score"] if (r.offtopic and guard) else None
        out.append(decide(s1, s2, t, r.twin, n1))
    return out


def measure(results, expected, decided) -> dict:
    """expected: a standard question text for in-scope, None for off-topic."""
    n_in = sum(e is not None for e in expected)
    n_off = len(expected) - n_in
    answered = [(r, e) for r, e, d in zip(results, expected, decided) if d == "answer"]
    right = sum(1 for r, e in answered if e is not None and r.matches[0].standard_question == e)
    in_answered = sum(1 for _, e in answered if e is not None)
    off_answered = sum(1 for _, e in answered if e is None)
    suggested_ok = sum(1 for r, e, d in zip(results, expected, decided) if e is not None and d == "suggest"
                       and e in [m.standard_question for m in r.matches[:3]])
    return {"n_in_scope": n_in, "n_offtopic": n_off, "answered": len(answered), "right": right,
            "precision": round(right / len(answered), 4) if answered else None,
            "in_scope_answered": round(in_answered / n_in, 4), "in_scope_answered_right": round(right / n_in, 4),
            "in_scope_suggested_right": round(suggested_ok / n_in, 4),
            "offtopic_answered": off_answered, "offtopic_not_answered": round(1 - off_answered / max(n_off, 1), 4)}


def label_share(store, shop_id: int, in_scope: list, share: float, seed: int) -> tuple[list, list]:
    """The operator labels a seeded `share` of the shop's consumer questions as test questions (the
    product's own kind: the report calibrates on them instead of the validation split), and the
    version is calibrated again; (labelled, the rest to measure on)."""
    from desktop_app.core.pipeline import calibrate_version

    rng = random.Random(seed + 1)
    order = list(in_scope)
    rng.shuffle(order)
    cut = int(round(share * len(order)))
    labelled, rest = order[:cut], order[cut:]
    ids = {info["text"]: sid for sid, info in store.standard_lookup(shop_id).items()}
    for text, expected in labelled:
        store.add_test_question(shop_id, text, ids[expected])
    calibrate_version(store, shop_id, store.active_version(shop_id), None, side_by_side=False)
    return labelled, rest


def draw_offtopic(spec: dict, matcher, n_in_scope: int, ratio: float, seed: int = 0) -> tuple[list, list]:
    """(the pool, the drawn off-topic messages): `ratio` per in-scope question, none of them a shop
    question or a built-in message (the built-in set is never measured on)."""
    from desktop_app.core.normalize import normalize_text

    shop_texts = set(matcher.index.texts.values())
    known = set(matcher.offtopic_index.texts.values())
    pool = [(t, c) for t, c in dict.fromkeys(spec["pool"]) if normalize_text(t) not in shop_texts | known]
    return pool, random.Random(seed).sample(pool, min(len(pool), int(ratio * n_in_scope)))


def run(spec: dict, ratio: float, reuse: bool, seed: int = 0, train_every: int = 0,
        recalibrate: bool = False, offtopic_weight: float = 0.0, labelled: float = 0.0) -> dict:
    from desktop_app.core.matcher import Matcher
    from desktop_app.core.normalize import normalize_text

    home = OUT / "offtopic_mix" / (spec["name"] + (f"-trainoff{train_every}" if train_every else "")
                                   + (f"-oe{offtopic_weight:g}" if offtopic_weight else ""))
    store, shop_id, train_s = build(spec, home, reuse, recalibrate, offtopic_weight)
    matcher = Matcher.open(store, shop_id)
    shop_texts = set(matcher.index.texts.values())
    in_scope = [(t, e) for t, e in spec["in_scope"] if normalize_text(t) not in shop_texts]
    n_labelled = 0
    if labelled:
        labelled_questions, in_scope = label_share(store, shop_id, in_scope, labelled, seed)
        n_labelled = len(labelled_questions)
        matcher = Matcher.open(store, shop_id)  # with the thresholds calibrated on them
    pool, drawn = draw_offtopic(spec, matcher, len(in_scope), ratio, seed)
    texts = [t for t, _ in in_scope] + [t for t, _ in drawn]
    expected = [e for _, e in in_scope] + [None] * len(drawn)
    results = matcher.query_many(texts)
    thresholds = matcher.thresholds
    out = {"shop": spec["name"], "train_seconds": train_s, "version": matcher.version.id,
           "thresholds": {k: thresholds.get(k) for k in ("answer", "margin", "guard", "suggest")},
           "overlap_with_builtin": len(dict.fromkeys(spec["pool"])) - len(pool) - sum(
               1 for t, _ in dict.fromkeys(spec["pool"]) if normalize_text(t) in shop_texts),
           "domains": spec.get("domains"), "labelled_test_questions": n_labelled}
    for name, guard in (("product", True), ("no_guard", False)):
        out[name] = measure(results, expected, decisions(results, thresholds, guard))
    decided = decisions(results, thresholds, True)
    out["offtopic_answered_examples"] = [
        {"text": r.query, "intent": drawn[i - len(in_scope)][1], "to": r.matches[0].standard_question,
         "score": r.matches[0].score, "offtopic": r.offtopic}
        for i, (r, d) in enumerate(zip(results, decided)) if i >= len(in_scope) and d == "answer"][:20]

    # The operator marks the ten that came closest to an answer as matching nothing.
    off = [(i, r) for i, r in enumerate(results) if i >= len(in_scope) and r.matches]
    off.sort(key=lambda x: (decided[x[0]] != "answer", -x[1].matches[0].score))
    marked = off[:MARKED]
    marked_intents = {drawn[i - len(in_scope)][1] for i, _ in marked}
    store.add_negatives(shop_id, [r.query for _, r in marked], source="manual")
    after = matcher.query_many(texts)
    decided_after = decisions(after, matcher.thresholds, True)
    marked_ids = {i for i, _ in marked}
    siblings = [i for i in range(len(in_scope), len(texts))
                if drawn[i - len(in_scope)][1] in marked_intents and i not in marked_ids]
    # every other held-out message of those intents, not only the drawn ones
    rest = [t for t, c in pool if c in marked_intents and t not in {texts[i] for i in marked_ids}]
    rest_results = matcher.query_many(rest) if rest else []
    rest_decided = decisions(rest_results, matcher.thresholds, True)
    out["after_marking"] = {
        "marked": [{"text": r.query, "intent": drawn[i - len(in_scope)][1], "was": decided[i]} for i, r in marked],
        "marked_not_answered": sum(decided_after[i] != "answer" for i in marked_ids),
        "drawn_siblings": len(siblings),
        "drawn_siblings_answered_before": sum(decided[i] == "answer" for i in siblings),
        "drawn_siblings_answered_after": sum(decided_after[i] == "answer" for i in siblings),
        "intent_messages": len(rest),
        "intent_messages_not_answered": round(sum(d != "answer" for d in rest_decided) / max(len(rest), 1), 4),
        "mix": measure(after, expected, decided_after),
    }
    out["negatives_only"] = negatives_only(matcher, texts, expected, drawn, pool, results, len(in_scope))
    out["after_marking"]["in_scope_answered_drop_points"] = round(
        100 * (out["product"]["in_scope_answered"] - out["after_marking"]["mix"]["in_scope_answered"]), 2)
    store.close()
    return out


def negatives_only(matcher, texts, expected, drawn, pool, results, n_in) -> dict:
    """Marking without the built-in set: the score thresholds alone answer many off-topic
    messages; the operator marks ten of those answered wrongly, and only the nearest-is-a-negative
    rule applies (no calibrated guard). Worked out on vectors here; nothing is written."""
    from desktop_app.core.calibration import GUARD_OFF, decide
    from desktop_app.core.normalize import normalize_text

    thresholds = {**matcher.thresholds, "guard": GUARD_OFF}
    before = decisions(results, matcher.thresholds, False)
    wrong = sorted((i for i in range(n_in, len(texts)) if before[i] == "answer"),
                   key=lambda i: -results[i].matches[0].score)[:MARKED]
    if not wrong:
        return {"marked": 0}
    intents = {drawn[i - n_in][1] for i in wrong}
    marked = {texts[i] for i in wrong}
    rest = [t for t, c in pool if c in intents and t not in marked]
    rest_results = matcher.query_many(rest) if rest else []
    negatives = matcher.encoder.encode([normalize_text(texts[i]) for i in wrong])

    def decide_all(res, txts):
        n1 = (matcher.encoder.encode([normalize_text(t) for t in txts]) @ negatives.T).max(axis=1)
        out = []
        for r, n in zip(res, n1):
            s1 = r.matches[0].score if r.matches else None
            s2 = r.matches[1].score if len(r.matches) > 1 else None
            out.append(decide(s1, s2, thresholds, r.twin, float(n)))
        return out

    after = decide_all(results, texts)
    rest_before = decisions(rest_results, matcher.thresholds, False)
    rest_after = decide_all(rest_results, rest)
    n_rest_answered = sum(d == "answer" for d in rest_before)
    return {"marked": len(wrong), "marked_not_answered": sum(after[i] != "answer" for i in wrong),
            "intent_messages": len(rest), "intent_messages_answered_before": n_rest_answered,
            "intent_messages_answered_after": sum(d == "answer" for d in rest_after),
            "of_answered_no_longer": round(sum(b == "answer" and a != "answer" for b, a in zip(rest_before, rest_after))
                                           / max(n_rest_answered, 1), 4),
            "mix_before": measure(results, expected, before), "mix_after": measure(results, expected, after)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shops", default="demo,smp")
    ap.add_argument("--ratio", type=float, default=10.0)
    ap.add_argument("--reuse", action="store_true", help="measure the shops trained by an earlier run")
    ap.add_argument("--recalibrate", action="store_true",
                    help="with --reuse: calibrate the thresholds again with the current code (no training)")
    ap.add_argument("--json", default=str(OUT / "offtopic_mix.json"))
    ap.add_argument("--train-offtopic", type=int, default=0, metavar="EVERY",
                    help="experiment: train on one in EVERY built-in off-topic messages as extra classes")
    ap.add_argument("--offtopic-weight", type=float, default=0.0, metavar="W",
                    help="train with outlier exposure at this weight (TrainConfig.offtopic_weight)")
    ap.add_argument("--labelled", type=float, default=0.0, metavar="SHARE",
                    help="the operator labels this share of the in-scope questions as test questions; the version "
                         "is calibrated on them, and the mix is the rest")
    args = ap.parse_args()
    if args.train_offtopic:
        train_on_offtopic(args.train_offtopic)
    makers = {"demo": demo_shop, "smp": smp_shop, "smp-domains": lambda: smp_shop(by_topic=False)}
    report = {}
    for name in args.shops.split(","):
        spec = makers[name]()
        if spec is None:
            continue
        t0 = time.time()
        report[name] = run(spec, args.ratio, args.reuse, train_every=args.train_offtopic,
                           recalibrate=args.recalibrate, offtopic_weight=args.offtopic_weight,
                           labelled=args.labelled)
        report[name]["seconds"] = round(time.time() - t0, 1)
        r = report[name]
        print(f"{name}: thresholds {r['thresholds']}")
        for key in ("product", "no_guard"):
            m = r[key]
            print(f"  {key:9s} precision {m['precision']}  in-scope answered {m['in_scope_answered']:.1%} "
                  f"(right {m['in_scope_answered_right']:.1%}, suggested right {m['in_scope_suggested_right']:.1%})  "
                  f"off-topic answered {m['offtopic_answered']}/{m['n_offtopic']}")
        a = r["after_marking"]
        print(f"  after marking {len(a['marked'])}: {a['marked_not_answered']} of them not answered; other messages of "
              f"their intents not answered {a['intent_messages_not_answered']:.1%} ({a['intent_messages']}); "
              f"precision {a['mix']['precision']}, in-scope answered -{a['in_scope_answered_drop_points']} points")
        n = r["negatives_only"]
        if n.get("marked"):
            print(f"  without the built-in set, marking {n['marked']} wrongly answered: {n['marked_not_answered']} of them "
                  f"not answered; of their intents' other messages answered before ({n['intent_messages_answered_before']} "
                  f"of {n['intent_messages']}), {n['of_answered_no_longer']:.1%} no longer; in-scope answered "
                  f"{n['mix_before']['in_scope_answered']:.1%} -> {n['mix_after']['in_scope_answered']:.1%}, precision "
                  f"{n['mix_before']['precision']} -> {n['mix_after']['precision']}")
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
