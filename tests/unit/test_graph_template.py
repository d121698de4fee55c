"""Re-exports that fill the fused graph of an earlier export with new weights (graph_template)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from desktop_app.core import graph_template  # noqa: E402
from desktop_app.core.export import export_onnx  # noqa: E402
from desktop_app.core.model import SentenceEncoder  # noqa: E402
from desktop_app.core.reporter import RecordingReporter  # noqa: E402
from desktop_app.core.runtime import OnnxEncoder  # noqa: E402
from tests.tiny_model import build_tiny_bert  # noqa: E402

TEXTS = ["你好", "请问这个商品什么时候发货？", "order 12345 还没有到", "Is the XL size in stock?", "好",
         "怎么申请退货退款，需要自己付运费吗", "发票可以开公司抬头吗"]
FILLED = "the fused template filled"


def _model(folder, seed):
    """A tiny encoder whose every weight is distinct (a fresh BERT's layer norms are all ones:
    the template cannot tell them apart, and refuses them; a pretrained model's differ)."""
    from transformers import AutoTokenizer

    model = SentenceEncoder.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * 0.05)
    return model.eval(), AutoTokenizer.from_pretrained(str(folder))


def _export(model, tokenizer, out, template, reporter=None):
    reporter = reporter or RecordingReporter()
    result = export_onnx(None, out, prefix="query: ", parity_texts=TEXTS, max_length=32, quantize=False,
                         model=model, tokenizer=tokenizer, template_dir=template, reporter=reporter)
    return result, "\n".join(str(v) for k, v in reporter.events if k == "log")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert", vocab_size=3000)


def test_second_export_fills_the_template_and_matches_a_full_export(tiny, tmp_path):
    template = tmp_path / "template"
    first, log = _export(*_model(tiny, 1), tmp_path / "a", template)
    assert FILLED not in log and (template / graph_template.RECIPE_NAME).exists()
    meta = json.loads((tmp_path / "a" / "standardq_encoder.json").read_text())
    assert meta["fused"].get("Attention") == 2  # the template is of the fused graph

    model, tokenizer = _model(tiny, 2)  # "fine-tuned": other weights, same architecture
    filled, log = _export(model, tokenizer, tmp_path / "b", template)
    assert FILLED in log
    assert filled.parity_min_cosine >= 0.9999
    filled_meta = json.loads((tmp_path / "b" / "standardq_encoder.json").read_text())
    assert filled_meta["fused"] == meta["fused"] and (meta["graph"], filled_meta["graph"]) == ("export", "template")
    full, log = _export(model, tokenizer, tmp_path / "c", None)
    assert FILLED not in log
    a = OnnxEncoder(tmp_path / "b", variant="float32").encode(TEXTS)
    b = OnnxEncoder(tmp_path / "c", variant="float32").encode(TEXTS)
    assert np.min(np.sum(a * b, axis=1)) > 0.99999
    # and it is not the first model's graph
    old = OnnxEncoder(tmp_path / "a", variant="float32").encode(TEXTS)
    assert np.min(np.sum(a * old, axis=1)) < 0.999


def test_another_architecture_or_a_damaged_template_exports_in_full(tiny, tmp_path):
    template = tmp_path / "template"
    _export(*_model(tiny, 1), tmp_path / "a", template)
    wider = build_tiny_bert(tmp_path / "wider", vocab_size=3000, num_layers=3)
    result, log = _export(*_model(wider, 3), tmp_path / "b", template)
    assert FILLED not in log and result.parity_min_cosine >= 0.999
    (template / graph_template.TEMPLATE_NAME).write_bytes(b"not a graph")
    result, log = _export(*_model(tiny, 4), tmp_path / "c", template)
    assert FILLED not in log and result.parity_min_cosine >= 0.999
    result, log = _export(*_model(tiny, 5), tmp_path / "d", template)  # the full export wrote it again
    assert FILLED in log


def test_a_recipe_that_builds_the_wrong_graph_falls_back_to_a_full_export(tiny, tmp_path):
    template = tmp_path / "template"
    _export(*_model(tiny, 1), tmp_path / "a", template)
    spec = json.loads((template / graph_template.RECIPE_NAME).read_text())
    # Swap the sources of two initializers of the same shape: a valid file, the wrong weights.
    by_shape = {}
    for name, pieces in spec["recipe"].items():
        by_shape.setdefault(str([spec["shapes"][w] + [t] for w, t in pieces]), []).append(name)
    a, b = next(names for names in by_shape.values() if len(names) >= 2)[:2]
    spec["recipe"][a], spec["recipe"][b] = spec["recipe"][b], spec["recipe"][a]
    (template / graph_template.RECIPE_NAME).write_text(json.dumps(spec))
    result, log = _export(*_model(tiny, 2), tmp_path / "b", template)
    assert FILLED in log and "exporting in full" in log
    assert result.parity_min_cosine >= 0.999
    _, log = _export(*_model(tiny, 3), tmp_path / "c", template)  # a good template again
    assert FILLED in log and "exporting in full" not in log


def test_weights_that_cannot_be_told_apart_make_no_template(tiny, tmp_path):
    from transformers import AutoTokenizer

    model = SentenceEncoder.from_pretrained(tiny, dtype=torch.float32, attn_implementation="eager").eval()
    # A fresh BERT: every layer norm is ones and zeros, so no recipe can say which is which.
    _, log = _export(model, AutoTokenizer.from_pretrained(str(tiny)), tmp_path / "a", tmp_path / "template")
    assert "could not be traced" in log
    assert not (tmp_path / "template" / graph_template.RECIPE_NAME).exists()


def test_a_shop_with_more_vocabulary_rows_fills_the_same_template(tiny, tmp_path):
    template = tmp_path / "template"
    _export(*_model(tiny, 1), tmp_path / "a", template)
    model, tokenizer = _model(tiny, 2)
    rows = model.encoder.get_input_embeddings().weight.shape[0]
    model.encoder.resize_token_embeddings(rows + 7)  # pieces a shop's texts brought back (vocab_models)
    result, log = _export(model, tokenizer, tmp_path / "b", template)
    assert FILLED in log and "exporting in full" not in log and result.parity_min_cosine >= 0.9999
