import math
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.config import TrainConfig
from desktop_app.core.matcher import Matcher, NoModelError
from desktop_app.core.model_files import version_dir
from desktop_app.core.pipeline import activate, cleanup, ensure_model, retrain, retrain_in_subprocess
from desktop_app.core.reporter import Cancelled, RecordingReporter, Reporter


def config(tiny_model, **kw):
    return TrainConfig(base_model=str(tiny_model), epochs=2, batch_size=8, lr=1e-3, val_min_total=2, **kw)


def test_untuned_version_answers_right_after_import(store, tiny_shop):
    with pytest.raises(NoModelError):
        Matcher.open(store, tiny_shop.id)
    v = ensure_model(store, tiny_shop.id)
    assert v.active and v.loss == "none" and v.thresholds["answer"] >= v.thresholds["suggest"]
    r = Matcher.open(store, tiny_shop.id).query("发票怎么开", k=3)
    assert r.matches[0].standard_question == "怎么开发票"  # an exact entry scores 1.0
    assert r.matches[0].score == pytest.approx(1.0, abs=1e-3) and r.decision == "answer"
    assert len(r.matches) == 3 and r.matches[0].score >= r.matches[1].score


def test_store_edits_reach_the_index_without_retraining(store, tiny_shop):
    ensure_model(store, tiny_shop.id)
    m = Matcher.open(store, tiny_shop.id)
    new = store.add_standard(tiny_shop.id, "滚刷多久换一次", category="配件")
    assert m.query("滚刷多久换一次").matches[0].id == new.id
    sim = store.add_similar(new.id, "主刷寿命多长")
    assert m.query("主刷寿命多长").matches[0].id == new.id
    store.update_standard(new.id, enabled=False)  # disabled: never matched
    assert all(x.id != new.id for x in m.query("滚刷多久换一次").matches)
    store.update_standard(new.id, enabled=True)
    store.delete_similar(sim.id)
    assert m.query("主刷寿命多长").matches[0].score < 0.9999
    # Another process (a fresh matcher) sees the saved, synced index.
    assert Matcher.open(store, tiny_shop.id).query("滚刷多久换一次").matches[0].id == new.id


def test_empty_query_is_no_match(store, tiny_shop):
    ensure_model(store, tiny_shop.id)
    r = Matcher.open(store, tiny_shop.id).query("   ")
    assert r.decision == "no_match" and r.matches == []


def test_retrain_activates_new_version_and_keeps_old_until_done(store, tiny_shop, tiny_model):
    v0 = ensure_model(store, tiny_shop.id)
    seen_active = []

    class Spy(RecordingReporter):
        def stage(self, name, total=None):
            super().stage(name, total)
            seen_active.append(store.active_version(tiny_shop.id).id)

    rep = Spy()
    result = retrain(store, tiny_shop.id, config(tiny_model), rep)
    assert set(seen_active) == {v0.id}  # the old version served queries throughout
    v1 = store.active_version(tiny_shop.id)
    assert v1.id == result.version.id != v0.id and v1.loss == "arcface"
    assert v1.metrics["n_val"] > 0 and not math.isnan(v1.metrics["val_top1_float32"])
    assert v1.params["runtime_variant"] in ("float32", "int8")
    assert any(e[0] == "metric" and e[1][0] == "loss" for e in rep.events)
    assert not (version_dir(store.home, tiny_shop.id, v1.id) / "model").exists()  # only ONNX is kept
    # The version keeps the graph that serves and its tokenizer, nothing else (issue 11).
    served = "model.int8.onnx" if v1.params["runtime_variant"] == "int8" else "model.onnx"
    onnx = version_dir(store.home, tiny_shop.id, v1.id) / "onnx"
    assert sorted(p.name for p in onnx.iterdir()) == sorted([served, "tokenizer.json", "standardq_encoder.json"])
    assert not (version_dir(store.home, tiny_shop.id, v1.id) / "base").exists()
    assert Matcher.open(store, tiny_shop.id).query("发票怎么开").matches[0].standard_question == "怎么开发票"


def test_cancel_leaves_previous_version_active(store, tiny_shop, tiny_model):
    v0 = ensure_model(store, tiny_shop.id)

    class CancelAtStep2(Reporter):
        def progress(self, done, total=None):
            if done >= 2:
                self.cancel()

    with pytest.raises(Cancelled):
        retrain(store, tiny_shop.id, config(tiny_model), CancelAtStep2())
    assert store.active_version(tiny_shop.id).id == v0.id
    cancelled = store.versions(tiny_shop.id)[-1]
    assert cancelled.status == "cancelled" and not version_dir(store.home, tiny_shop.id, cancelled.id).exists()


def test_edits_during_training_reach_the_new_index(store, tiny_shop, tiny_model):
    class EditDuringExport(Reporter):
        def stage(self, name, total=None):
            if name == "export" and not store.find_standard(tiny_shop.id, "边刷在哪里买"):
                store.add_standard(tiny_shop.id, "边刷在哪里买")

    retrain(store, tiny_shop.id, config(tiny_model), EditDuringExport())
    v = store.active_version(tiny_shop.id)
    assert v.data_revision < store.shop(tiny_shop.id).revision  # trained on the snapshot...
    assert Matcher.open(store, tiny_shop.id).query("边刷在哪里买").matches[0].standard_question == "边刷在哪里买"


def test_activate_older_version_rebuilds_its_index_and_cleanup(store, tiny_shop, tiny_model):
    v0 = ensure_model(store, tiny_shop.id)
    retrain(store, tiny_shop.id, config(tiny_model))
    new = store.add_standard(tiny_shop.id, "尘袋多少钱")
    activate(store, v0.id)
    assert store.active_version(tiny_shop.id).id == v0.id
    assert Matcher.open(store, tiny_shop.id).query("尘袋多少钱").matches[0].id == new.id
    retrain(store, tiny_shop.id, config(tiny_model, seed=1))
    # the two trained versions store the tokenizer once (a hard link)
    import os

    trained = [Path(v.onnx_dir) for v in store.versions(tiny_shop.id) if v.loss != "none"]
    assert len(trained) == 2 and os.path.samefile(trained[0] / "tokenizer.json", trained[1] / "tokenizer.json")
    removed = cleanup(store, tiny_shop.id, keep=1)
    assert v0.id in removed and store.version(v0.id).files_removed
    with pytest.raises(Exception, match="cannot be activated"):
        activate(store, v0.id)


def test_retrain_in_child_process_and_cancel(store, tiny_shop, tiny_model):
    ensure_model(store, tiny_shop.id)
    rep = RecordingReporter()
    out = retrain_in_subprocess(store, tiny_shop.id, config(tiny_model), rep)
    assert store.active_version(tiny_shop.id).id == out["version_id"]
    assert [e for e in rep.events if e[0] == "stage" and e[1][0] == "train"]
    active = out["version_id"]

    class CancelOnTrain(RecordingReporter):
        def stage(self, name, total=None):
            if name == "train":
                self.cancel()

    with pytest.raises(Cancelled):
        retrain_in_subprocess(store, tiny_shop.id, config(tiny_model), CancelOnTrain())
    assert store.active_version(tiny_shop.id).id == active


def test_float32_versions_share_the_frozen_word_embeddings(store, tiny_shop, tiny_model, monkeypatch):
    import os

    from desktop_app.core import pipeline

    def float32(onnx_dir, evaluate, key, reporter=None, float_top1=None):
        return "float32", {}

    monkeypatch.setattr(pipeline, "_choose_variant", float32)  # the tiny model's int8 graph passes the guard
    retrain(store, tiny_shop.id, config(tiny_model))
    retrain(store, tiny_shop.id, config(tiny_model, seed=1))
    a, b = [Path(v.onnx_dir) for v in store.versions(tiny_shop.id) if v.loss != "none"]
    assert os.path.samefile(a / "model.embeddings.bin", b / "model.embeddings.bin")
    assert not os.path.samefile(a / "model.onnx", b / "model.onnx")
    queries = ["尘袋多少钱", "怎么退货"]
    va = Matcher(store, tiny_shop.id, store.versions(tiny_shop.id)[-2]).encoder.encode(queries)
    vb = Matcher.open(store, tiny_shop.id).encoder.encode(queries)
    assert 0.0 < float(np.min(np.sum(va * vb, axis=1))) < 0.99999  # two models, one table
