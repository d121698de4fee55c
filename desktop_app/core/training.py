"""Fine-tune the encoder on a shop's snapshot with an additive angular margin (ArcFace) head.

`train(snapshot, config, base, out_dir, reporter)` is a plain function: no Qt, no store. It checks
the reporter for cancel at every step, reports loss and validation top-1, stops on a non-finite
loss keeping the last good weights, and saves the best epoch's encoder to `out_dir`.
"""

from __future__ import annotations

import copy
import math
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import TrainConfig
from .evaluation import top1_accuracy
from .reporter import NULL, Reporter


@dataclass
class Split:
    """Texts and class indices for training and validation; class i is snapshot['classes'][i]."""

    train_texts: list[str]
    train_labels: list[int]
    val_texts: list[str]
    val_labels: list[int]
    # Entries the validation queries are scored against: standard texts + training similars.
    entry_texts: list[str]
    entry_labels: list[int]
    train_generated: list[bool] = field(default_factory=list)  # per training text: rules / llm output

    def epoch_indices(self, ratio: float | None, rng: random.Random) -> list[int]:
        """The training texts of one epoch, shuffled: all written by people, plus per class at most
        ceil(ratio x their number) generated ones, drawn anew (ratio None: every text)."""
        if ratio is None or not any(self.train_generated):
            chosen = list(range(len(self.train_texts)))
        else:
            own: dict[int, int] = {}
            generated: dict[int, list[int]] = {}
            chosen = []
            for i, (label, gen) in enumerate(zip(self.train_labels, self.train_generated)):
                if gen:
                    generated.setdefault(label, []).append(i)
                else:
                    own[label] = own.get(label, 0) + 1
                    chosen.append(i)
            for label, pool in generated.items():
                cap = math.ceil(ratio * own.get(label, 1))
                chosen += pool if len(pool) <= cap else rng.sample(pool, cap)
        rng.shuffle(chosen)
        return chosen


LENGTH_POOL = 8  # batches sorted together by length (see length_batches)


def length_batches(indices: list[int], lengths, batch_size: int, rng: random.Random,
                   pool: int = LENGTH_POOL) -> list[list[int]]:
    """`indices` (already shuffled) cut into batches of texts of similar length.

    Every batch is padded to its longest text, so random batches of short questions with a few
    long ones waste most of their compute on padding (measured: 1.5x the real tokens on
    dialogflow-zh, 1.6x on smp2019, 2.2x on banking77). Here each run of `pool` batches' worth
    of indices is sorted by length before it is cut (1.15 / 1.2 / 1.2x), and the batches are
    then shuffled, so the order of lengths (and of classes) stays random across the epoch.
    Same number of batches as plain slicing; every index exactly once.
    """
    batches = []
    step = batch_size * pool
    for start in range(0, len(indices), step):
        chunk = sorted(indices[start:start + step], key=lambda i: lengths[i])
        batches += [chunk[k:k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def class_batches(indices: list[int], labels, m: int, batch_size: int, rng: random.Random,
                  lengths=None) -> list[list[int]]:
    """Batches of `batch_size // m` groups of `m` examples of one class each, covering every index.

    Each class's examples are shuffled and cut into groups of m; a short last group is filled with
    repeats of that class's other examples (a class of one stays a group of one). The groups are
    shuffled and packed into batches, so a batch holds several classes with several examples each,
    as pair losses need, and the number of batches is the same every epoch.

    With `lengths`, padding is cut as in length_batches without touching that structure: a class's
    shuffled examples are sorted by length in runs of 2m before they are cut into groups, and
    the groups in runs of LENGTH_POOL batches before they are packed; the batches are shuffled.
    """
    by_class: dict[int, list[int]] = {}
    for i in indices:
        by_class.setdefault(labels[i], []).append(i)
    groups = []
    for members in by_class.values():
        rng.shuffle(members)
        if lengths is not None:
            members = [i for k in range(0, len(members), 2 * m)
                       for i in sorted(members[k:k + 2 * m], key=lambda i: lengths[i])]
        for start in range(0, len(members), m):
            group = members[start:start + m]
            if len(group) < m and len(members) > len(group):
                others = [x for x in members if x not in group]
                group += [rng.choice(others) for _ in range(m - len(group))]
            groups.append(group)
    rng.shuffle(groups)
    per_batch = max(1, batch_size // m)
    if lengths is None:
        packs = [list(range(start, min(start + per_batch, len(groups)))) for start in range(0, len(groups), per_batch)]
    else:  # the groups themselves batched by length, a group as long as its longest example
        packs = length_batches(list(range(len(groups))), [max(lengths[i] for i in g) for g in groups], per_batch, rng)
    return [[i for gi in pack for i in groups[gi]] for pack in packs]


def split_snapshot(snapshot: dict, config: TrainConfig) -> Split:
    """Hold out a share of accepted, operator-written similar questions for validation.

    Only standard questions with at least `val_min_similar` similar questions give any away, and
    generated ones (rules / llm) never enter the validation set. A tiny shop trains on everything.
    """
    rng = random.Random(config.seed)
    classes = snapshot["classes"]
    held: dict[int, set[int]] = {}
    for ci, cls in enumerate(classes):
        own = [j for j, gen in enumerate(cls["generated"]) if not gen]
        if len(own) >= config.val_min_similar:
            n_val = max(1, int(round(len(own) * config.val_fraction)))
            held[ci] = set(rng.sample(own, n_val))
    if sum(len(v) for v in held.values()) < config.val_min_total:
        held = {}
    sp = Split([], [], [], [], [], [])
    for ci, cls in enumerate(classes):
        sp.train_texts.append(cls["text"])
        sp.train_labels.append(ci)
        sp.train_generated.append(False)
        sp.entry_texts.append(cls["text"])
        sp.entry_labels.append(ci)
        for j, (text, gen) in enumerate(zip(cls["similar"], cls["generated"])):
            if j in held.get(ci, ()):
                sp.val_texts.append(text)
                sp.val_labels.append(ci)
            else:
                sp.train_texts.append(text)
                sp.train_labels.append(ci)
                sp.train_generated.append(bool(gen))
                sp.entry_texts.append(text)
                sp.entry_labels.append(ci)
    return sp


@dataclass
class TrainResult:
    out_dir: Path
    epochs_run: int
    best_epoch: int
    val_top1_before: float
    val_top1_after: float
    n_train: int
    n_val: int
    seconds: float
    stopped_reason: str = ""  # '' / 'nan'
    history: list[dict] = field(default_factory=list)
    outliers: list[str] = field(default_factory=list)  # sub-center ArcFace: training texts far from their class
    model: object = None  # the fine-tuned SentenceEncoder and its tokenizer, when out_dir is None
    tokenizer: object = None


def _embed(model, tokenizer, texts, prefix, max_length, batch_size=64):
    import torch

    from .model import tokenize

    out = []
    model.eval()
    with torch.no_grad():
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            batch = tokenize(tokenizer, [texts[i] for i in idx], prefix, max_length)
            out.append((idx, model(batch["input_ids"], batch["attention_mask"]).numpy()))
    emb = np.zeros((len(texts), out[0][1].shape[1] if out else 0), dtype=np.float32)
    for idx, vecs in out:
        emb[idx] = vecs
    return emb


def _token_lengths(tokenizer, texts: list[str], prefix: str, max_length: int) -> list[int]:
    """Tokens per text as the model sees it (prefix added, truncated): what length_batches sorts by."""
    return [len(ids) for ids in tokenizer([prefix + t for t in texts], truncation=True,
                                          max_length=max_length)["input_ids"]]


def _distill(student, tokenizer, base_path: Path, texts: list[str], prefix: str, config: TrainConfig,
             reporter: Reporter) -> None:
    """Teach a model with dropped layers the full base model's embeddings of `texts` (unlabelled),
    for TrainConfig.distill_epochs epochs."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    from .model import SentenceEncoder, tokenize

    texts = list(dict.fromkeys(texts))
    reporter.stage("distill", total=1)
    teacher = SentenceEncoder.from_pretrained(base_path, dtype=torch.float32)
    target = torch.from_numpy(_embed(teacher, tokenizer, texts, prefix, config.max_length))
    del teacher
    lengths = _token_lengths(tokenizer, texts, prefix, config.max_length)
    params = [p for p in student.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.distill_lr, weight_decay=0.0)
    rng = random.Random(config.seed)
    per_epoch = len(length_batches(list(range(len(texts))), lengths, config.batch_size, random.Random(0)))
    total = per_epoch * config.distill_epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.1 * total), total)
    reporter.stage("distill", total=total)
    step, last = 0, float("nan")
    student.train()
    for _ in range(config.distill_epochs):
        order = list(range(len(texts)))
        rng.shuffle(order)
        for idx in length_batches(order, lengths, config.batch_size, rng):
            reporter.check_cancel()
            batch = tokenize(tokenizer, [texts[i] for i in idx], prefix, config.max_length)
            emb = student(batch["input_ids"], batch["attention_mask"])
            loss = (1.0 - (emb * target[idx]).sum(dim=-1)).mean()  # both unit vectors: 1 - cosine
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            step, last = step + 1, loss.item()
            reporter.progress(step, total)
    reporter.log(f"distilled {len(texts)} texts for {config.distill_epochs} epochs, last loss {last:.4f}")
    student.eval()


def _unshadowed(texts: list[str], vectors: np.ndarray, entries: np.ndarray, owners: np.ndarray) -> list[str]:
    """The negatives the untuned model does not already put among the shop's own questions
    (offtopic.SHADOW_QUANTILE): a travel shop's "订一张去上海的机票" is its business, whatever
    the built-in set says, and pushing it away would push the shop's own questions away."""
    from .offtopic import best_shop_scores, shadow_score

    line = shadow_score(entries, owners)
    if line is None or not texts:
        return texts
    best = best_shop_scores(vectors, entries)
    return [t for t, b in zip(texts, best) if b < line]


def uniform_ce(embeddings, weights, scale: float):
    """Outlier exposure (Hendrycks et al., 2019) for a cosine head: the cross-entropy between
    the scaled cosine logits of off-topic embeddings and the uniform distribution over the head's
    columns (`weights`: dim x classes, or x classes*K sub-centres). It is lowest when a message is
    as close to every standard question as to any other: no best one, no lead."""
    import torch

    logits = scale * torch.nn.functional.normalize(embeddings, dim=1) @ torch.nn.functional.normalize(weights, dim=0)
    return -torch.log_softmax(logits, dim=1).mean()


def train(snapshot: dict, config: TrainConfig, base_path: Path, prefix: str, out_dir: Path | None,
          reporter: Reporter = NULL) -> TrainResult:
    """`out_dir` None keeps the fine-tuned model in memory (TrainResult.model) instead of saving it."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    from .losses import build_loss, is_pair_loss, subcenter_outliers
    from .model import SentenceEncoder, tokenize

    t0 = time.time()
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.set_num_threads(config.threads or os.cpu_count() or 1)

    split = split_snapshot(snapshot, config)
    n_classes = len(snapshot["classes"])
    if n_classes < 2:
        raise ValueError("training needs at least 2 enabled standard questions")
    reporter.log(f"{len(split.train_texts)} training texts, {len(split.val_texts)} validation, {n_classes} classes")

    tokenizer = AutoTokenizer.from_pretrained(base_path)
    model = SentenceEncoder.from_pretrained(base_path, dtype=torch.float32)  # a cached base stores float16
    if config.keep_layers is not None:
        kept = model.keep_layers(config.keep_layers)
        reporter.log(f"layers kept: {len(kept)} ({', '.join(map(str, kept))})")
    if config.freeze_word_embeddings:
        model.freeze_word_embeddings()
    if config.train_layers is not None:
        model.freeze_below(config.train_layers)

    if config.keep_layers is not None and config.distill_epochs:
        from .offtopic import builtin_offtopic

        # the shop's training texts and the built-in off-topic set; never the validation texts
        _distill(model, tokenizer, Path(config.distill_from or base_path), split.train_texts + list(builtin_offtopic()),
                 prefix, config, reporter)

    reporter.stage("prepare", total=1)
    base_train = _embed(model, tokenizer, split.train_texts, prefix, config.max_length)
    reporter.check_cancel()

    def val_top1(entries=None) -> float:
        if not split.val_texts:
            return float("nan")
        if entries is None:
            entries = _embed(model, tokenizer, split.entry_texts, prefix, config.max_length)
        queries = _embed(model, tokenizer, split.val_texts, prefix, config.max_length)
        return top1_accuracy(queries, split.val_labels, entries, split.entry_labels, n_classes)

    # The index entries are the training texts (split_snapshot builds both lists alike), so the
    # untuned model's entries are already embedded: a quarter less evaluation per run.
    before = val_top1(base_train if split.entry_texts == split.train_texts else None)
    reporter.progress(1, 1)
    # Start the head at the untuned class centroids: the first steps then refine the encoder
    # instead of dragging it toward a random head.
    labels_np = np.asarray(split.train_labels)
    centroids = np.stack([base_train[labels_np == c].mean(axis=0) for c in range(n_classes)])
    loss_fn = build_loss(config, n_classes, base_train.shape[1], centroids)

    enc_params = [p for p in model.parameters() if p.requires_grad]
    anchors = [p.detach().clone() for p in enc_params] if config.l2sp > 0 else None  # L2-SP's w0
    groups = [{"params": enc_params, "lr": config.lr, "weight_decay": config.weight_decay}] if enc_params else []
    head_params = [p for p in loss_fn.parameters() if p.requires_grad]
    if head_params:
        groups.append({"params": head_params, "lr": config.head_lr, "weight_decay": 0.0})
    if not groups:
        raise ValueError("nothing to train: a pair loss needs at least one trainable layer (train_layers)")
    optimizer = torch.optim.AdamW(groups)
    rng = random.Random(config.seed)
    pairs = is_pair_loss(config.loss)

    lengths = _token_lengths(tokenizer, split.train_texts, prefix, config.max_length)
    # Outlier exposure: the operator's negatives as they are, the built-in ones the shop does not shadow.
    own, builtin = [], []
    if config.offtopic_weight > 0:
        own, builtin = list(snapshot.get("negatives") or ()), list(snapshot.get("offtopic") or ())
    if (own or builtin) and (pairs or not hasattr(loss_fn, "W")):
        reporter.log("outlier exposure needs a head loss: the off-topic messages are not used")
        own, builtin = [], []
    if builtin:
        builtin = _unshadowed(builtin, _embed(model, tokenizer, builtin, prefix, config.max_length),
                              base_train, labels_np)
    negatives = list(dict.fromkeys(own + builtin))
    if negatives:
        reporter.log(f"outlier exposure: {len(negatives)} off-topic messages, "
                     f"{min(config.offtopic_per_batch, len(negatives))} a step")
    neg_rng = random.Random(config.seed + 1)  # its own stream: the batches stay those of a run without

    def epoch_batches(r: random.Random) -> list[list[int]]:
        order = split.epoch_indices(config.generated_ratio, r)
        if pairs:  # several examples of several classes in every batch
            return class_batches(order, split.train_labels, config.m_per_class, config.batch_size, r, lengths)
        return length_batches(order, lengths, config.batch_size, r)

    steps_per_epoch = len(epoch_batches(random.Random(0)))  # the same every epoch
    total_steps = steps_per_epoch * config.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total_steps), total_steps)

    def snapshot_state():
        return {k: v.detach().clone() for k, v in model.state_dict().items()}, copy.deepcopy(loss_fn.state_dict())

    best_state, best_score, best_epoch = snapshot_state(), before, 0
    last_good = best_state
    history: list[dict] = []
    stopped = ""
    step = 0
    reporter.stage("train", total=total_steps)
    epoch = 0
    for epoch in range(1, config.epochs + 1):
        model.train()
        batches = epoch_batches(rng)
        running = 0.0
        for idx in batches:
            reporter.check_cancel()
            batch = tokenize(tokenizer, [split.train_texts[i] for i in idx], prefix, config.max_length)
            labels = torch.tensor([split.train_labels[i] for i in idx])
            emb = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(emb, labels)
            if negatives:
                picked = neg_rng.sample(negatives, min(config.offtopic_per_batch, len(negatives)))
                neg = tokenize(tokenizer, picked, prefix, config.max_length)
                loss = loss + config.offtopic_weight * uniform_ce(
                    model(neg["input_ids"], neg["attention_mask"]), loss_fn.W, config.scale)
            if anchors is not None:
                loss = loss + config.l2sp * sum(((p - a) ** 2).sum() for p, a in zip(enc_params, anchors))
            if not torch.isfinite(loss):
                stopped = "nan"
                reporter.log(f"non-finite loss at step {step}: stopped, keeping the last good weights")
                break
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(enc_params + head_params, config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            step += 1
            value = float(loss.detach())
            running += value
            reporter.progress(step, total_steps)
            reporter.metric("loss", value, step)
        if stopped:
            model.load_state_dict(last_good[0])
            loss_fn.load_state_dict(last_good[1])
            break
        score = val_top1()
        n_batches = len(batches)
        history.append({"epoch": epoch, "loss": running / max(n_batches, 1), "val_top1": score})
        reporter.metric("val_top1", score, step)
        reporter.log(f"epoch {epoch}: loss {running / max(n_batches, 1):.4f}, val top-1 {score:.4f}")
        last_good = snapshot_state()
        # Without a validation split (tiny shop) the last epoch is kept.
        if math.isnan(score) or score >= best_score or math.isnan(best_score):
            best_state, best_score, best_epoch = last_good, score, epoch

    model.load_state_dict(best_state[0])
    loss_fn.load_state_dict(best_state[1])
    reporter.check_cancel()
    outliers: list[str] = []
    if config.loss == "subcenter_arcface":
        found = subcenter_outliers(loss_fn, _embed(model, tokenizer, split.train_texts, prefix, config.max_length),
                                   split.train_labels)
        outliers = [split.train_texts[i] for i in found]
        if outliers:
            reporter.log(f"{len(outliers)} training texts sit far from their standard question's main sub-centre")
    if out_dir is not None:
        model.save(out_dir, tokenizer)
    return TrainResult(
        out_dir=Path(out_dir) if out_dir is not None else None, epochs_run=epoch, best_epoch=best_epoch, val_top1_before=before,
        val_top1_after=best_score, n_train=len(split.train_texts), n_val=len(split.val_texts),
        seconds=time.time() - t0, stopped_reason=stopped, history=history, outliers=outliers,
        model=None if out_dir is not None else model, tokenizer=None if out_dir is not None else tokenizer,
    )
