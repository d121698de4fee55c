"""A pytorch-metric-learning pair loss with its optional miner, called like a head.

Kept apart from losses.py, which the query path imports for the loss names: this one needs torch.
"""

from __future__ import annotations

import torch


class PairLoss(torch.nn.Module):
    """`loss(embeddings, labels)`: the miner (if any) picks the pairs or triplets within the batch."""

    def __init__(self, loss, miner=None):
        super().__init__()
        self.loss = loss
        self.miner = miner

    def forward(self, embeddings, labels):
        pairs = self.miner(embeddings, labels) if self.miner is not None else None
        return self.loss(embeddings, labels, pairs)
