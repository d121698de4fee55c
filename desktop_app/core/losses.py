"""The loss family, built on pytorch-metric-learning: classification heads and pair losses.

Classification heads own a class-weight matrix (it goes into the optimiser with its own learning
rate) and start at the untuned encoder's class centroids (see training.py):

- softmax: normalised softmax, no margin (the baseline: CosFace with m = 0);
- sphereface: multiplicative angular margin, cos(m·θ) for the right class (m an integer ≥ 1);
- cosface: additive cosine margin, cos θ − m (CosFace / AM-Softmax);
- arcface: additive angular margin, cos(θ + m) (the default);
- subcenter_arcface: ArcFace with K sub-centres per class: a noisy (e.g. generated) similar
  question can sit at a minor sub-centre instead of dragging the class; those far from their
  class's dominant sub-centre are reported as outliers.

Pair losses compare embeddings within a batch (no head); the sampler puts `m_per_class` examples
of several classes in every batch (training.class_batches):

- contrastive: pulls positive pairs above `pos_margin`, pushes negatives below the margin;
- triplet: triplet margin loss on the semi-hard triplets a miner picks;
- npair: N-pair loss (one positive per anchor, the other classes' as negatives);
- lifted: lifted structure loss (a soft max over all negatives of a positive pair);
- multi_similarity: multi-similarity loss on the pairs its miner picks.

All use cosine similarity on the L2-normalised embeddings (lifted: Euclidean distance between
them). The scale s = 32 suits tens to hundreds of standard questions: the bound of Wang et al.
(NormFace) for C = 50 classes at 90 % class probability is s ≥ 6; face recognition's 64 is for
classes by the hundred thousand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LossSpec:
    name: str
    kind: str  # "head" or "pair"
    margin: float | None  # the default margin; None: the loss has none
    unit: str = ""  # what the margin means, for the operator
    low: float = 0.0  # valid margins: low <= m < high
    high: float = 1.0


LOSS_SPECS: dict[str, LossSpec] = {s.name: s for s in (
    LossSpec("arcface", "head", 0.2, "rad (added to the angle)", 0.0, 1.5),
    LossSpec("subcenter_arcface", "head", 0.2, "rad (added to the angle)", 0.0, 1.5),
    LossSpec("cosface", "head", 0.2, "subtracted from the cosine", 0.0, 1.0),
    LossSpec("sphereface", "head", 2.0, "times the angle (an integer)", 1.0, 5.0),
    LossSpec("softmax", "head", None),
    LossSpec("contrastive", "pair", 0.5, "cosine negatives are pushed below", -1.0, 1.0),
    LossSpec("triplet", "pair", 0.1, "cosine gap between positive and negative", 0.0, 1.0),
    LossSpec("npair", "pair", None),
    LossSpec("lifted", "pair", 1.0, "distance negatives are pushed beyond", 0.0, 2.0),
    LossSpec("multi_similarity", "pair", None),
)}
LOSSES = tuple(LOSS_SPECS)
TITLES = {"arcface": "ArcFace", "subcenter_arcface": "Sub-center ArcFace", "cosface": "CosFace",
          "sphereface": "SphereFace", "softmax": "Softmax", "contrastive": "Contrastive", "triplet": "Triplet",
          "npair": "N-pair", "lifted": "Lifted structure", "multi_similarity": "Multi-similarity"}

SUB_CENTERS = 3
OUTLIER_ANGLE = 75.0  # degrees from the dominant sub-centre (pml's default threshold)
CONTRASTIVE_POS_MARGIN = 0.9  # positives already this similar are left alone


def check_margin(loss: str, margin: float | None) -> None:
    spec = LOSS_SPECS[loss]
    if margin is None or spec.margin is None:
        return
    if not spec.low <= margin < spec.high:
        raise ValueError(f"the {loss} margin must be in [{spec.low:g}, {spec.high:g}), got {margin}")
    if loss == "sphereface" and margin != int(margin):
        raise ValueError(f"the sphereface margin multiplies the angle: an integer, got {margin}")


def is_pair_loss(loss: str) -> bool:
    return LOSS_SPECS[loss].kind == "pair"


def build_loss(config, n_classes: int, dim: int, centroids: np.ndarray | None = None):
    """A torch module `loss(embeddings, labels) -> scalar` for `config.loss`."""
    import torch
    from pytorch_metric_learning import distances, losses, miners

    from .pair_loss import PairLoss

    name, scale = config.loss, config.scale
    margin = config.loss_margin()
    cosine = distances.CosineSimilarity()
    if name == "arcface":  # pml takes the additive angular margin in degrees
        head = losses.ArcFaceLoss(n_classes, dim, margin=math.degrees(margin), scale=scale)
    elif name == "subcenter_arcface":
        head = losses.SubCenterArcFaceLoss(num_classes=n_classes, embedding_size=dim, margin=math.degrees(margin),
                                           scale=scale, sub_centers=SUB_CENTERS)
    elif name == "cosface":
        head = losses.CosFaceLoss(n_classes, dim, margin=margin, scale=scale)
    elif name == "sphereface":
        head = losses.SphereFaceLoss(n_classes, dim, margin=int(margin), scale=scale)
    elif name == "softmax":
        head = losses.CosFaceLoss(n_classes, dim, margin=0.0, scale=scale)
    elif name == "contrastive":
        return PairLoss(losses.ContrastiveLoss(pos_margin=CONTRASTIVE_POS_MARGIN, neg_margin=margin, distance=cosine))
    elif name == "triplet":
        return PairLoss(losses.TripletMarginLoss(margin=margin, distance=cosine),
                        miners.TripletMarginMiner(margin=margin, type_of_triplets="semihard", distance=cosine))
    elif name == "npair":
        return PairLoss(losses.NPairsLoss())
    elif name == "lifted":
        return PairLoss(losses.LiftedStructureLoss(neg_margin=margin, pos_margin=0.0))
    elif name == "multi_similarity":
        return PairLoss(losses.MultiSimilarityLoss(alpha=2, beta=50, base=0.5),
                        miners.MultiSimilarityMiner(epsilon=0.1))
    else:
        raise ValueError(f"unknown loss '{name}'")
    if centroids is not None:
        w = torch.nn.functional.normalize(torch.as_tensor(centroids, dtype=torch.float32), dim=1)
        if name == "subcenter_arcface":
            # K copies of each centroid, class-major as pml expects, nudged apart so they can diverge.
            gen = torch.Generator().manual_seed(int(config.seed))
            w = w.repeat_interleave(SUB_CENTERS, dim=0)
            w = torch.nn.functional.normalize(w + 0.01 * torch.randn(w.shape, generator=gen), dim=1)
        with torch.no_grad():
            head.W.copy_(w.T.contiguous())  # pml stores W as (dim, classes)
    return head


def subcenter_outliers(head, embeddings, labels) -> list[int]:
    """Rows whose angle to their class's dominant sub-centre exceeds OUTLIER_ANGLE (sub-center ArcFace)."""
    import torch

    emb = torch.as_tensor(np.asarray(embeddings), dtype=torch.float32)
    lab = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    outliers, _ = head.get_outliers(emb, lab, threshold=OUTLIER_ANGLE)
    return sorted(int(i) for i in outliers.tolist())
