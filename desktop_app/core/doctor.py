"""The data doctor: what in a shop's questions will confuse training or matching, to fix first.

Findings, most serious first:

- problem `duplicate_across`: the same similar question (after normalisation with punctuation
  removed) under two standard questions: the model is taught that one text means two things, and
  queries whose top two they are get suggested, never answered (twins.py);
- problem `near_duplicate`: nearly the same (cosine >= NEAR_DUPLICATE) under two standard
  questions;
- warning `far_similar`: a similar question that sits clearly closer (by FAR_GAP in cosine) to
  another standard question's entries than to any of its own: mislabelled, or a standard
  question that needs splitting;
- warning `subcenter_outlier`: one that sub-center ArcFace put far from its class's main
  sub-centre (noisy, e.g. a bad generated paraphrase);
- warning `close_standards`: two standard questions whose centroids point nearly the same way
  (cosine >= CLOSE_STANDARDS) and whose entries mix (at least CONFUSED_SHARE of one's entries
  nearer the other's centroid than their own): likely the same question;
- warning `catch_all`: a standard question that is the nearest one, at a score that would at
  least be suggested, for many known off-topic messages (offtopic.py): chit-chat and other
  businesses' requests drift to it ("如何联系人工客服" drew "请你跟我讲话"); it needs sharper
  similar questions, and the shop's own negatives near it;
- warning / info `too_few`: fewer than MIN_SIMILAR accepted similar questions (below 5 none are
  held out for validation, and fine-tuning learns little from one or two).

Each finding carries its facts in `args` (texts, numbers) so a GUI can word it in its own
language; `message` is the English sentence the CLI prints. Embeddings come from the shop's
active model (its index): one pass of nearest-neighbour searches, no encoding. Plain function;
the GUI runs it in a worker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .normalize import dedup_key
from .reporter import NULL, Reporter
from .store import similar_label, standard_label

NEAR_DUPLICATE = 0.97
CLOSE_STANDARDS = 0.95
CONFUSED_SHARE = 0.25  # close_standards: this share of one's entries nearer the other's centroid
MAX_CANDIDATES = 5000
FAR_GAP = 0.05
MIN_SIMILAR = 5
CATCH_ALL_SHARE = 0.01  # catch_all: this share of the known off-topic messages lands on one question
CATCH_ALL_MIN = 5
NEIGHBOURS = 10
MAX_PER_KIND = 50
SEVERITY = {"problem": 0, "warning": 1, "info": 2}


MESSAGES = {
    "duplicate_across": "{texts} belong to {n} standard questions: {standards}; queries that match them are "
                        "suggested, not answered",
    "near_duplicate": "“{a}” (of “{a_standard}”) and “{b}” (of “{b_standard}”) are nearly the same (cosine {cosine:.3f})",
    "far_similar": "“{text}” sits closer to “{other}” than to its own standard question “{own}” (by {gap:.3f})",
    "subcenter_outlier": "“{text}” is far from the main sub-centre of “{own}” (sub-center ArcFace)",
    "close_standards": "“{a}” and “{b}” are very close (centroid cosine {cosine:.3f}): the same question, or in "
                       "need of more distinct similar questions",
    "catch_all": "“{standard}” draws off-topic messages: {n} of {total} known ones land on it at {score:.2f} or "
                 "more, e.g. {examples}; give it sharper similar questions and mark such messages as matching "
                 "nothing",
    "too_few": "“{standard}” has {n} similar questions; {min} or more train it well",
}


@dataclass
class Finding:
    kind: str
    severity: str
    args: dict
    standard_ids: list[int] = field(default_factory=list)
    similar_ids: list[int] = field(default_factory=list)
    score: float | None = None

    @property
    def message(self) -> str:
        return MESSAGES[self.kind].format(**self.args)

    def to_dict(self) -> dict:
        return {**asdict(self), "message": self.message}


def examine(store, shop_id: int, matcher=None, outliers=(), reporter: Reporter = NULL) -> list[Finding]:
    """Findings for a shop, most serious first. `matcher`: the shop's open Matcher (None: text
    checks only). `outliers`: training texts sub-center ArcFace flagged (version metrics)."""
    reporter.stage("check data")
    standards = {sq.id: sq for sq in store.standards(shop_id) if sq.enabled}
    similars = [s for s in store.similars(shop_id=shop_id, status="accepted") if s.standard_id in standards]
    findings: list[Finding] = []
    findings += _text_duplicates(standards, similars)
    findings += _too_few(standards, similars)
    if matcher is not None:
        reporter.check_cancel()
        findings += _embedding_checks(matcher, standards, similars, outliers, reporter)
        findings += _catch_all(matcher, standards, reporter)
    findings.sort(key=lambda f: (SEVERITY[f.severity], -(f.score or 0.0)))
    return findings


def examine_shop(store, shop_id: int, reporter: Reporter = NULL, encoder_factory=None,
                 matcher=None) -> tuple[list[Finding], bool]:
    """`examine` with the shop's active model when it has one (its embeddings and training
    outliers), and whether a model took part (without one, only the text checks run)."""
    from .matcher import Matcher, NoModelError

    if matcher is None:
        try:
            matcher = Matcher.open(store, shop_id, encoder_factory=encoder_factory)
        except NoModelError:
            matcher = None
    outliers = (matcher.version.metrics.get("outliers") or []) if matcher is not None else []
    return examine(store, shop_id, matcher, outliers, reporter), matcher is not None


def _text_duplicates(standards, similars) -> list[Finding]:
    by_key: dict[str, list[tuple[int, int | None, str]]] = {}  # key -> (standard id, similar id, text)
    for sq in standards.values():
        by_key.setdefault(dedup_key(sq.text), []).append((sq.id, None, sq.text))
    for s in similars:
        by_key.setdefault(dedup_key(s.text), []).append((s.standard_id, s.id, s.text))
    out = []
    for items in by_key.values():
        owners = sorted({sid for sid, _, _ in items})
        if len(owners) > 1:
            texts = " / ".join(f"“{t}”" for _, _, t in items)
            names = "、".join(f"“{standards[o].text}”" for o in owners)
            out.append(Finding("duplicate_across", "problem", {"texts": texts, "n": len(owners), "standards": names},
                               owners, [i for _, i, _ in items if i is not None], 1.0))
    return out[:MAX_PER_KIND]


def _too_few(standards, similars) -> list[Finding]:
    counts = {sid: 0 for sid in standards}
    for s in similars:
        counts[s.standard_id] += 1
    out = []
    for sid, n in sorted(counts.items(), key=lambda kv: kv[1]):
        if n < MIN_SIMILAR:
            severity = "warning" if n < 3 else "info"
            out.append(Finding("too_few", severity, {"standard": standards[sid].text, "n": n, "min": MIN_SIMILAR},
                               [sid], [], float(n)))
    return out[:MAX_PER_KIND]


def _embedding_checks(matcher, standards, similars, outliers, reporter) -> list[Finding]:
    matcher.refresh()
    owner = matcher._owner  # index label -> standard question id
    labels = [lab for lab, sid in owner.items() if sid in standards]
    if len(labels) < 2:
        return []
    vectors = matcher.index.vectors(labels)
    owners = np.asarray([owner[lab] for lab in labels])
    row_of = {lab: i for i, lab in enumerate(labels)}
    text_of = {similar_label(s.id): (s.id, s.text) for s in similars}
    text_of.update({standard_label(sid): (None, sq.text) for sid, sq in standards.items()})
    out: list[Finding] = []

    # Neighbours of every entry (hnswlib): near duplicates across standard questions, and
    # similar questions whose nearest entries belong to another standard question.
    k = min(NEIGHBOURS + 1, len(labels))
    near: dict[tuple[int, int], tuple[float, int, int]] = {}
    far = []
    for i, lab in enumerate(labels):
        if i % 500 == 0:
            reporter.check_cancel()
        found, scores = matcher.index.search(vectors[i], k)
        own = int(owners[i])
        best_own, best_other, other_sid = -1.0, -1.0, None
        for other_lab, sc in zip(found.tolist(), scores.tolist()):
            if other_lab == lab or other_lab not in row_of:
                continue
            sid = owner[other_lab]
            if sid == own:
                best_own = max(best_own, sc)
            elif sc > best_other:
                best_other, other_sid = sc, sid
            if sid != own and sc >= NEAR_DUPLICATE:
                pair = tuple(sorted((lab, other_lab)))
                near[pair] = (sc, owner[pair[0]], owner[pair[1]])
        if lab % 2 == 1 and other_sid is not None and best_other > best_own:  # a similar question
            # The search saw only k neighbours: confirm against every entry of its own question
            # (but itself, the one at cosine 1).
            own_best = max((float(x) for x in vectors[owners == own] @ vectors[i] if x < 0.99999), default=-1.0)
            if best_other - own_best >= FAR_GAP:
                far.append((best_other - own_best, lab, own, other_sid))
    for (a, b), (sc, sa, sb) in sorted(near.items(), key=lambda kv: -kv[1][0])[:MAX_PER_KIND]:
        ta, tb = text_of.get(a, (None, "?"))[1], text_of.get(b, (None, "?"))[1]
        ids = [x for x in (text_of.get(a, (None,))[0], text_of.get(b, (None,))[0]) if x is not None]
        out.append(Finding("near_duplicate", "problem", {"a": ta, "a_standard": standards[sa].text, "b": tb,
                                                         "b_standard": standards[sb].text, "cosine": round(sc, 4)},
                           sorted({sa, sb}), ids, round(sc, 4)))
    for gap, lab, own, other in sorted(far, reverse=True)[:MAX_PER_KIND]:
        sim_id, text = text_of.get(lab, (None, "?"))
        out.append(Finding("far_similar", "warning", {"text": text, "own": standards[own].text,
                                                      "other": standards[other].text, "gap": round(gap, 4)},
                           [own, other], [sim_id] if sim_id else [], round(gap, 4)))
    flagged = {dedup_key(t) for t in outliers or ()}
    for s in similars:
        if dedup_key(s.text) in flagged:
            out.append(Finding("subcenter_outlier", "warning", {"text": s.text, "own": standards[s.standard_id].text},
                               [s.standard_id], [s.id]))

    # Standard questions whose centroids point the same way. A high centroid cosine alone flags
    # dozens of pairs under an encoder whose cosines all sit high (untuned e5: related questions at
    # 0.97): keep a pair only if it confuses, i.e. a share of one question's entries sit nearer the
    # other's centroid than their own.
    present = [sid for sid in sorted(standards) if (owners == sid).any()]
    groups = [vectors[owners == sid] for sid in present]
    cents = np.stack([g.mean(axis=0) for g in groups])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    own_sims = [_own_centroid_sims(g) for g in groups]
    sims = cents @ cents.T
    np.fill_diagonal(sims, -1)
    rows, cols = np.nonzero(np.triu(sims >= CLOSE_STANDARDS, 1))
    candidates = sorted(((float(sims[r, c]), r, c) for r, c in zip(rows, cols)), reverse=True)
    pairs = []
    for sc, r, c in candidates[:MAX_CANDIDATES]:
        r_to_c = float(np.mean(groups[r] @ cents[c] > own_sims[r]))
        c_to_r = float(np.mean(groups[c] @ cents[r] > own_sims[c]))
        if max(r_to_c, c_to_r) >= CONFUSED_SHARE:
            pairs.append((sc, present[r], present[c]))
    for sc, a, b in pairs[:MAX_PER_KIND]:
        out.append(Finding("close_standards", "warning", {"a": standards[a].text, "b": standards[b].text,
                                                          "cosine": round(sc, 4)}, [a, b], [], round(sc, 4)))
    return out


def _catch_all(matcher, standards, reporter) -> list[Finding]:
    """Standard questions that are the nearest one for many known off-topic messages, at a score
    the thresholds would at least suggest (the guard aside): one search per message."""
    known = getattr(matcher, "offtopic_index", None)
    if known is None or not len(known) or not len(matcher.index):
        return []
    floor = float(matcher.thresholds.get("suggest", 0.8))
    labels = sorted(known.texts)
    vectors = known.vectors(labels)
    hits: dict[int, list[tuple[float, str]]] = {}
    for i, lab in enumerate(labels):
        if i % 500 == 0:
            reporter.check_cancel()
        found, scores = matcher.index.search(vectors[i], 1)
        if len(found) and scores[0] >= floor:
            sid = matcher._owner.get(int(found[0]))
            if sid in standards:
                hits.setdefault(sid, []).append((float(scores[0]), known.texts[lab]))
    need = max(CATCH_ALL_MIN, CATCH_ALL_SHARE * len(labels))
    out = []
    for sid, items in sorted(hits.items(), key=lambda kv: -len(kv[1])):
        if len(items) >= need:
            items.sort(reverse=True)
            examples = "、".join(f"“{t}”" for _, t in items[:3])
            out.append(Finding("catch_all", "warning", {"standard": standards[sid].text, "n": len(items),
                                                        "total": len(labels), "score": floor, "examples": examples},
                               [sid], [], float(len(items))))
    return out[:MAX_PER_KIND]


def _own_centroid_sims(entries: np.ndarray) -> np.ndarray:
    """Each entry's cosine to its question's centroid without it (leave-one-out: an entry does not
    vote for itself); +inf for a lone entry, which no other centroid can then be nearer than."""
    if len(entries) < 2:
        return np.full(len(entries), np.inf)
    own = entries.sum(axis=0, keepdims=True) - entries
    own /= np.maximum(np.linalg.norm(own, axis=1, keepdims=True), 1e-12)
    return np.sum(entries * own, axis=1)


def summary(findings: list[Finding]) -> dict:
    counts = {s: 0 for s in SEVERITY}
    for f in findings:
        counts[f.severity] += 1
    return counts
