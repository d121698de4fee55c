"""Training settings: a validated dataclass with dict round-trips (stored with each model version)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .encoders import DEFAULT_BASE_MODEL
from .losses import LOSS_SPECS, LOSSES, check_margin  # noqa: F401 - LOSSES is re-exported


@dataclass
class TrainConfig:
    base_model: str = DEFAULT_BASE_MODEL
    loss: str = "arcface"
    # None: the loss's own default (losses.LOSS_SPECS): ArcFace 0.2 rad added to the angle,
    # CosFace 0.2 off the cosine, SphereFace 2x the angle, triplet 0.1, contrastive 0.5...
    margin: float | None = None
    scale: float = 32.0          # logit scale of the heads: suits tens to hundreds of classes
    m_per_class: int = 4         # pair losses: examples of one standard question per batch
    epochs: int = 4
    batch_size: int = 32
    lr: float = 5e-5             # encoder (smp2019: 5e-5 x 4 epochs beat 3e-5 x 3, see bench/RESULTS.md)
    head_lr: float = 5e-3        # the margin head's class weights learn much faster
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    max_length: int = 48         # tokens; consumer questions are short
    freeze_word_embeddings: bool = True  # the 250k-row matrix dominates time and memory
    # Keeping the encoder general, so standard questions added after training still match:
    train_layers: int | None = None  # fine-tune only the top N transformer layers (None: all)
    l2sp: float = 0.0                # pull toward the pretrained weights: l2sp * sum((w - w0)^2)
    # Layer dropping (an experiment, bench/RESULTS.md issue 11): keep this many of the base's
    # transformer layers, evenly spaced and ending at the top one, then fine-tune as usual. Half
    # the layers is half the work per query, the one lever on CPUs where int8 gains little.
    keep_layers: int | None = None
    # With keep_layers: first teach the kept layers to reproduce the full base model's sentence
    # embeddings (cosine) on the training texts and the built-in off-topic set, for this many
    # epochs, then fine-tune as usual (an experiment: distillation, bench/RESULTS.md issue 11).
    distill_epochs: int = 0
    distill_lr: float = 1e-4
    distill_from: str | None = None  # a model folder to distill from instead of the base (a fine-tuned one)
    val_fraction: float = 0.2
    val_min_similar: int = 5     # a standard question gives validation items only from this many
    val_min_total: int = 10      # fewer held-out items than this: train on everything
    # Per epoch, a standard question trains on every text people wrote (its own text included)
    # and at most this many generated (rules / llm) texts per such text, drawn anew each epoch;
    # None uses all. Generated variants are many and alike: unbounded, they outnumber the
    # operator's examples 10:1 and the model learns their surface (see bench/RESULTS.md).
    generated_ratio: float | None = 2.0
    # Outlier exposure (issue 10): each step also embeds this many known off-topic messages (the
    # shop's, snapshot["negatives"], and built-in ones, snapshot["offtopic"]) and adds offtopic_weight
    # x the cross-entropy of their head logits to the uniform distribution, so that no standard
    # question claims them. 0: off. Head losses only.
    offtopic_weight: float = 0.0
    offtopic_per_batch: int = 16
    seed: int = 0
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss '{self.loss}' (one of {', '.join(LOSSES)})")
        positive = ("scale", "epochs", "batch_size", "lr", "head_lr", "max_length")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        check_margin(self.loss, self.margin)
        if self.train_layers is not None and self.train_layers < 0:
            raise ValueError(f"train_layers must be 0 or more (or None: all), got {self.train_layers}")
        if self.keep_layers is not None and self.keep_layers < 1:
            raise ValueError(f"keep_layers must be 1 or more (or None: all), got {self.keep_layers}")
        if self.distill_epochs < 0:
            raise ValueError(f"distill_epochs must be 0 or more, got {self.distill_epochs}")
        if self.l2sp < 0:
            raise ValueError(f"l2sp must be at least 0, got {self.l2sp}")
        if not 2 <= self.m_per_class <= self.batch_size:
            raise ValueError(f"m_per_class must be between 2 and the batch size, got {self.m_per_class}")
        if self.generated_ratio is not None and not self.generated_ratio >= 0:
            raise ValueError(f"generated_ratio must be at least 0 (or None: all), got {self.generated_ratio}")
        if self.offtopic_weight < 0 or self.offtopic_per_batch < 1:
            raise ValueError("offtopic_weight must be at least 0 and offtopic_per_batch at least 1")
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f"val_fraction must be in [0, 1), got {self.val_fraction}")

    def loss_margin(self) -> float | None:
        """The margin in force: the one set, else the loss's default (None for margin-free losses)."""
        spec = LOSS_SPECS[self.loss]
        if spec.margin is None:
            return None
        return spec.margin if self.margin is None else float(self.margin)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(sorted(unknown))}")
        return cls(**data)
