"""Classification heads for metric learning, built on pytorch-metric-learning.

Each head owns its class-weight matrix, which goes into the optimiser with its own learning rate.
The weights start at the untuned encoder's class centroids (see training.py).
"""

from __future__ import annotations

import math

import numpy as np


def build_loss(config, n_classes: int, dim: int, centroids: np.ndarray | None = None):
    import torch
    from pytorch_metric_learning import losses

    if config.loss == "arcface":
        # pml takes the additive angular margin in degrees.
        loss = losses.ArcFaceLoss(n_classes, dim, margin=math.degrees(config.margin), scale=config.scale)
    elif config.loss == "cosface":
        loss = losses.CosFaceLoss(n_classes, dim, margin=config.margin, scale=config.scale)
    elif config.loss == "softmax":
        # Plain normalised softmax: the margin-free baseline (CosFace with m = 0).
        loss = losses.CosFaceLoss(n_classes, dim, margin=0.0, scale=config.scale)
    else:
        raise ValueError(f"unknown loss '{config.loss}'")
    if centroids is not None:
        w = torch.as_tensor(centroids, dtype=torch.float32)
        w = torch.nn.functional.normalize(w, dim=1).T.contiguous()  # pml stores W as (dim, classes)
        with torch.no_grad():
            loss.W.copy_(w)
    return loss
