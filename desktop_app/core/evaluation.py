"""Scoring held-out questions against index entries, and the default decision thresholds."""

from __future__ import annotations

import numpy as np

TARGET_PRECISION = 0.95


def class_scores(query_emb: np.ndarray, entry_emb: np.ndarray, entry_labels, n_classes: int,
                 exclude_self: np.ndarray | None = None) -> np.ndarray:
    """(queries, classes) matrix: each class scores as its best entry (the runtime's rule).

    `exclude_self[i]` is the column of query i's own entry (leave-one-out), or -1 for none.
    """
    sims = query_emb @ entry_emb.T
    if exclude_self is not None:
        rows = np.nonzero(exclude_self >= 0)[0]
        sims[rows, exclude_self[rows]] = -np.inf
    entry_labels = np.asarray(entry_labels)
    out = np.full((sims.shape[0], n_classes), -np.inf, dtype=np.float32)
    for c in np.unique(entry_labels):
        out[:, c] = sims[:, entry_labels == c].max(axis=1)
    return out


def top1(scores: np.ndarray, labels) -> dict:
    """Prediction, its score, and the best score of a wrong class, per query."""
    labels = np.asarray(labels)
    pred = scores.argmax(axis=1)
    best = scores[np.arange(len(pred)), pred]
    wrong = scores.copy()
    wrong[np.arange(len(labels)), labels] = -np.inf
    return {"pred": pred, "score": best, "correct": pred == labels, "best_wrong": wrong.max(axis=1)}


def top1_accuracy(query_emb, query_labels, entry_emb, entry_labels, n_classes=None, exclude_self=None) -> float:
    if len(query_labels) == 0:
        return float("nan")
    n = n_classes or int(max(np.max(entry_labels), np.max(query_labels))) + 1
    return float(top1(class_scores(query_emb, entry_emb, entry_labels, n, exclude_self), query_labels)["correct"].mean())


def default_thresholds(result: dict) -> dict:
    """A documented default until thresholds are calibrated on 'none' questions.

    answer: the lowest score above which top-1 is right >= 95% of the time on held-out questions,
            raised to the 90th percentile of best-wrong-class scores, because a question whose
            standard question does not exist scores about like the best wrong class;
    suggest: the 5th percentile of correct top-1 scores (below it, even right matches are rare),
             never above `answer`.
    """
    score, correct, wrong = result["score"], result["correct"], result["best_wrong"]
    wrong = wrong[np.isfinite(wrong)]
    if len(score) < 5 or not correct.any():
        return {"answer": 0.9, "suggest": 0.8, "method": "fixed fallback (too few held-out questions)"}
    order = np.argsort(-score)
    hits = np.cumsum(correct[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.nonzero(precision >= TARGET_PRECISION)[0]
    t_precision = float(score[order][ok.max()]) if len(ok) else float(score.max())
    t_answer = max(t_precision, float(np.quantile(wrong, 0.9)) if len(wrong) else t_precision)
    t_suggest = min(t_answer, float(np.quantile(score[correct], 0.05)))
    answered = score >= t_answer
    return {
        "answer": round(t_answer, 4), "suggest": round(t_suggest, 4),
        "method": "held-out precision 95% / best-wrong p90 / correct p05",
        "coverage": float(answered.mean()),
        "precision": float(correct[answered].mean()) if answered.any() else float("nan"),
        "n": int(len(score)),
    }


def decide(score: float | None, thresholds: dict) -> str:
    if score is None:
        return "no_match"
    if score >= thresholds.get("answer", 0.9):
        return "answer"
    if score >= thresholds.get("suggest", 0.8):
        return "suggest"
    return "no_match"
