"""ONNX export (torch side) and the onnxruntime encoder (query side) on a tiny random BERT."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from desktop_app.core import export as export_mod  # noqa: E402
from desktop_app.core.export import ExportError, export_onnx  # noqa: E402
from desktop_app.core.model import SentenceEncoder, tokenize  # noqa: E402
from desktop_app.core.reporter import Cancelled, RecordingReporter  # noqa: E402
from desktop_app.core.runtime import OnnxEncoder  # noqa: E402
from tests.tiny_model import build_tiny_bert  # noqa: E402

PREFIX = "query: "
MAX_LENGTH = 32
ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "你好",
    "请问这个商品什么时候发货？",
    "怎么申请退货退款，需要自己付运费吗",
    "order 12345 还没有到",
    "Is the XL size in stock?",
    "好",
    "这件衣服洗了以后会不会缩水，如果缩水了可以换吗？我买的是黑色的那款，尺码是L",
    "发票可以开公司抬头吗",
    "能便宜点吗",
    "快递用的是哪家",
]
LONG = "这是一段非常长的文字用来测试截断" * 10  # far beyond MAX_LENGTH tokens


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert")


@pytest.fixture(scope="module")
def torch_side(tiny):
    from transformers import AutoTokenizer

    return SentenceEncoder.from_pretrained(tiny).eval(), AutoTokenizer.from_pretrained(str(tiny))


@pytest.fixture(scope="module")
def exported(tiny, tmp_path_factory):
    reporter = RecordingReporter()
    out = tmp_path_factory.mktemp("export") / "onnx"
    result = export_onnx(tiny, out, prefix=PREFIX, parity_texts=TEXTS, max_length=MAX_LENGTH,
                         reporter=reporter)
    return result, reporter


def torch_embed(torch_side, texts):
    model, tokenizer = torch_side
    with torch.no_grad():
        batch = tokenize(tokenizer, texts, PREFIX, MAX_LENGTH)
        return model(batch["input_ids"], batch["attention_mask"]).numpy()


def row_cos(a, b):
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# ---------------------------------------------------------------------------- tiny model / torch
def test_tiny_tokenizer_splits_chinese(torch_side):
    _, tokenizer = torch_side
    ids = tokenizer("请问这个商品什么时候发货？ hello")["input_ids"]
    assert len(ids) > 10
    assert tokenizer.unk_token_id not in ids


def test_sentence_encoder_unit_vectors_and_freeze(torch_side, tmp_path):
    model, tokenizer = torch_side
    emb = torch_embed(torch_side, TEXTS)
    assert emb.shape == (len(TEXTS), model.dim)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    # Padding does not change a text's vector.
    alone = torch_embed(torch_side, TEXTS[:1])
    assert row_cos(alone, emb[:1])[0] > 0.99999

    m = copy.deepcopy(model)
    m.freeze_word_embeddings()
    emb_mod = m.encoder.embeddings
    assert not emb_mod.word_embeddings.weight.requires_grad
    assert emb_mod.position_embeddings.weight.requires_grad
    assert emb_mod.token_type_embeddings.weight.requires_grad

    m.save(tmp_path / "saved", tokenizer)
    assert (tmp_path / "saved" / "tokenizer.json").exists()
    again = SentenceEncoder.from_pretrained(tmp_path / "saved").eval()
    with torch.no_grad():
        batch = tokenize(tokenizer, TEXTS, PREFIX, MAX_LENGTH)
        np.testing.assert_allclose(again(**batch).numpy(), emb, atol=1e-6)


# ---------------------------------------------------------------------------- export
def test_export_writes_files_and_passes_parity(exported):
    result, reporter = exported
    out = result.out_dir
    assert result.float_path == out / "model.onnx" and result.float_path.exists()
    assert result.int8_path == out / "model.int8.onnx" and result.int8_path.exists()
    assert (out / "tokenizer.json").exists()
    meta = json.loads((out / "standardq_encoder.json").read_text(encoding="utf-8"))
    assert meta["prefix"] == PREFIX and meta["max_length"] == MAX_LENGTH
    assert meta["dim"] == 32 and meta["pad_id"] == 0
    assert meta["files"] == {"float32": "model.onnx", "int8": "model.int8.onnx", "tokenizer": "tokenizer.json"}
    assert result.parity_min_cosine >= 0.999
    assert 0.9 < result.int8_min_cosine <= result.int8_mean_cosine <= 1.0 + 1e-6
    assert result.seconds > 0
    # Nothing left beside it (the temp folder was renamed), nothing extra inside it.
    assert sorted(p.name for p in out.parent.iterdir()) == ["onnx"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["model.onnx", "model.int8.onnx", "tokenizer.json", "standardq_encoder.json"])
    stages = [e[1][0] for e in reporter.events if e[0] == "stage"]
    assert stages == ["export", "parity", "quantize"]


def test_float_graph_is_fused(exported, tiny):
    """The served float32 graph runs onnxruntime's fused kernels, one Attention per layer (the
    parity check above ran on this graph)."""
    import onnx

    meta = json.loads((exported[0].out_dir / "standardq_encoder.json").read_text(encoding="utf-8"))
    n_layers = json.loads((tiny / "config.json").read_text())["num_hidden_layers"]
    graph = onnx.load(str(exported[0].float_path)).graph
    attention = [n for n in graph.node if n.op_type == "Attention"]
    assert len(attention) == n_layers == meta["fused"]["Attention"]
    assert all(n.domain == "com.microsoft" for n in attention)
    assert meta["fused"].get("SkipLayerNormalization", 0) >= n_layers


def _export_unfused(tiny, tmp_path, monkeypatch, optimize_model):
    """Export with `optimize_model` in place of onnxruntime's; checks that the graph came out
    unfused and still passed parity, and returns the reporter's events and the export."""
    import onnx
    import onnxruntime.transformers.optimizer as optimizer

    monkeypatch.setattr(optimizer, "optimize_model", optimize_model)
    reporter = RecordingReporter()
    result = export_onnx(tiny, tmp_path / "onnx", prefix=PREFIX, parity_texts=TEXTS, max_length=MAX_LENGTH,
                         quantize=False, reporter=reporter)
    meta = json.loads((result.out_dir / "standardq_encoder.json").read_text(encoding="utf-8"))
    assert meta["fused"] == {} and result.parity_min_cosine >= 0.999
    assert not any(n.op_type == "Attention" for n in onnx.load(str(result.float_path)).graph.node)
    return reporter.events, result


def test_export_without_fusion_still_passes(tiny, tmp_path, monkeypatch):
    """An optimizer that fails leaves the exported graph as it was, and the export goes on."""
    def broken(*args, **kwargs):
        raise RuntimeError("no fusion today")

    events, _ = _export_unfused(tiny, tmp_path, monkeypatch, broken)
    assert any("graph fusion failed" in str(e) and "no fusion today" in str(e) for e in events)


def test_a_fusion_that_changes_the_numbers_is_not_kept(tiny, tmp_path, monkeypatch):
    """The optimizer assumes BERT's layout; if its graph computes something else (here: one
    weight doubled after fusing), the unfused graph is exported instead."""
    from onnx import numpy_helper
    import onnxruntime.transformers.optimizer as optimizer

    real = optimizer.optimize_model

    def misreading(*args, **kwargs):
        model = real(*args, **kwargs)
        init = max(model.model.graph.initializer, key=lambda t: int(np.prod(t.dims)) if t.data_type == 1 else 0)
        init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) * 2.0, init.name))
        return model

    events, result = _export_unfused(tiny, tmp_path, monkeypatch, misreading)
    assert any("differs from the exported one" in str(e) for e in events)
    assert sorted(p.name for p in result.out_dir.iterdir()) == ["model.onnx", "standardq_encoder.json",
                                                                "tokenizer.json"]


def test_graph_has_dynamic_batch_and_sequence(exported, torch_side):
    """The raw graph, fed by the torch tokenizer, for batch 1 and 7 and several lengths."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(exported[0].float_path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_ids", "attention_mask"]
    assert [o.name for o in session.get_outputs()] == ["embeddings"]
    model, tokenizer = torch_side
    for texts in (TEXTS[:1], TEXTS[5:6], TEXTS[:7], [LONG] + TEXTS[:6]):
        batch = tokenize(tokenizer, texts, PREFIX, MAX_LENGTH)
        feeds = {k: v.numpy() for k, v in batch.items()}
        assert feeds["input_ids"].dtype == np.int64
        got = session.run(None, feeds)[0]
        assert got.shape == (len(texts), 32)
        assert row_cos(got, torch_embed(torch_side, texts)).min() > 0.999


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_runtime_matches_torch(exported, torch_side, batch_size):
    encoder = OnnxEncoder(exported[0].out_dir)
    assert encoder.prefix == PREFIX and encoder.dim == 32
    texts = TEXTS + [LONG, "a"]
    got = encoder.encode(texts, batch_size=batch_size)
    assert got.shape == (len(texts), 32) and got.dtype == np.float32
    # Row by row against torch (texts are distinct, so this also checks the order).
    assert row_cos(got, torch_embed(torch_side, texts)).min() > 0.999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)


def test_runtime_order_and_encode_one(exported):
    encoder = OnnxEncoder(exported[0].out_dir, threads=1)
    texts = TEXTS + [LONG]
    forward = encoder.encode(texts, batch_size=4)
    backward = encoder.encode(texts[::-1], batch_size=4)[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-5)
    for i in (0, 5, 6, len(texts) - 1):
        one = encoder.encode_one(texts[i])
        assert one.shape == (32,) and one.dtype == np.float32
        assert float(one @ forward[i]) > 0.99999
        assert float(encoder.encode([texts[i]])[0] @ forward[i]) > 0.99999  # a lone text: encode_one's path
    other = encoder.encode(["你好", "再见"])
    assert float(other[0] @ other[1]) < 0.99999  # different texts, different vectors


def test_versions_with_the_same_tokenizer_parse_it_once(exported, tmp_path, monkeypatch):
    import json
    import shutil

    from tokenizers import Tokenizer

    from desktop_app.core import runtime
    from desktop_app.core.runtime import META_NAME

    folder = exported[0].out_dir
    copy = tmp_path / "another_version"
    shutil.copytree(folder, copy)  # a retrain writes the same tokenizer.json again...
    text = (copy / "tokenizer.json").read_text(encoding="utf-8")
    assert f'"max_length": {MAX_LENGTH}' in text.split('"added_tokens"')[0]
    text = text.replace(f'"max_length": {MAX_LENGTH}', '"max_length": 777', 1)  # ...with its own max length
    (copy / "tokenizer.json").write_text(text, encoding="utf-8")
    meta = json.loads((copy / META_NAME).read_text(encoding="utf-8"))
    meta["max_length"] = 5
    (copy / META_NAME).write_text(json.dumps(meta), encoding="utf-8")
    a = OnnxEncoder(folder, threads=1)
    parses = []
    real = Tokenizer.from_str
    monkeypatch.setattr(runtime.Tokenizer, "from_str", staticmethod(lambda text: parses.append(1) or real(text)))
    b = OnnxEncoder(copy, threads=1)
    assert parses == []  # the same file: parsed once (it holds the GIL while parsing)
    assert a._tokenizer is not b._tokenizer  # but each has its own settings
    reference = real((folder / "tokenizer.json").read_text(encoding="utf-8"))
    reference.no_padding()
    for text in TEXTS + [LONG, "<s>你好</s>", "ＡＢＣ１２３"]:
        want = reference.encode(PREFIX + text).ids
        if len(want) > MAX_LENGTH:  # truncation keeps <s> and </s>
            want = want[:MAX_LENGTH - 1] + want[-1:]
        assert a._tokenizer.encode(PREFIX + text).ids == want
    assert len(b._tokenizer.encode(PREFIX + LONG).ids) == 5  # its own truncation...
    assert len(a._tokenizer.encode(PREFIX + LONG).ids) == MAX_LENGTH  # ...and the first one's unchanged
    (copy / "tokenizer.json").write_text((folder / "tokenizer.json").read_text(encoding="utf-8") + " ",
                                         encoding="utf-8")
    OnnxEncoder(copy, threads=1)
    assert parses == [1]  # other content: parsed anew


def test_runtime_empty_and_bad_variant(exported):
    encoder = OnnxEncoder(exported[0].out_dir)
    empty = encoder.encode([])
    assert empty.shape == (0, 32) and empty.dtype == np.float32
    with pytest.raises(ValueError):
        OnnxEncoder(exported[0].out_dir, variant="fp16")


def test_int8_variant_close_to_float(exported):
    result = exported[0]
    f32 = OnnxEncoder(result.out_dir).encode(TEXTS)
    i8 = OnnxEncoder(result.out_dir, variant="int8").encode(TEXTS)
    assert i8.shape == f32.shape
    assert row_cos(i8, f32).min() > 0.9
    assert abs(row_cos(i8, f32).min() - result.int8_min_cosine) < 1e-4


def test_int8_quantizes_every_matmul(exported, tmp_path):
    """One quantization, of every MatMul (no float32 part left), whose graph runs close to float32."""
    import onnx

    from desktop_app.core.export import quantize_int8

    assert quantize_int8(exported[0].out_dir / "model.onnx", tmp_path / "q.onnx")
    ops = [n.op_type for n in onnx.load(str(tmp_path / "q.onnx")).graph.node]
    assert "MatMul" not in ops and any(op in ("MatMulInteger", "DynamicQuantizeMatMul", "QAttention") for op in ops)
    q = OnnxEncoder(exported[0].out_dir, variant="int8", filename=str(tmp_path / "q.onnx"))
    assert row_cos(q.encode(TEXTS), OnnxEncoder(exported[0].out_dir).encode(TEXTS)).min() > 0.9


def test_quantize_int8_failure_keeps_float(tmp_path):
    from desktop_app.core.export import quantize_int8

    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"not an onnx graph")
    assert not quantize_int8(broken, tmp_path / "q.onnx") and not (tmp_path / "q.onnx").exists()


def test_choose_variant_tries_int8_once(exported, tmp_path):
    """int8 serves when it holds the 0.5-point rule; when it misses, float32 serves, with no
    second graph tried, and the int8 file is left for keep_only to remove."""
    import shutil

    from desktop_app.core.pipeline import _choose_variant

    folder = tmp_path / "onnx"
    shutil.copytree(exported[0].out_dir, folder)
    before = (folder / "model.int8.onnx").read_bytes()
    variant, metrics = _choose_variant(folder, lambda enc: {"correct": np.array([True] * 10)}, key="val_top1")
    assert variant == "int8" and metrics["val_top1"] == metrics["val_top1_int8"] == 1.0
    calls = []

    def evaluate(enc):
        calls.append(enc.variant)
        return {"correct": np.array([True] * 9 + [enc.variant == "float32"])}

    variant, metrics = _choose_variant(folder, evaluate, key="val_top1")
    assert variant == "float32" and calls == ["float32", "int8"]
    assert metrics["val_top1_int8"] == 0.9 and metrics["val_top1"] == 1.0
    assert sorted(p.name for p in folder.glob("*.onnx")) == ["model.int8.onnx", "model.onnx"]
    assert (folder / "model.int8.onnx").read_bytes() == before


def test_export_into_empty_existing_folder_without_quantize(tiny, tmp_path):
    out = tmp_path / "onnx"
    out.mkdir()
    result = export_onnx(tiny, out, prefix="", parity_texts=TEXTS[:3], max_length=8, quantize=False)
    assert result.int8_path is None and result.int8_min_cosine is None
    assert not (out / "model.int8.onnx").exists()
    meta = json.loads((out / "standardq_encoder.json").read_text(encoding="utf-8"))
    assert "int8" not in meta["files"] and meta["prefix"] == ""
    with pytest.raises(FileNotFoundError):
        OnnxEncoder(out, variant="int8")
    # max_length 8 truncates: the runtime applies it like the torch tokenizer did.
    assert OnnxEncoder(out).encode([LONG]).shape == (1, 32)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["onnx"]


def test_export_refuses_non_empty_folder(tiny, tmp_path):
    out = tmp_path / "onnx"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ExportError):
        export_onnx(tiny, out, prefix=PREFIX, parity_texts=TEXTS)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_broken_parity_raises_and_leaves_nothing(tiny, tmp_path, monkeypatch):
    real_export = export_mod._export_graph

    def export_a_different_model(model, ids, mask, path):
        other = copy.deepcopy(model)
        with torch.no_grad():
            torch.manual_seed(1)
            for p in other.parameters():
                p.add_(torch.randn_like(p))
        real_export(other, ids, mask, path)

    monkeypatch.setattr(export_mod, "_export_graph", export_a_different_model)
    out = tmp_path / "onnx"
    with pytest.raises(ExportError, match="cosine"):
        export_onnx(tiny, out, prefix=PREFIX, parity_texts=TEXTS, max_length=MAX_LENGTH)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_nothing(tiny, tmp_path):
    reporter = RecordingReporter()
    reporter.cancel()
    with pytest.raises(Cancelled):
        export_onnx(tiny, tmp_path / "onnx", prefix=PREFIX, parity_texts=TEXTS, reporter=reporter)
    assert list(tmp_path.iterdir()) == []


def test_runtime_does_not_import_torch(exported):
    code = (
        "import sys\n"
        "from desktop_app.core.runtime import OnnxEncoder\n"
        f"enc = OnnxEncoder({str(exported[0].out_dir)!r}, variant='int8')\n"
        "v = enc.encode(['你好', '请问什么时候发货'])\n"
        "assert v.shape == (2, enc.dim), v.shape\n"
        "assert enc.encode_one('你好').shape == (enc.dim,)\n"
        "bad = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_length_chunks_split_where_lengths_jump():
    from desktop_app.core.runtime import length_chunks

    def cost(lengths, runs, call):
        return sum(call + (end - start) * lengths[end - 1] for start, end in runs)

    lengths = [4] * 20 + [40] * 3  # "在吗"s and three paragraphs: padding all to 40 wastes most
    runs = length_chunks(lengths, 32, call_cost=48)
    assert runs == [(0, 20), (20, 23)]
    assert cost(lengths, runs, 48) < cost(lengths, [(0, 23)], 48)
    assert length_chunks(lengths, 32, call_cost=10**9) == [(0, 23)]  # calls dear: one padded call
    uniform = length_chunks([10] * 100, 32, call_cost=48)  # never a run over the batch size
    assert sum(end - start for start, end in uniform) == 100 and max(end - start for start, end in uniform) <= 32
    assert len(uniform) == 4 and uniform[0][0] == 0 and uniform[-1][1] == 100
    assert length_chunks([], 32) == []
    # each run ends where the next starts, covering everything once, in order
    runs = length_chunks(sorted(np.random.default_rng(0).integers(3, 48, 200).tolist()), 64)
    assert runs[0][0] == 0 and runs[-1][1] == 200 and all(a[1] == b[0] for a, b in zip(runs, runs[1:]))
