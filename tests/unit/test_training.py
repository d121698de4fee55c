import numpy as np
import pytest

from desktop_app.core.config import TrainConfig
from desktop_app.core.training import split_snapshot, train


def snapshot(n_classes=3, per_class=6, generated_every=0):
    classes = []
    for c in range(n_classes):
        sims = [f"类别{c}的说法{j}" for j in range(per_class)]
        gen = [bool(generated_every) and j % generated_every == 0 for j in range(per_class)]
        classes.append({"id": c + 1, "text": f"标准问{c}", "similar": sims, "generated": gen})
    return {"classes": classes, "revision": 1, "data_hash": "x"}


def test_split_holds_out_only_operator_written_from_rich_classes():
    cfg = TrainConfig(val_min_total=1)
    sp = split_snapshot(snapshot(per_class=10, generated_every=2), cfg)  # 5 operator-written each
    gen_texts = {f"类别{c}的说法{j}" for c in range(3) for j in (0, 2, 4, 6, 8)}
    assert sp.val_texts and not gen_texts & set(sp.val_texts)
    assert not set(sp.val_texts) & set(sp.train_texts)
    assert set(sp.val_texts) | set(sp.train_texts) >= {f"类别0的说法{j}" for j in range(6)}


def test_tiny_shop_trains_on_everything():
    sp = split_snapshot(snapshot(per_class=2), TrainConfig())
    assert sp.val_texts == [] and len(sp.train_texts) == 9


def test_split_is_seeded():
    a = split_snapshot(snapshot(n_classes=6), TrainConfig(seed=3))
    b = split_snapshot(snapshot(n_classes=6), TrainConfig(seed=3))
    assert a.val_texts == b.val_texts


def test_generated_texts_are_capped_per_epoch_and_drawn_anew():
    import random

    snap = snapshot(n_classes=3, per_class=1)
    for c in snap["classes"]:  # 2 texts people wrote (standard + 1 similar), 20 generated
        c["similar"] += [f"类别{c['id']}生成{j}" for j in range(20)]
        c["generated"] += [True] * 20
    sp = split_snapshot(snap, TrainConfig())
    assert sum(sp.train_generated) == 60 and len(sp.train_texts) == 66
    rng = random.Random(0)
    epochs = [sp.epoch_indices(2.0, rng) for _ in range(3)]
    for order in epochs:
        texts = [sp.train_texts[i] for i in order]
        assert len(order) == 3 * (2 + 4)  # every written text + ceil(2 x 2) generated per class
        assert all(f"标准问{c}" in texts and f"类别{c}的说法0" in texts for c in range(3))
        for c in range(3):
            assert sum(t.startswith(f"类别{c + 1}生成") for t in texts) == 4
    assert len({tuple(sorted(o)) for o in epochs}) == 3  # other generated texts each epoch
    assert sorted(sp.epoch_indices(None, rng)) == list(range(66))
    assert sorted(sp.epoch_indices(0, rng)) == [i for i, g in enumerate(sp.train_generated) if not g]
    plain = split_snapshot(snapshot(), TrainConfig())  # nothing generated: every text, every epoch
    assert sorted(plain.epoch_indices(2.0, rng)) == list(range(len(plain.train_texts)))


def test_config_validation():
    with pytest.raises(ValueError, match="generated_ratio"):
        TrainConfig(generated_ratio=-1)
    assert TrainConfig.from_dict({"generated_ratio": None}).generated_ratio is None
    with pytest.raises(ValueError, match="unknown loss"):
        TrainConfig(loss="nope")
    with pytest.raises(ValueError, match="unknown training settings"):
        TrainConfig.from_dict({"epochz": 3})
    assert TrainConfig.from_dict(TrainConfig(epochs=7).to_dict()).epochs == 7


def test_nan_guard_keeps_last_good_state(tiny_model, tmp_path, monkeypatch):
    import torch

    import desktop_app.core.losses as losses

    real = losses.build_loss

    def poisoned(*a, **kw):
        loss = real(*a, **kw)
        calls = {"n": 0}
        forward = loss.forward

        def fwd(emb, labels):
            calls["n"] += 1
            out = forward(emb, labels)
            return out * torch.tensor(float("nan")) if calls["n"] > 3 else out

        loss.forward = fwd
        return loss

    monkeypatch.setattr(losses, "build_loss", poisoned)
    cfg = TrainConfig(epochs=3, batch_size=4, val_min_total=1)
    result = train(snapshot(), cfg, tiny_model, "", tmp_path / "out")
    assert result.stopped_reason == "nan"
    assert (tmp_path / "out" / "config.json").exists()
    from desktop_app.core.model import SentenceEncoder

    model = SentenceEncoder.from_pretrained(tmp_path / "out")
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_training_is_seeded(tiny_model, tmp_path):
    cfg = TrainConfig(epochs=1, batch_size=8, val_min_total=1)
    a = train(snapshot(), cfg, tiny_model, "", tmp_path / "a")
    b = train(snapshot(), cfg, tiny_model, "", tmp_path / "b")
    assert a.history[0]["loss"] == pytest.approx(b.history[0]["loss"], rel=1e-5)


def test_train_layers_keeps_the_lower_layers_and_l2sp_runs(tiny_model, tmp_path):
    import torch

    from desktop_app.core.model import SentenceEncoder

    base = SentenceEncoder.from_pretrained(tiny_model)
    cfg = TrainConfig(epochs=2, batch_size=4, lr=1e-2, val_min_total=1000, train_layers=1, l2sp=0.1)
    result = train(snapshot(), cfg, tiny_model, "", tmp_path / "out")
    assert result.stopped_reason == ""
    tuned = SentenceEncoder.from_pretrained(tmp_path / "out")
    layers_base, layers_tuned = base.encoder.encoder.layer, tuned.encoder.encoder.layer
    same = lambda a, b: all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))  # noqa: E731
    assert all(same(a, b) for a, b in zip(layers_base[:-1], layers_tuned[:-1]))  # frozen below the top one
    assert same(base.encoder.embeddings, tuned.encoder.embeddings)
    assert not same(layers_base[-1], layers_tuned[-1])  # the top layer trained
    with pytest.raises(ValueError, match="train_layers"):
        TrainConfig(train_layers=-1)
    with pytest.raises(ValueError, match="nothing to train"):
        train(snapshot(), TrainConfig(loss="triplet", train_layers=0, epochs=1), tiny_model, "", tmp_path / "x")


def test_keep_layers_drops_layers_evenly_and_the_model_still_trains_and_saves(tiny_model, tmp_path):
    from desktop_app.core.model import SentenceEncoder

    model = SentenceEncoder.from_pretrained(tiny_model)
    total = len(model.encoder.encoder.layer)
    assert total >= 2
    assert model.keep_layers(total // 2) == [2 * i + 1 for i in range(total // 2)]  # every other, ending at the top
    assert SentenceEncoder.from_pretrained(tiny_model).keep_layers(total + 3) == list(range(total))  # more: all
    result = train(snapshot(), TrainConfig(epochs=1, batch_size=4, val_min_total=1000, keep_layers=1), tiny_model, "",
                   tmp_path / "out")
    tuned = SentenceEncoder.from_pretrained(tmp_path / "out")
    assert result.stopped_reason == "" and len(tuned.encoder.encoder.layer) == 1
    assert tuned.config.num_hidden_layers == 1
    with pytest.raises(ValueError, match="keep_layers"):
        TrainConfig(keep_layers=0)


def test_distillation_brings_a_layer_dropped_model_toward_the_full_one(tiny_model, tmp_path):
    import numpy as np

    from desktop_app.core.model import SentenceEncoder
    from desktop_app.core.offtopic import builtin_offtopic
    from desktop_app.core.reporter import Reporter
    from desktop_app.core.training import _distill, _embed
    from transformers import AutoTokenizer

    texts = list(builtin_offtopic())[:40]
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    full = _embed(SentenceEncoder.from_pretrained(tiny_model), tokenizer, texts, "", 32)

    def agreement(model) -> float:
        return float(np.mean(np.sum(_embed(model, tokenizer, texts, "", 32) * full, axis=1)))

    import torch

    student = SentenceEncoder.from_pretrained(tiny_model)
    student.keep_layers(1)
    torch.manual_seed(0)
    with torch.no_grad():  # a tiny random model's layers barely move its embeddings: move them first
        for p in student.encoder.encoder.layer.parameters():
            p.add_(0.2 * torch.randn_like(p))
    before = agreement(student)
    stages = []
    reporter = Reporter()
    reporter.stage = lambda name, total=None: stages.append(name)
    _distill(student, tokenizer, tiny_model, texts, "", TrainConfig(batch_size=8, distill_epochs=10, distill_lr=3e-3),
             reporter)
    assert before < 0.99 and "distill" in stages
    assert agreement(student) > before + (1 - before) / 2  # most of the way back to the full model
    with pytest.raises(ValueError, match="distill_epochs"):
        TrainConfig(distill_epochs=-1)


def test_uniform_ce_is_lowest_for_a_message_no_class_claims():
    import torch

    from desktop_app.core.training import uniform_ce

    weights = torch.eye(4)[:, :3]  # three classes along the first three axes (dim x classes)
    claimed = torch.tensor([[1.0, 0.0, 0.0, 0.0]])  # sits on class 0
    unclaimed = torch.tensor([[0.0, 0.0, 0.0, 1.0]])  # as far from every class
    assert uniform_ce(unclaimed, weights, 32.0) < uniform_ce(claimed, weights, 32.0)
    assert uniform_ce(unclaimed, weights, 32.0).item() == pytest.approx(np.log(3), rel=1e-5)


def test_outlier_exposure_trains_on_negatives_but_not_on_the_shops_own_kind(tiny_model, tmp_path):
    from desktop_app.core.reporter import RecordingReporter

    snap = snapshot()
    snap["negatives"] = ["操作员标记的消息"]  # the operator's word: always kept
    # the built-in candidates: one is word for word a similar question (shadowed), two are not
    snap["offtopic"] = ["类别1的说法2", "今天天气怎么样", "给我讲个笑话"]
    cfg = TrainConfig(epochs=1, batch_size=8, val_min_total=1000, offtopic_weight=1.0, offtopic_per_batch=2)
    rep = RecordingReporter()
    with_oe = train(snap, cfg, tiny_model, "", tmp_path / "oe", rep)
    assert "outlier exposure: 3 off-topic messages, 2 a step" in [m for k, m in rep.events if k == "log"]
    plain = train(snap, TrainConfig(epochs=1, batch_size=8, val_min_total=1000), tiny_model, "", tmp_path / "plain")
    assert with_oe.history[0]["loss"] != pytest.approx(plain.history[0]["loss"], rel=1e-6)  # the term counted
    pair = RecordingReporter()
    train(snap, TrainConfig(loss="triplet", epochs=1, batch_size=8, val_min_total=1000, offtopic_weight=1.0),
          tiny_model, "", tmp_path / "pair", pair)
    assert any(k == "log" and "needs a head loss" in m for k, m in pair.events)
    with pytest.raises(ValueError, match="offtopic_weight"):
        TrainConfig(offtopic_weight=-1)
