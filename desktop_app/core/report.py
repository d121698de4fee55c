"""The evaluation report of a model version, and the calibration of its thresholds.

What is scored:

- in-scope questions: the shop's operator-labelled test questions (`test_questions`, expected
  standard question set), or else the version's validation split (held out of training), or for
  the untuned version leave-one-out on operator-written similar questions;
- "none" questions, which must match nothing: the shop's own (expected NULL, e.g. marked in the
  query panel) plus the built-in off-topic set (offtopic.py: chit-chat, assistant commands,
  other businesses' questions...). They are split by a stable hash: the calibration half chooses
  the thresholds, the report half measures them. Never the same ones. The built-in ones are also
  entries of the off-topic index: scored as held-out questions, each leaves its own entry out.

Both scoring rules are reported: a standard question scores as its best entry (what queries use)
and as the centroid of its entries. The untuned base encoder is scored the same way, side by
side, and so are standard questions added after the version was trained (open set: the index
knows them, the encoder never saw them). Test questions that have since become shop questions
are left out (they would be trained on).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .calibration import GUARD_OFF, Scored, answered, calibrate, calibration_half, curve, outcome
from .model_files import base_onnx_dir
from .normalize import normalize_text
from .offtopic import (BUILTIN_BASE, BuiltinVectorCache, best_shop_scores, builtin_label, builtin_outside,
                       nearest_offtopic, shadow_score, training_offtopic)
from .reporter import NULL, Reporter
from .traffic_mix import TrafficMix, shop_mix
from .twins import NO_TWINS, Twins

UNTUNED_NONE_MAX = 300  # per half, for the side-by-side untuned encoder (it embeds them itself)
HIST_BINS = 40
TOP_CONFUSED = 10
OFFTOPIC_EXAMPLES = 8  # off-topic messages answered at the chosen setting, shown in the report
LOO_MAX = 1500


@dataclass
class Questions:
    """Held-out questions: normalised texts, expected standard ids (None: must match nothing),
    and for leave-one-out the label of the query's own index entry (or None)."""

    texts: list[str] = field(default_factory=list)
    expected: list[int | None] = field(default_factory=list)
    own_label: list[int | None] = field(default_factory=list)
    origin: str = ""

    def add(self, text: str, expected: int | None, own_label: int | None = None) -> None:
        self.texts.append(text)
        self.expected.append(expected)
        self.own_label.append(own_label)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, keep) -> "Questions":
        q = Questions(origin=self.origin)
        for i in range(len(self)):
            if keep(i):
                q.add(self.texts[i], self.expected[i], self.own_label[i])
        return q


# ----------------------------------------------------------------------------- scoring
@dataclass
class Entries:
    """The index entries a model scores against: vectors, owning standard id, index label."""

    vectors: np.ndarray
    owners: np.ndarray
    labels: np.ndarray

    @property
    def classes(self) -> np.ndarray:
        return np.unique(self.owners)


def class_score_matrix(queries: np.ndarray, entries: Entries, rule: str, exclude: np.ndarray) -> np.ndarray:
    """(queries, classes) scores; `exclude[i]` is the row of query i's own entry or -1.

    best: a class scores as its best entry; centroid: as the cosine to its normalised mean entry.
    """
    classes = entries.classes
    sims = queries @ entries.vectors.T
    rows = np.nonzero(exclude >= 0)[0]
    out = np.full((len(queries), len(classes)), -np.inf, dtype=np.float32)
    if rule == "best":
        sims[rows, exclude[rows]] = -np.inf
        for j, c in enumerate(classes):
            out[:, j] = sims[:, entries.owners == c].max(axis=1)
        return out
    for j, c in enumerate(classes):
        members = entries.owners == c
        total = entries.vectors[members].sum(axis=0)
        count = np.full(len(queries), members.sum(), dtype=np.float32)
        sums = np.repeat(total[None, :], len(queries), axis=0)
        mine = rows[entries.owners[exclude[rows]] == c]  # leave-one-out: without the query's own entry
        sums[mine] -= entries.vectors[exclude[mine]]
        count[mine] -= 1
        norms = np.linalg.norm(sums, axis=1)
        ok = (count > 0) & (norms > 0)
        out[ok, j] = np.einsum("ij,ij->i", queries[ok], sums[ok]) / norms[ok]
    return out


def score(queries: np.ndarray, questions: Questions, entries: Entries, rule: str) -> dict:
    """Per question: predicted class, s1, s2, rank of the expected class (0-based, -1 none)."""
    label_row = {int(lab): i for i, lab in enumerate(entries.labels)}
    exclude = np.asarray([label_row.get(lab, -1) if lab is not None else -1 for lab in questions.own_label],
                         dtype=np.int64)  # an index even when there are no questions (an empty none half)
    mat = class_score_matrix(queries, entries, rule, exclude)
    classes = entries.classes
    order = np.argsort(-mat, axis=1)
    s1 = mat[np.arange(len(mat)), order[:, 0]] if len(mat) else np.zeros(0)
    s2 = mat[np.arange(len(mat)), order[:, 1]] if mat.shape[1] > 1 else np.full(len(mat), -1.0)
    col = {int(c): j for j, c in enumerate(classes)}
    ranks = np.full(len(mat), -1)
    for i, exp in enumerate(questions.expected):
        if exp is not None and exp in col:
            ranks[i] = int(np.nonzero(order[i] == col[exp])[0][0])
    second = classes[order[:, 1]] if len(mat) and mat.shape[1] > 1 else np.full(len(mat), -1)
    return {"pred": classes[order[:, 0]] if len(mat) else np.zeros(0, int), "second": second, "s1": s1,
            "s2": np.where(np.isfinite(s2), s2, -1.0), "rank": ranks, "best_wrong": _best_wrong(mat, questions, col)}


def _best_wrong(mat, questions, col) -> np.ndarray:
    out = np.full(len(mat), np.nan)
    for i, exp in enumerate(questions.expected):
        row = mat[i].copy()
        if exp is not None and exp in col:
            row[col[exp]] = -np.inf
        if np.isfinite(row).any():
            out[i] = row.max()
    return out


def as_scored(result: dict, questions: Questions, twins: Twins = NO_TWINS, n1: np.ndarray | None = None) -> Scored:
    """`twins`: the matcher's; a question whose top two are twins is never answered outright.
    `n1`: each question's nearest known off-topic score (None: the guard is not used)."""
    none = np.asarray([e is None for e in questions.expected], dtype=bool)
    twin = np.asarray([twins(int(a), int(b)) for a, b in zip(result["pred"], result["second"])], dtype=bool)
    return Scored(s1=np.asarray(result["s1"], dtype=float), margin=np.asarray(result["s1"] - result["s2"], float),
                  correct=(result["rank"] == 0) & ~none, top3=(result["rank"] >= 0) & (result["rank"] < 3) & ~none,
                  none=none, twin=twin, n1=n1)


def metrics(result: dict, questions: Questions) -> dict:
    """top-1, top-3, MRR over the in-scope questions."""
    in_scope = np.asarray([e is not None for e in questions.expected], dtype=bool)
    ranks = result["rank"][in_scope]
    if not len(ranks):
        return {"n": 0}
    rr = np.where(ranks >= 0, 1.0 / (ranks + 1), 0.0)
    return {"n": int(len(ranks)), "top1": round(float((ranks == 0).mean()), 4),
            "top3": round(float(((ranks >= 0) & (ranks < 3)).mean()), 4), "mrr": round(float(rr.mean()), 4)}


def per_class(result: dict, questions: Questions, names: dict[int, str]) -> list[dict]:
    """Precision / recall / F1 of each standard question from the top-1 predictions."""
    expected = [e for e in questions.expected]
    pred = [int(p) for p in result["pred"]]
    rows = []
    for sid in sorted({e for e in expected if e is not None}):
        tp = sum(1 for e, p in zip(expected, pred) if e == sid and p == sid)
        support = sum(1 for e in expected if e == sid)
        predicted = sum(1 for e, p in zip(expected, pred) if p == sid and e is not None)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"id": sid, "text": names.get(sid, "?"), "support": support, "precision": round(precision, 4),
                     "recall": round(recall, 4), "f1": round(f1, 4)})
    return rows


def confused(result: dict, questions: Questions, names: dict[int, str]) -> list[dict]:
    pairs = Counter((e, int(p)) for e, p in zip(questions.expected, result["pred"]) if e is not None and e != int(p))
    return [{"expected_id": e, "expected": names.get(e, "?"), "predicted_id": p, "predicted": names.get(p, "?"),
             "count": n} for (e, p), n in pairs.most_common(TOP_CONFUSED)]


def histograms(result: dict, questions: Questions) -> dict:
    """Counts of the right standard question's score when top-1 is right ("matched"), of the best
    wrong standard question's score, and of "none" questions' top-1 score."""
    s1, ranks, wrong = result["s1"], result["rank"], result["best_wrong"]
    none = np.asarray([e is None for e in questions.expected], dtype=bool)
    values = np.concatenate([s1, wrong[np.isfinite(wrong)]]) if len(s1) else np.zeros(1)
    lo = float(np.floor(min(values.min(), 0.99) * 50) / 50)
    bins = np.linspace(lo, 1.0, HIST_BINS + 1)
    count = lambda x: np.histogram(np.clip(x, lo, 1.0), bins=bins)[0].tolist()  # noqa: E731
    return {"bins": [round(float(b), 4) for b in bins], "matched": count(s1[(ranks == 0) & ~none]),
            "best_wrong": count(wrong[~none & np.isfinite(wrong)]), "none": count(s1[none])}


# ----------------------------------------------------------------------------- gathering
def entries_from_matcher(matcher) -> Entries:
    matcher.refresh()
    owner = matcher._owner
    labels = np.asarray(sorted(owner), dtype=np.int64)
    return Entries(matcher.index.vectors(labels.tolist()), np.asarray([owner[int(lab)] for lab in labels]), labels)


def none_questions(store, shop_id: int, shop_texts: set[str], trained: frozenset[str] = frozenset()
                   ) -> tuple[Questions, int]:
    """The shop's none questions and the built-in off-topic set, less the messages the version was
    trained on (`trained`, outlier exposure); (questions, how many built in). A built-in one
    carries its off-topic index label as `own_label`."""
    q = Questions(origin="none")
    own = [t.norm for t in store.test_questions(shop_id) if t.expected_id is None and t.norm not in shop_texts]
    for text in own:
        q.add(text, None)
    builtin = 0
    taken = set(own) | trained
    # The same built-in messages as the off-topic index holds: compared as plain text instead,
    # smp2019-as-a-shop's 红烧排骨怎么做 (its similar question 红烧排骨怎么做？) was a none question.
    for text in builtin_outside(shop_texts):
        if text not in taken:
            q.add(text, None, builtin_label(text))
            builtin += 1
    return q, builtin


def none_vectors(encoder, questions: Questions, index) -> np.ndarray:
    """Embeddings of none questions, taken from the off-topic index where it holds them (same
    encoder): the built-in set is embedded once per version, not once per report."""
    vectors = np.zeros((len(questions), encoder.dim), dtype=np.float32)
    todo = []
    for i, (text, lab) in enumerate(zip(questions.texts, questions.own_label)):
        if lab is not None and index.texts.get(lab) == text:
            vectors[i] = index.vectors([lab])[0]
        else:
            todo.append(i)
    if todo:
        vectors[todo] = encoder.encode([questions.texts[i] for i in todo])
    return vectors


def in_scope_questions(store, shop_id: int, version, shop_texts: set[str], enabled: set[int],
                       entries: Entries) -> Questions:
    tests = [t for t in store.test_questions(shop_id)
             if t.expected_id is not None and t.expected_id in enabled and t.norm not in shop_texts]
    if tests:
        q = Questions(origin="test questions")
        for t in tests:
            q.add(t.norm, t.expected_id)
        return q
    held = version.metrics.get("heldout") or []
    if held:
        # Validation questions are shop questions held out of training: the index holds them
        # too, so each is scored without its own entry.
        from .store import similar_label

        label_of = {normalize_text(s.text): similar_label(s.id) for s in store.similars(shop_id=shop_id)
                    if s.status == "accepted"}
        present = set(int(x) for x in entries.labels)
        q = Questions(origin="validation split")
        for text, sid in held:
            label = label_of.get(text)
            if sid in enabled and label in present:
                q.add(text, sid, label)
        if len(q):
            return q
    return leave_one_out(store, shop_id, entries)


def leave_one_out(store, shop_id: int, entries: Entries, only: set[int] | None = None,
                  origin: str = "leave-one-out on similar questions") -> Questions:
    """Operator-written accepted similar questions as queries, each without its own entry."""
    from .store import similar_label

    present = set(int(x) for x in entries.labels)
    q = Questions(origin=origin)
    rows = [s for s in store.similars(shop_id=shop_id, status="accepted") if s.source not in ("rules", "llm")
            and similar_label(s.id) in present and (only is None or s.standard_id in only)]
    rows = sorted(rows, key=lambda s: hashlib.sha1(s.text.encode()).hexdigest())[:LOO_MAX]
    for s in rows:
        q.add(normalize_text(s.text), s.standard_id, similar_label(s.id))
    return q


# ----------------------------------------------------------------------------- the report
def build_report(store, shop_id: int, version, matcher, *, base_encoder=None, reporter: Reporter = NULL,
                 extra_questions: Questions | None = None, mix: TrafficMix | None = None) -> dict:
    """Score a version (through its Matcher), calibrate its thresholds, and report.

    `base_encoder`: the untuned encoder, scored side by side (None: skipped, e.g. for the untuned
    version itself). `extra_questions`: a file of labelled questions given for this report only
    (standardq eval --test), scored instead of the stored in-scope ones. `mix`: the traffic to
    calibrate for (default: measured from the data directory's query log, traffic_mix.py).
    """
    reporter.stage("evaluate")
    mix = mix or shop_mix(store, shop_id)
    entries = entries_from_matcher(matcher)
    lookup = store.standard_lookup(shop_id)
    names = {sid: info["text"] for sid, info in lookup.items()}
    enabled = {sid for sid, info in lookup.items() if info["enabled"]}
    shop_texts = {normalize_text(info["text"]) for info in lookup.values()}
    shop_texts |= {normalize_text(s.text) for s in store.similars(shop_id=shop_id)}
    in_scope = extra_questions or in_scope_questions(store, shop_id, version, shop_texts, enabled, entries)
    trained = frozenset(training_offtopic()) if (version.params or {}).get("offtopic_weight") else frozenset()
    nones, builtin = none_questions(store, shop_id, shop_texts, trained)
    if extra_questions is not None:  # the file's own none questions join the report half
        nones = Questions(origin="none")
        for text, exp in zip(extra_questions.texts, extra_questions.expected):
            if exp is None:
                nones.add(text, None)
        in_scope = extra_questions.subset(lambda i: extra_questions.expected[i] is not None)
        builtin = 0
    calib_none = nones.subset(lambda i: calibration_half(nones.texts[i]))
    report_none = nones.subset(lambda i: not calibration_half(nones.texts[i]))
    if extra_questions is not None:  # a given file is for measuring: calibrate on the built-in set
        calib_none, _ = none_questions(store, shop_id, shop_texts, trained)
        calib_none = calib_none.subset(lambda i: calibration_half(calib_none.texts[i]))
    reporter.check_cancel()

    models = {"fine_tuned" if version.loss != "none" else "untuned": (matcher.encoder, entries)}
    if base_encoder is not None and version.loss != "none":
        models["untuned"] = (base_encoder, None)
    report = {"version": version.id, "held_out": {
        "in_scope": in_scope.origin, "n_in_scope": len(in_scope), "n_none_calibration": len(calib_none),
        "n_none_report": len(report_none), "builtin_none": builtin}, "models": {}}
    main = None
    known = matcher.offtopic_index
    known_labels = np.asarray(sorted(known.texts), dtype=np.int64)
    known_vectors = known.vectors(known_labels.tolist())
    # Built-in messages this shop's model puts inside one of its standard questions are the
    # shop's business (offtopic.SHADOW_QUANTILE): not off-topic neighbours, not none questions.
    shadow = shadow_score(entries.vectors, entries.owners)
    if shadow is not None and len(known_labels):
        inside = (best_shop_scores(known_vectors, entries.vectors) >= shadow) & (known_labels >= BUILTIN_BASE)
        shadowed = {int(x) for x in known_labels[inside]}
        known_labels, known_vectors = known_labels[~inside], known_vectors[~inside]
        before = len(calib_none) + len(report_none)
        calib_none = calib_none.subset(lambda i: calib_none.own_label[i] not in shadowed)
        report_none = report_none.subset(lambda i: report_none.own_label[i] not in shadowed)
        report["held_out"].update(n_none_calibration=len(calib_none), n_none_report=len(report_none),
                                  builtin_shadowed=before - len(calib_none) - len(report_none))
    for name, (encoder, ents) in models.items():
        is_main = main is None
        cal_q, rep_q = calib_none, report_none
        if ents is None:  # the untuned encoder embeds the same entries itself
            texts = [matcher.index.texts[int(lab)] for lab in entries.labels]
            ents = Entries(encoder.encode(texts), entries.owners, entries.labels)
            cal_q = calib_none.subset(lambda i: i < UNTUNED_NONE_MAX)
            rep_q = report_none.subset(lambda i: i < UNTUNED_NONE_MAX)
        empty = np.zeros((0, ents.vectors.shape[1]), np.float32)
        q_in = encoder.encode(in_scope.texts) if len(in_scope) else empty
        q_cal = none_vectors(encoder, cal_q, known) if is_main and len(cal_q) else (
            encoder.encode(cal_q.texts) if len(cal_q) else empty)
        q_rep = none_vectors(encoder, rep_q, known) if is_main and len(rep_q) else (
            encoder.encode(rep_q.texts) if len(rep_q) else empty)
        reporter.check_cancel()
        # The off-topic guard needs the known off-topic messages in this encoder's space: the
        # main model's are in its off-topic index; the untuned one is scored without the guard.
        n1 = (lambda q, qs: nearest_offtopic(q, known_vectors, known_labels, qs.own_label)) if is_main else (
            lambda q, qs: None)
        block = {}
        for rule in ("best", "centroid"):
            r_in = score(q_in, in_scope, ents, rule)
            block[rule] = metrics(r_in, in_scope)
            if rule == "best":
                twins = matcher.twins
                scored_in = as_scored(r_in, in_scope, twins, n1(q_in, in_scope))
                r_cal = score(q_cal, cal_q, ents, rule)
                scored_cal = as_scored(r_cal, cal_q, twins, n1(q_cal, cal_q))
                calib = Scored.concat(scored_in, scored_cal)
                r_rep = score(q_rep, rep_q, ents, rule)
                measured = Scored.concat(scored_in, as_scored(r_rep, rep_q, twins, n1(q_rep, rep_q)))
                thresholds = calibrate(calib, ratio=mix.ratio)
                if is_main and shadow is not None:
                    thresholds["shadow"] = round(shadow, 4)
                block["thresholds"] = thresholds
                setting = (thresholds["answer"], thresholds.get("margin", 0.0), thresholds.get("guard", GUARD_OFF))
                block["on_report_half"] = outcome(measured, *setting, ratio=mix.ratio)
                block["on_report_half"]["offtopic_ratio"] = mix.ratio
                block["none_top1"] = {"n": len(rep_q), "answered": block["on_report_half"]["none_answered"]}
                if main is None:
                    main = (r_in, r_rep, calib, thresholds, ents)
                    report["offtopic_answered"] = offtopic_answered(r_cal, scored_cal, cal_q, setting, names)
        report["models"][name] = block
    r_in, r_rep, calib, thresholds, ents = main
    first = next(iter(report["models"]))
    report["main"] = first
    report["thresholds"] = thresholds
    report["traffic_mix"] = {**mix.to_dict(), "text": mix.describe()}
    report["curve"] = curve(calib, thresholds.get("margin", 0.0), guard=thresholds.get("guard", GUARD_OFF),
                            ratio=mix.ratio)
    report["per_class"] = per_class(r_in, in_scope, names)
    report["confused"] = confused(r_in, in_scope, names)
    both = Questions(texts=in_scope.texts + report_none.texts, expected=in_scope.expected + report_none.expected,
                     own_label=in_scope.own_label + report_none.own_label)
    merged = {k: np.concatenate([r_in[k], r_rep[k]]) for k in ("s1", "rank", "best_wrong")}
    report["histograms"] = histograms(merged, both)
    report["open_set"] = open_set(store, shop_id, version, models, entries, matcher)
    return report


def offtopic_answered(result: dict, scored: Scored, questions: Questions, setting: tuple, names: dict,
                      limit: int = OFFTOPIC_EXAMPLES) -> list[dict]:
    """The calibrating none questions that the chosen setting answers, most confident first: what the
    precision at ten to one is paying for. The operator sees whether they are near misses to turn away
    or the shop's own business (a voice-assistant shop's 红烧排骨怎么做 is a question it answers)."""
    hits = np.nonzero(answered(scored, *setting) & scored.none)[0]
    hits = hits[np.argsort(-scored.s1[hits])][:limit]
    return [{"text": questions.texts[i], "standard": names.get(int(result["pred"][i]), ""),
             "score": round(float(scored.s1[i]), 4)} for i in hits]


def open_set(store, shop_id: int, version, models: dict, entries: Entries, matcher) -> dict | None:
    """Top-1 on standard questions the version never trained on (added since), both encoders."""
    trained = version.metrics.get("trained_ids")
    if trained is None or version.loss == "none":
        return None
    new = {int(s) for s in entries.classes} - set(trained)
    if not new:
        return {"n_classes": 0}
    tests = [t for t in store.test_questions(shop_id) if t.expected_id in new]
    if tests:
        q = Questions(origin="test questions")
        for t in tests:
            q.add(t.norm, t.expected_id)
    else:
        q = leave_one_out(store, shop_id, entries, only=new)
    out = {"n_classes": len(new), "n_questions": len(q), "origin": q.origin}
    if not len(q):
        return out
    for name, (encoder, ents) in models.items():
        if ents is None:
            texts = [matcher.index.texts[int(lab)] for lab in entries.labels]
            ents = Entries(encoder.encode(texts), entries.owners, entries.labels)
        r = score(encoder.encode(q.texts), q, ents, "best")
        out[name] = metrics(r, q)
    return out


def base_encoder_for(version, reporter: Reporter = NULL, encoder_factory=None):
    """The untuned encoder of a version's base model (float32), for the side-by-side scores
    (`encoder_factory` as for Matcher: the GUI opens it in a child process)."""
    from .runtime import OnnxEncoder

    folder = Path(base_onnx_dir(version.base_model, reporter))
    encoder = (encoder_factory or OnnxEncoder)(folder, variant="float32")
    try:
        return BuiltinVectorCache(encoder, folder)
    except (AttributeError, KeyError, OSError):  # an encoder that does not say which graph it runs
        return encoder
