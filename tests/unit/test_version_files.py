"""What a model version keeps (issue 11): the graph that serves, a float32 graph stored with
float16 weights, and an export straight from a model in memory."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from desktop_app.core.export import export_onnx, halve_weights, keep_only  # noqa: E402
from desktop_app.core.runtime import OnnxEncoder  # noqa: E402
from tests.tiny_model import build_tiny_bert  # noqa: E402

TEXTS = ["你好", "请问这个商品什么时候发货？", "order 12345 还没有到", "Is the XL size in stock?", "能便宜点吗"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tiny = build_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert")
    out = tmp_path_factory.mktemp("export") / "onnx"
    export_onnx(tiny, out, prefix="query: ", parity_texts=TEXTS, max_length=32)
    return tiny, out


def test_keep_only_float32_halves_the_file_and_keeps_the_embeddings(exported, tmp_path):
    _, src = exported
    folder = tmp_path / "v"
    shutil.copytree(src, folder)
    before = OnnxEncoder(folder, variant="float32").encode(TEXTS)
    size = (folder / "model.onnx").stat().st_size
    keep_only(folder, "float32")
    meta = json.loads((folder / "standardq_encoder.json").read_text(encoding="utf-8"))
    assert meta["files"] == {"float32": "model.onnx", "tokenizer": "tokenizer.json"} and meta["float16_storage"]
    assert meta["external"] == ["model.embeddings.bin"]  # the word-embedding table, in a file of its own
    assert sorted(p.name for p in folder.iterdir()) == ["model.embeddings.bin", "model.onnx",
                                                        "standardq_encoder.json", "tokenizer.json"]
    # the tiny model's word embeddings (21k x 32) dominate its file: about half the bytes go
    graph, table = (folder / "model.onnx").stat().st_size, (folder / "model.embeddings.bin").stat().st_size
    assert graph + table < 0.6 * size and table > graph
    after = OnnxEncoder(folder, variant="float32").encode(TEXTS)
    assert np.min(np.sum(before * after, axis=1)) > 0.9999
    assert not halve_weights(folder / "model.onnx")  # nothing left to halve: the file is left alone


def test_keep_only_int8_removes_the_float_graph(exported, tmp_path):
    _, src = exported
    folder = tmp_path / "v"
    shutil.copytree(src, folder)
    before = OnnxEncoder(folder, variant="int8").encode(TEXTS)
    keep_only(folder, "int8")
    assert sorted(p.name for p in folder.iterdir()) == ["model.int8.onnx", "standardq_encoder.json", "tokenizer.json"]
    with pytest.raises(FileNotFoundError):
        OnnxEncoder(folder, variant="float32")
    # saved optimized (fused kernels in the file), loaded without optimizing, same vectors
    meta = json.loads((folder / "standardq_encoder.json").read_text(encoding="utf-8"))
    assert meta["optimized"] == ["model.int8.onnx"]
    import onnx

    ops = {n.op_type for n in onnx.load(str(folder / "model.int8.onnx")).graph.node}
    assert "DynamicQuantizeMatMul" in ops or "MatMulIntegerToFloat" in ops, ops
    after = OnnxEncoder(folder, variant="int8").encode(TEXTS)
    assert np.min(np.sum(before * after, axis=1)) > 0.9999


def test_export_from_memory_matches_export_from_folder(exported, tmp_path):
    from transformers import AutoTokenizer

    from desktop_app.core.model import SentenceEncoder

    tiny, src = exported
    model = SentenceEncoder.from_pretrained(tiny, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(str(tiny))
    result = export_onnx(None, tmp_path / "mem", prefix="query: ", parity_texts=TEXTS, max_length=32,
                         model=model, tokenizer=tokenizer, int8_check=False)
    assert result.parity_min_cosine >= 0.999
    a = OnnxEncoder(src, variant="float32").encode(TEXTS)
    b = OnnxEncoder(tmp_path / "mem", variant="float32").encode(TEXTS)
    assert np.min(np.sum(a * b, axis=1)) > 0.99999


def test_a_retrains_unchanged_files_are_links_to_the_last_versions(exported, tmp_path):
    """Frozen word embeddings and an unchanged tokenizer are stored once per shop (hard links)."""
    import os

    from desktop_app.core.model_files import link_identical

    tiny, src = exported
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    shutil.copytree(src, v1)
    keep_only(v1, "float32")
    from transformers import AutoTokenizer

    from desktop_app.core.model import SentenceEncoder

    model = SentenceEncoder.from_pretrained(tiny, dtype=torch.float32)
    with torch.no_grad():  # a "retrain": every weight but the frozen word embeddings moves
        for name, p in model.named_parameters():
            if "word_embeddings" not in name:
                p.add_(0.01)
    export_onnx(None, v2, prefix="query: ", parity_texts=TEXTS, max_length=32, quantize=False,
                model=model, tokenizer=AutoTokenizer.from_pretrained(str(tiny)))
    keep_only(v2, "float32")
    before = OnnxEncoder(v2, variant="float32").encode(TEXTS)
    names = ("model.embeddings.bin", "tokenizer.json")
    saved = link_identical(v2, [tmp_path / "gone", v1], names)
    assert saved == sum((v2 / n).stat().st_size for n in names)
    assert all(os.path.samefile(v1 / n, v2 / n) for n in names)
    assert not os.path.samefile(v1 / "model.onnx", v2 / "model.onnx")
    after = OnnxEncoder(v2, variant="float32").encode(TEXTS)
    assert np.array_equal(before, after)
    assert np.min(np.sum(after * OnnxEncoder(v1, variant="float32").encode(TEXTS), axis=1)) < 0.9999  # its own model
    shutil.rmtree(v1)  # the older version's files are removed: the newer one still works
    assert np.array_equal(OnnxEncoder(v2, variant="float32").encode(TEXTS), after)
    # a different table is not linked
    v3 = tmp_path / "v3"
    shutil.copytree(v2, v3)
    data = bytearray((v3 / "model.embeddings.bin").read_bytes())
    data[0] ^= 1
    (v3 / "model.embeddings.bin").write_bytes(bytes(data))
    assert link_identical(v3, [v2], ("model.embeddings.bin",)) == 0
    assert not os.path.samefile(v2 / "model.embeddings.bin", v3 / "model.embeddings.bin")
