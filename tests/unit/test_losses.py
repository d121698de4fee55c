"""The loss family: margins recomputed by hand, every loss trains, the sampler's batches."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch

from desktop_app.core.config import TrainConfig
from desktop_app.core.losses import LOSS_SPECS, LOSSES, build_loss, is_pair_loss
from desktop_app.core.training import class_batches, length_batches, train
from tests.unit.test_training import snapshot

DIM, CLASSES = 8, 3


def unit(x):
    return torch.nn.functional.normalize(torch.as_tensor(x, dtype=torch.float32), dim=1)


@pytest.fixture
def setup():
    g = torch.Generator().manual_seed(0)
    centroids = unit(torch.randn(CLASSES, DIM, generator=g))
    emb = unit(centroids.repeat_interleave(2, dim=0) + 0.3 * torch.randn(2 * CLASSES, DIM, generator=g))
    labels = torch.arange(CLASSES).repeat_interleave(2)
    return centroids, emb, labels


def by_hand(emb, centroids, labels, scale, target_logit):
    """Cross-entropy over scale * cos, the right class's cosine replaced by target_logit(cos)."""
    cos = emb @ centroids.T
    logits = cos.clone()
    rows = torch.arange(len(labels))
    logits[rows, labels] = target_logit(cos[rows, labels])
    return torch.nn.functional.cross_entropy(scale * logits, labels)


@pytest.mark.parametrize("name, margin, target", [
    ("arcface", 0.3, lambda c, m: torch.cos(torch.acos(c) + m)),
    ("cosface", 0.25, lambda c, m: c - m),
    ("softmax", None, lambda c, m: c),
    ("sphereface", 2, lambda c, m: (-1) ** torch.floor(torch.acos(c) / (math.pi / m)) * torch.cos(m * torch.acos(c))
     - 2 * torch.floor(torch.acos(c) / (math.pi / m))),
])
def test_heads_match_their_formula(setup, name, margin, target):
    centroids, emb, labels = setup
    config = TrainConfig(loss=name, margin=margin, scale=16.0)
    head = build_loss(config, CLASSES, DIM, centroids.numpy())
    m = config.loss_margin()
    expected = by_hand(emb, centroids, labels, 16.0, lambda c: target(c, m))
    assert float(head(emb, labels).detach()) == pytest.approx(float(expected), rel=1e-4)


def test_subcenter_arcface_uses_the_best_sub_centre_and_finds_outliers(setup):
    centroids, emb, labels = setup
    config = TrainConfig(loss="subcenter_arcface", scale=16.0)
    head = build_loss(config, CLASSES, DIM, centroids.numpy())
    assert tuple(head.W.shape) == (DIM, CLASSES * 3)
    w = head.W.detach().T.reshape(CLASSES, 3, DIM)
    assert float(torch.nn.functional.cosine_similarity(w[:, 0], centroids).min()) > 0.99  # starts at the centroids
    loss = head(emb, labels)
    assert torch.isfinite(loss)
    odd = torch.cat([emb, unit(-centroids[:1])])  # the opposite of class 0's centroid, labelled class 0
    from desktop_app.core.losses import subcenter_outliers

    assert subcenter_outliers(head, odd.numpy(), torch.cat([labels, torch.tensor([0])]).numpy()) == [2 * CLASSES]


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_gives_a_finite_loss_and_gradients(setup, name):
    centroids, emb, labels = setup
    emb = emb.clone().requires_grad_(True)
    loss_fn = build_loss(TrainConfig(loss=name), CLASSES, DIM, centroids.numpy())
    loss = loss_fn(emb, labels)
    assert torch.isfinite(loss)
    loss.backward()
    assert emb.grad is not None and torch.isfinite(emb.grad).all()
    assert bool(list(loss_fn.parameters())) == (not is_pair_loss(name))  # heads carry class weights


def test_margins_are_checked_per_loss():
    assert TrainConfig().loss_margin() == 0.2 and TrainConfig(loss="sphereface").loss_margin() == 2.0
    assert TrainConfig(loss="npair", margin=0.7).loss_margin() is None  # margin-free: ignored
    with pytest.raises(ValueError, match="sphereface margin multiplies"):
        TrainConfig(loss="sphereface", margin=1.5)
    with pytest.raises(ValueError, match="arcface margin must be in"):
        TrainConfig(loss="arcface", margin=2.0)
    with pytest.raises(ValueError, match="m_per_class"):
        TrainConfig(loss="triplet", m_per_class=1)
    for spec in LOSS_SPECS.values():
        if spec.margin is not None:
            TrainConfig(loss=spec.name)  # the documented defaults are valid


def test_class_batches_cover_every_example_with_several_per_class():
    labels = [c for c in range(10) for _ in range(7)] + [10]  # ten classes of 7, one of 1
    indices = list(range(len(labels)))
    rng = random.Random(0)
    sizes = set()
    for _ in range(3):
        batches = class_batches(indices, labels, 4, 16, rng)
        sizes.add(len(batches))
        flat = [i for b in batches for i in b]
        assert set(flat) == set(indices)  # every example, every epoch
        for b in batches:
            counts = np.bincount([labels[i] for i in b])
            assert all(n >= 4 or n == 0 or labels.count(c) == 1 for c, n in enumerate(counts))
            assert len({labels[i] for i in b}) >= 2 or len(b) <= 4
    assert len(sizes) == 1  # the same number of steps every epoch


def test_class_batches_by_length_keep_their_structure_and_pad_less():
    rng = random.Random(0)
    labels = [c for c in range(30) for _ in range(12)]
    lengths = [rng.choice([6, 8, 10, 40, 60]) for _ in labels]
    indices = list(range(len(labels)))

    def padded(bs):
        return sum(max(lengths[i] for i in b) * len(b) for b in bs)

    plain = class_batches(list(indices), labels, 4, 32, random.Random(1))
    by_length = class_batches(list(indices), labels, 4, 32, random.Random(1), lengths)
    assert len(by_length) == len(plain)
    assert sorted(i for b in by_length for i in b) == indices  # every example once
    for b in by_length:  # groups of 4 of one class, several classes per batch
        counts = np.bincount([labels[i] for i in b])
        assert all(n % 4 == 0 for n in counts) and (counts > 0).sum() >= 2
    assert padded(by_length) < 0.8 * padded(plain)


def test_length_batches_pad_less_and_cover_every_example_once():
    rng = random.Random(0)
    lengths = [rng.choice([6, 8, 10, 12, 40, 60]) for _ in range(1000)]
    indices = list(range(1000))
    rng.shuffle(indices)
    batches = length_batches(list(indices), lengths, 32, random.Random(1))
    assert sorted(i for b in batches for i in b) == list(range(1000))
    assert len(batches) == -(-1000 // 32) and all(0 < len(b) <= 32 for b in batches)

    def padded(bs):
        return sum(max(lengths[i] for i in b) * len(b) for b in bs)

    plain = [indices[i:i + 32] for i in range(0, 1000, 32)]
    assert padded(batches) < 0.6 * padded(plain)  # most of the padding is gone
    # the batch order is still shuffled: lengths do not rise through the epoch
    means = [np.mean([lengths[i] for i in b]) for b in batches]
    assert not all(a <= b for a, b in zip(means, means[1:]))


@pytest.mark.parametrize("name", ["triplet", "multi_similarity", "subcenter_arcface", "sphereface"])
def test_training_runs_with_other_losses(tiny_model, tmp_path, name):
    cfg = TrainConfig(loss=name, epochs=2, batch_size=8, m_per_class=4, val_min_total=1)
    result = train(snapshot(n_classes=4, per_class=8), cfg, tiny_model, "", tmp_path / "out")
    assert result.stopped_reason == "" and len(result.history) == 2
    assert all(math.isfinite(h["loss"]) for h in result.history)
    assert (tmp_path / "out" / "config.json").exists()
    assert isinstance(result.outliers, list)
