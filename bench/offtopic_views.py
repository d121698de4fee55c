"""Issue 10: where calibration's view of a shop parts from the ten-to-one mix's.

    .venv/bin/python bench/offtopic_views.py [--shops demo,smp] [--json bench/out/offtopic_views.json]

Reads the shops bench/offtopic_mix.py trained (bench/out/offtopic_mix/), calibrates them again with
the current code (as `offtopic_mix.py --reuse --recalibrate` does), and keeps what calibration saw:
its in-scope questions (the validation split) and its none questions (the built-in set's
calibration half), with their vectors. Then, on the same vectors:

1. The mix's best setting: the (answer, lead, guard) that answers the most in-scope questions of
   the mix at 95% precision, chosen on the mix itself (an upper bound no calibration can beat),
   and what calibration sees at that setting: its coverage, its in-scope precision, the share of
   built-in messages answered, the precision at ten to one.
2. Shadow lines: which built-in messages count as the shop's business (neither off-topic
   neighbours nor none questions). The product's line is the median of the shop's
   nearest-sibling cosines (offtopic.SHADOW_QUANTILE); lower global quantiles and per-class
   lines are tried. For each, the thresholds `calibration.calibrate` then picks, and what they
   do on the mix. Simulated in numpy with exact nearest neighbours; the product's line
   reproduces the product's own figures (offtopic_mix.py's "product" row).

Third-party data is read from ../shared/datasets and never copied; absent data skips the shop.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import offtopic_mix as om  # noqa: E402
from bench.losses import OUT  # noqa: E402

GLOBAL_QUANTILES = (0.5, 0.3, 0.2, 0.15, 0.1)
CLASS_QUANTILES = (0.5, 0.2, 0.1, 0.05)


def captured_calibration(spec: dict):
    """Recalibrate the trained shop and keep the questions calibration scored (report.as_scored
    wrapped: its first two calls are the main model's in-scope and calibrating none questions)."""
    from desktop_app.core import report

    seen: list = []
    as_scored = report.as_scored

    def keep_questions(result, questions, *args, **kwargs):
        seen.append(questions)
        return as_scored(result, questions, *args, **kwargs)

    report.as_scored = keep_questions
    try:
        store, shop_id, _ = om.build(spec, OUT / "offtopic_mix" / spec["name"], reuse=True, recalibrate=True)
    finally:
        report.as_scored = as_scored
    return store, shop_id, seen[0], seen[1]


class Part:
    """Questions scored against the shop's entries (best entry per class) and the built-in set."""

    def __init__(self, vectors, entries, builtin_vectors, own_entry, own_builtin, expected):
        from desktop_app.core.report import class_score_matrix

        mat = class_score_matrix(vectors, entries, "best", np.asarray(own_entry))
        order = np.argsort(-mat, axis=1)
        rows = np.arange(len(mat))
        self.s1, self.s2 = mat[rows, order[:, 0]], mat[rows, order[:, 1]]
        self.pred = entries.classes[order[:, 0]]
        col = {int(c): j for j, c in enumerate(entries.classes)}
        self.none = np.asarray([e is None for e in expected])
        self.correct = np.asarray([e is not None and int(self.pred[i]) == e for i, e in enumerate(expected)])
        self.top3 = np.asarray([e is not None and col.get(e, -1) in order[i, :3] for i, e in enumerate(expected)])
        self.builtin = vectors @ builtin_vectors.T
        for i, j in enumerate(own_builtin):
            if j >= 0:
                self.builtin[i, j] = -np.inf  # a built-in none question is scored without its own entry

    def scored(self, keep_builtin: np.ndarray, rows: np.ndarray | None = None):
        from desktop_app.core.calibration import NO_OFFTOPIC, Scored

        rows = np.arange(len(self.s1)) if rows is None else rows
        b = self.builtin[np.ix_(rows, np.nonzero(keep_builtin)[0])]
        n1 = b.max(axis=1) if b.shape[1] else np.full(len(rows), NO_OFFTOPIC)
        return Scored(self.s1[rows], (self.s1 - self.s2)[rows], self.correct[rows] & ~self.none[rows],
                      self.top3[rows], self.none[rows], n1=np.where(np.isfinite(n1), n1, NO_OFFTOPIC))


def best_on_mix(mix, keep) -> dict | None:
    from desktop_app.core.calibration import answered

    s = mix.scored(keep)
    best = None
    for guard in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1):
        for margin in np.round(np.arange(0, 0.2, 0.01), 2):
            for answer in np.quantile(s.s1[~s.none], np.linspace(0, 1, 101)):
                a = answered(s, float(answer), float(margin), guard)
                if a.any():
                    precision = float((a & s.correct).sum() / a.sum())
                    coverage = float((a & ~s.none).sum() / (~s.none).sum())
                    if precision >= 0.95 and (best is None or coverage > best["coverage"]):
                        best = {"coverage": coverage, "precision": precision, "answer": float(answer),
                                "margin": float(margin), "guard": guard}
    return best


def measure_shop(name: str, spec: dict) -> dict:
    from desktop_app.core.calibration import Scored, answered, calibrate, outcome
    from desktop_app.core.matcher import Matcher
    from desktop_app.core.normalize import normalize_text
    from desktop_app.core.offtopic import BUILTIN_BASE, shadow_score
    from desktop_app.core.report import class_score_matrix, entries_from_matcher

    store, shop_id, in_q, none_q = captured_calibration(spec)
    matcher = Matcher.open(store, shop_id)
    entries = entries_from_matcher(matcher)
    labels = np.asarray(sorted(x for x in matcher.offtopic_index.texts if x >= BUILTIN_BASE), dtype=np.int64)
    bvec = matcher.offtopic_index.vectors(labels.tolist())
    brow = {int(x): i for i, x in enumerate(labels)}
    erow = {int(x): i for i, x in enumerate(entries.labels)}
    enc = matcher.encoder.encode
    cal_in = Part(enc(in_q.texts), entries, bvec, [erow.get(x, -1) if x is not None else -1 for x in in_q.own_label],
                  [-1] * len(in_q), expected=in_q.expected)
    none_vectors = np.stack([bvec[brow[x]] if x in brow else enc([t])[0] for t, x in zip(none_q.texts, none_q.own_label)])
    cal_none = Part(none_vectors, entries, bvec, [-1] * len(none_q), [brow.get(x, -1) for x in none_q.own_label],
                    expected=none_q.expected)
    shop_texts = set(matcher.index.texts.values())
    in_scope = [(t, e) for t, e in spec["in_scope"] if normalize_text(t) not in shop_texts]
    _, drawn = om.draw_offtopic(spec, matcher, len(in_scope), 10.0)
    ids = {s.text: s.id for s in store.standards(shop_id)}  # the mix names its expected standard question
    n_mix = len(in_scope) + len(drawn)
    mix = Part(enc([t for t, _ in in_scope] + [t for t, _ in drawn]), entries, bvec, [-1] * n_mix, [-1] * n_mix,
               expected=[ids.get(e, -1) for _, e in in_scope] + [None] * len(drawn))
    none_label = np.asarray([x if x is not None else -1 for x in none_q.own_label])
    out = {"shop": name, "n_in_scope_calibration": len(in_q), "n_none_calibration": len(none_q),
           "n_mix_in_scope": len(in_scope), "n_mix_offtopic": len(drawn),
           "top1": {"calibration": float(cal_in.correct.mean()), "mix": float(mix.correct[~mix.none].mean())}}

    # Which built-in messages each shadow line takes away, from the built-in set's best shop score.
    bmat = class_score_matrix(bvec, entries, "best", np.full(len(bvec), -1))
    best, best_class = bmat.max(axis=1), entries.classes[bmat.argmax(axis=1)]
    siblings = {}
    for c in np.unique(entries.owners):
        group = entries.vectors[entries.owners == c]
        if len(group) > 1:
            sims = group @ group.T
            np.fill_diagonal(sims, -np.inf)
            siblings[int(c)] = sims.max(axis=1)
    every = np.concatenate(list(siblings.values()))
    policies = {f"global line, quantile {q}": best >= np.quantile(every, q) for q in GLOBAL_QUANTILES}
    for q in CLASS_QUANTILES:
        lines = {c: np.quantile(v, q) for c, v in siblings.items()}
        policies[f"per-class line, quantile {q}"] = np.asarray([b >= lines.get(int(c), 9.0)
                                                                for b, c in zip(best, best_class)])
    product = best >= shadow_score(entries.vectors, entries.owners)
    assert (product == policies["global line, quantile 0.5"]).all()

    top = best_on_mix(mix, ~product)
    out["mix_best"] = top
    if top is not None:
        calib = Scored.concat(cal_in.scored(~product), cal_none.scored(~product))
        o = outcome(calib, top["answer"], top["margin"], top["guard"], ratio=10.0)
        a = answered(calib, top["answer"], top["margin"], top["guard"])
        inside = ~calib.none
        out["calibration_at_mix_best"] = {
            "coverage": o["coverage"], "in_scope_precision": float((a & calib.correct).sum() / max((a & inside).sum(), 1)),
            "builtin_answered": o["none_answered"], "precision_at_ten_to_one": o["precision_at_ratio"]}
    out["policies"] = []
    for policy, shadowed in policies.items():
        gone = set(labels[shadowed].tolist())
        rows = np.nonzero([x not in gone for x in none_label])[0]
        calib = Scored.concat(cal_in.scored(~shadowed), cal_none.scored(~shadowed, rows))
        t = calibrate(calib, ratio=10.0)
        o = outcome(mix.scored(~shadowed), t["answer"], t["margin"], t["guard"])
        out["policies"].append({
            "policy": policy, "shadowed": int(shadowed.sum()), "none_questions": len(rows),
            "thresholds": {k: t[k] for k in ("answer", "margin", "guard")}, "target_met": not t["note"],
            "calibration": {"precision": t["precision"], "lower_bound": t["precision_lower_bound"],
                            "coverage": t["coverage"]},
            "mix": {"precision": o["precision"], "coverage": o["coverage"],
                    "offtopic_answered": round(o["none_answered"] * len(drawn))}})
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shops", default="demo,smp")
    ap.add_argument("--json", default=str(OUT / "offtopic_views.json"))
    args = ap.parse_args()
    specs = {"demo": om.demo_shop, "smp": om.smp_shop}
    results = []
    for name in args.shops.split(","):
        spec = specs[name]()
        if spec is None or not (OUT / "offtopic_mix" / spec["name"]).is_dir():
            print(f"{name}: skipped (no data in ../shared/datasets, or not trained by bench/offtopic_mix.py)")
            continue
        r = measure_shop(name, spec)
        results.append(r)
        print(f"{name}: top-1 calibration {r['top1']['calibration']:.3f}, mix {r['top1']['mix']:.3f}")
        if r["mix_best"]:
            b, c = r["mix_best"], r["calibration_at_mix_best"]
            print(f"  mix's best: {b['coverage']:.1%} at {b['precision']:.3f} (answer {b['answer']:.3f}, lead "
                  f"{b['margin']}, guard {b['guard']}); calibration there: coverage {c['coverage']:.1%}, in-scope "
                  f"precision {c['in_scope_precision']:.3f}, built-in answered {c['builtin_answered']:.2%}, "
                  f"precision at 10:1 {c['precision_at_ten_to_one']:.3f}")
        for p in r["policies"]:
            t, c, m = p["thresholds"], p["calibration"], p["mix"]
            print(f"  {p['policy']:30s} shadowed {p['shadowed']:4d} | answer {t['answer']:.3f} lead {t['margin']} "
                  f"guard {t['guard']} | calibration {c['precision']:.3f} (bound {c['lower_bound']:.3f}) at "
                  f"{c['coverage']:.1%}{' met' if p['target_met'] else ''} | mix {m['precision']:.3f} at "
                  f"{m['coverage']:.1%}, off-topic answered {m['offtopic_answered']}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
