"""Scoring held-out questions against index entries (training and the int8 choice use it;
the full report with both scoring rules and the thresholds is report.py / calibration.py)."""

from __future__ import annotations

import numpy as np


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
