"""A model bundle: exported, served read-only with the store's answers, refused when tampered with."""

from __future__ import annotations

import pytest

from desktop_app.core.matcher import Matcher
from desktop_app.core.model_bundle import BundleError, BundleMatcher, export_bundle, read_manifest

from .conftest import running_server


def test_export_and_match_like_the_store(store, served_home, tmp_path):
    shop = store.shop("tiny")
    out = export_bundle(store, shop.id, tmp_path / "bundle")
    manifest = read_manifest(out)
    assert manifest["shop"]["name"] == "tiny" and set(manifest["thresholds"]) >= {"answer", "suggest"}
    assert {"manifest.json", "index.bin", "questions.json", "standardq_encoder.json", "tokenizer.json",
            "model.embeddings.bin"} <= {p.name for p in out.iterdir()}  # the float16 graph's embedding table too
    bundle, live = BundleMatcher(out), Matcher.open(store, shop.id)
    assert bundle.thresholds.get("shadow") == live.thresholds.get("shadow") is not None
    texts = ["发票怎么开", "吸力变弱了", "寄回运费怎么算", "今天天气不错"]
    for a, b in zip(bundle.query_many(texts), live.query_many(texts)):
        assert a.decision == b.decision and a.offtopic == b.offtopic  # the off-topic guard, shadowing included
        assert [m.id for m in a.matches] == [m.id for m in b.matches]
        assert [m.score for m in a.matches] == pytest.approx([m.score for m in b.matches], abs=1e-4)
    with pytest.raises(BundleError, match="not empty"):
        export_bundle(store, shop.id, out)
    (out / "questions.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BundleError, match="changed"):
        BundleMatcher(out)


def test_serve_a_bundle(store, served_home, tmp_path):
    out = export_bundle(store, store.shop("tiny").id, tmp_path / "bundle")
    with running_server(tmp_path / "worker-home", bundle=out, log_db=tmp_path / "logs" / "worker.sqlite") as client:
        status, body = client.post("/v1/shops/tiny/query", {"text": "发票怎么开"})
        assert status == 200 and body["matches"][0]["standard_question"] == "怎么开发票"
        assert client.get("/v1/shops")[1][0]["name"] == "tiny"
        assert client.post("/v1/shops/other/query", {"text": "发票"})[0] == 404
        store.add_standard(store.shop("tiny").id, "滚刷多久换一次")  # the bundle does not follow the store
        assert client.post("/v1/shops/tiny/query", {"text": "滚刷多久换一次"})[1]["matches"][0]["standard_question"] \
            != "滚刷多久换一次"
    assert (tmp_path / "logs" / "worker.sqlite").exists()
    read_manifest(out)  # serving changed nothing in the folder
