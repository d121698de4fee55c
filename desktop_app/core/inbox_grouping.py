"""Grouping paraphrases: average-linkage agglomerative clustering on cosine distance (SciPy's
`hierarchy.linkage`, the routine scikit-learn's AgglomerativeClustering runs for average
linkage; tests check the labels equal scikit-learn's), made fast by cutting the problem into
independent pieces first.

Average linkage merges two clusters only when their mean pairwise distance is under the
threshold, which needs at least one pair under it. So every cluster it forms at that cut lies
inside one connected component of the graph "distance < threshold", and clustering each
component on its own gives exactly the clusters of clustering everything at once. The graph is
found with chunked matrix products (BLAS), the components with SciPy; most components of real
traffic hold one or two texts and need no clustering at all. Clustering 10,000 texts at once
takes scikit-learn ~10 s and 800 MB on two cores; this way, about a second. (scikit-learn itself
is not called per component: its parameter checks cost 0.6 ms a call, a second over 1,500 pieces.)

All vectors are unit length (the encoder normalises), so cosine similarity is a dot product.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

CHUNK = 2048  # rows of the similarity matrix computed at once (CHUNK x n float32)
# Texts of one connected piece clustered exactly at once: time and memory grow with its square
# (the condensed distances take 8 bytes a pair and SciPy copies them once: 200 MB at 5,000). A
# bigger piece (traffic that chains together at this distance) is clustered exactly on its first
# MAX_PIECE texts, which the caller orders most asked first; the others then join the cluster
# they are on average closest to, as new arrivals do, or are clustered among themselves.
MAX_PIECE = 5000


def cluster(vectors: np.ndarray, distance: float) -> np.ndarray:
    """Cluster labels 0..k-1 for unit `vectors` (n, d): average linkage, cosine distance, clusters
    merged while their distance is under `distance`."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=np.int64)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    rows, cols = [], []
    for start in range(0, n, CHUNK):  # the upper triangle, block row by block row
        r, c = np.nonzero(x[start:start + CHUNK] @ x[start:].T > 1.0 - distance)
        keep = r < c  # each pair once, no self-pairs
        rows.append(r[keep] + start)
        cols.append(c[keep] + start)
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, component = connected_components(graph, directed=False)

    labels = np.empty(n, dtype=np.int64)
    order = np.argsort(component, kind="stable")  # within a piece: the caller's order
    cuts = np.flatnonzero(np.diff(component[order])) + 1
    next_label = 0
    for members in np.split(order, cuts):
        if len(members) <= 2:  # one text, or two joined by an edge under the threshold: one cluster
            sub = np.zeros(len(members), dtype=np.int64)
        elif len(members) <= MAX_PIECE:
            sub = _average_linkage(x[members], distance)
        else:
            sub = _big_piece(x[members], distance)
        labels[members] = sub + next_label
        next_label += int(sub.max()) + 1
    return labels


def _average_linkage(x: np.ndarray, distance: float) -> np.ndarray:
    """SciPy's average linkage on one piece, cut at `distance`; the condensed distance vector is
    filled block by block (no square float64 matrix, no index arrays)."""
    from scipy.cluster.hierarchy import linkage

    m = len(x)
    condensed = np.empty(m * (m - 1) // 2, dtype=np.float64)
    pos = 0
    for start in range(0, m, CHUNK):
        block = x[start:start + CHUNK] @ x[start:].T
        for i in range(len(block)):
            k = m - start - i - 1
            np.subtract(1.0, block[i, i + 1:], out=condensed[pos:pos + k])
            pos += k
    np.clip(condensed, 0.0, 2.0, out=condensed)
    return _cut(linkage(condensed, method="average"), m, distance)


def _big_piece(x: np.ndarray, distance: float) -> np.ndarray:
    """See MAX_PIECE."""
    head = _average_linkage(x[:MAX_PIECE], distance)
    k = int(head.max()) + 1
    best, score = nearest(x[MAX_PIECE:], centroids(x[:MAX_PIECE], head, k))
    labels = np.concatenate([head, np.where(score > 1.0 - distance, best, -1)])
    rest = np.flatnonzero(labels < 0)
    if len(rest):
        labels[rest] = cluster(x[rest], distance) + k
    return labels


def _cut(tree: np.ndarray, n: int, distance: float) -> np.ndarray:
    """Flat labels 0..k-1 from a linkage tree: the merges under `distance` (scikit-learn's rule;
    fcluster would do, but its checks cost more than the clustering of a small piece)."""
    parent = list(range(2 * n - 1))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step, (a, b, height, _) in enumerate(tree):
        if height >= distance:
            break  # average linkage merges at non-decreasing heights
        parent[root(int(a))] = parent[root(int(b))] = n + step
    roots = [root(i) for i in range(n)]
    return np.unique(roots, return_inverse=True)[1].astype(np.int64)


def medoid(vectors: np.ndarray, weights: np.ndarray | None = None) -> int:
    """Index of the member most similar to all others, each weighted (by how often it was asked):
    argmax_i sum_j w_j cos(i, j) = argmax_i x_i . (sum_j w_j x_j), linear in the group size."""
    w = np.ones(len(vectors), dtype=np.float32) if weights is None else np.asarray(weights, dtype=np.float32)
    return int(np.argmax(vectors @ (w @ vectors)))


def centroids(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """(k, d) mean member vector per label (not re-normalised): x . mean is the average cosine
    similarity of x to the members, the quantity average linkage compares."""
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, labels, vectors)
    counts = np.bincount(labels, minlength=k).astype(np.float32)
    return sums / np.maximum(counts, 1.0)[:, None]


def nearest(vectors: np.ndarray, means: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each vector: the index of the mean it is on average most similar to, and that similarity
    (-inf where there are no means)."""
    if len(means) == 0 or len(vectors) == 0:
        return np.full(len(vectors), -1), np.full(len(vectors), -np.inf)
    best, score = np.empty(len(vectors), dtype=np.int64), np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), CHUNK):
        sims = vectors[start:start + CHUNK] @ means.T
        best[start:start + CHUNK] = sims.argmax(axis=1)
        score[start:start + CHUNK] = sims.max(axis=1)
    return best, score
