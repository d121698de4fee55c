"""Export a trained encoder to ONNX (+ optional dynamic int8) and prove it matches torch.

`export_onnx(model_dir, out_dir, prefix=..., parity_texts=[...])` writes, into a temporary sibling
folder renamed to `out_dir` only when everything passed:

    model.onnx               inputs input_ids, attention_mask (int64, dynamic batch x sequence);
                             output embeddings (batch, dim): masked mean pooling + L2 norm in-graph;
                             attention, layer norms and GELU fused into onnxruntime's kernels
                             where its transformer optimizer recognises them (see fuse_graph)
    model.int8.onnx          (quantize=True) dynamic int8 weights; optional for the caller
    tokenizer.json           the fast tokenizer, read by `tokenizers.Tokenizer.from_file`
    standardq_encoder.json   meta: prefix, max_length, dim, pad_id, files, parity numbers

The parity check runs the exported folder through `runtime.OnnxEncoder` (the very code the app
queries with: raw tokenizer.json + onnxruntime) and compares against torch on the same texts.
torch and transformers are imported inside the function, so importing this module is cheap.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .reporter import NULL, Reporter


META_NAME = "standardq_encoder.json"
FLOAT_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
TOKENIZER_NAME = "tokenizer.json"
OPSET = 17
MIN_PARITY_COSINE = 0.999
FORMAT = 1

# Used when the caller has no texts of its own: Chinese, mixed, ASCII, short and long.
DEFAULT_PARITY_TEXTS = [
    "你好",
    "请问这个商品什么时候发货？",
    "怎么申请退货退款，需要自己付运费吗",
    "order 12345 还没有到",
    "Is the XL size in stock?",
    "好",
    "这件衣服洗了以后会不会缩水，如果缩水了可以换吗？我买的是黑色的那款",
]


class ExportError(RuntimeError):
    """The export could not be produced or did not match the torch model."""


@dataclass
class ExportResult:
    out_dir: Path
    float_path: Path
    int8_path: Path | None
    parity_min_cosine: float
    int8_min_cosine: float | None
    int8_mean_cosine: float | None
    seconds: float


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"{out_dir} exists and is not an empty folder")


def _torch_embed(model, tokenizer, texts: list[str], prefix: str, max_length: int,
                 batch_size: int = 64) -> np.ndarray:
    import torch

    from .model import tokenize

    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tokenize(tokenizer, texts[start:start + batch_size], prefix, max_length)
            out.append(model(batch["input_ids"], batch["attention_mask"]).float().numpy())
    return np.concatenate(out, axis=0)


def _dummy_inputs(tokenizer, prefix: str, max_length: int, pad_id: int):
    """Two rows of different lengths, so the trace sees a padded (0) attention mask."""
    from .model import tokenize

    batch = tokenize(tokenizer, ["示例 example", "这是一个更长一点的示例句子 a longer example sentence"],
                     prefix, max_length)
    ids, mask = batch["input_ids"].clone(), batch["attention_mask"].clone()
    if bool(mask.all()):  # tiny max_length truncated both rows to the same length
        ids[0, -1] = pad_id
        mask[0, -1] = 0
    return ids, mask


def _export_graph(model, ids, mask, path: Path) -> None:
    import torch

    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated (but needs no onnxscript); the tracer warnings
        # come from shape checks in transformers' mask helpers that are constant for encoders.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message=".*aten::index.*")
        torch.onnx.export(
            model, (ids, mask), str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embeddings"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "embeddings": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


FUSED_MIN_COSINE = 0.9999  # fused against unfused onnxruntime outputs: kernel rounding, nothing more


def fuse_graph(path: Path, config, inputs: dict, reporter: Reporter = NULL) -> dict:
    """Rewrite the graph at `path` with onnxruntime's transformer fusions (Attention,
    EmbedLayerNormalization, SkipLayerNormalization, BiasGelu); returns the fused-op counts, {} if
    nothing was fused, the optimizer failed, or the fused graph's embeddings for `inputs` (a padded
    batch) differ from the unfused one's: then the graph is left as exported, so a model the
    optimizer misreads (it assumes BERT's layout) still exports as before.

    Fewer, larger kernels: demo-shop float32 query 6.1 -> 5.4 ms p50 on 2 cores, and the int8
    graphs quantized from it run faster too (QAttention). The exported graph must use eager
    attention: the optimizer does not recognise the SDPA pattern, and fuses no Attention then.
    """
    fused_path = path.with_name("fused." + path.name)
    try:
        import onnxruntime as ort
        from onnxruntime.transformers.fusion_options import FusionOptions
        from onnxruntime.transformers.optimizer import optimize_model

        # Passes a BERT encoder never matches, skipped: 2.5 -> 1.7 s for e5-small, the same fusions.
        options = FusionOptions("bert")
        options.enable_rotary_embeddings = False
        options.enable_qordered_matmul = False
        model = optimize_model(str(path), model_type="bert", num_heads=int(config.num_attention_heads),
                               hidden_size=int(config.hidden_size), opt_level=0, optimization_options=options)
        fused = {k: int(v) for k, v in model.get_fused_operator_statistics().items() if v}
        if not fused:
            return {}
        model.save_model_to_file(str(fused_path))
        del model
        outputs = [ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, inputs)[0]
                   for p in (path, fused_path)]
        cos = float(np.min(np.sum(outputs[0] * outputs[1], axis=1)))
        if not cos >= FUSED_MIN_COSINE:
            reporter.log(f"the fused graph differs from the exported one (min cosine {cos:.6f}); keeping the unfused graph")
            return {}
        os.replace(fused_path, path)
        return fused
    except Exception as exc:  # noqa: BLE001 - fusion is an optimisation only
        reporter.log(f"graph fusion failed ({exc!r}); keeping the unfused graph")
        return {}
    finally:
        fused_path.unlink(missing_ok=True)


def quantize_int8(float_path: Path, int8_path: Path, reporter: Reporter = NULL) -> bool:
    """Dynamic int8 (QInt8 weights, per output channel) of every MatMul and the embedding tables.

    Per-channel scales keep a fine-tuned model's accuracy (smp2019 test top-1: per-tensor lost 0.7
    points against float32, per-channel none) at the same latency.

    No `quant_pre_process` first: on the fused graph it quantized exactly the same nodes into the
    same outputs (mean / min cosine to float32 0.99701 / 0.99244 either way, trimmed e5-small)
    and took half of the 5.3 s. Nor a second, mixed graph with the feed-forward
    down-projections in float32: with the trimmed vocabulary it held the accuracy guard on no
    shop measured (demo, smp2019, the small shop), and trying it cost each retrain another
    quantization and evaluation (bench/RESULTS.md, issue 11).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    root.addFilter(_no_preprocessing_advice)
    try:
        # Fused graphs hold com.microsoft ops that ONNX shape inference cannot type: their outputs are float.
        quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})  # onnx.TensorProto.FLOAT
        return True
    except Exception as exc:  # noqa: BLE001 - int8 is optional: keep the float export
        reporter.log(f"int8 quantization failed: {exc!r}; only the float32 model is exported")
        int8_path.unlink(missing_ok=True)
        return False
    finally:
        root.removeFilter(_no_preprocessing_advice)


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    """onnxruntime logs advice to run quant_pre_process on every call; skipping it is deliberate."""
    return not record.getMessage().startswith("Please consider to run pre-processing")


def _parity(folder: Path, texts: list[str], reference: np.ndarray) -> tuple[float, np.ndarray]:
    """The least cosine between the folder's float32 graph and torch's `reference` embeddings of
    `texts` (nan if any is not finite), and the graph's embeddings."""
    from .runtime import OnnxEncoder

    try:
        encoder = OnnxEncoder(folder, variant="float32")
        onnx_emb = encoder.encode(texts)
        # The latency path (batch 1, no padding) must agree too.
        singles = np.stack([encoder.encode_one(t) for t in texts[:3]])
    except Exception as exc:
        raise ExportError(f"onnxruntime cannot run the exported model: {exc}") from exc
    cos = np.concatenate([np.sum(reference * onnx_emb, axis=1), np.sum(reference[:3] * singles, axis=1)])
    return (float(np.min(cos)) if np.all(np.isfinite(cos)) else float("nan")), onnx_emb


def _write_graph(model, ids, mask, float_path: Path, template_dir: Path | None,
                 reporter: Reporter) -> tuple[dict, bool]:
    """The fused float32 graph of `model` at `float_path`: from the template in `template_dir` when
    one fits this model (graph_template), else exported and fused, and then kept as the template.
    Returns (fused-op counts, whether the template was used)."""
    import torch

    from . import graph_template

    state = None
    if template_dir is not None:
        state = model.state_dict()
        resizable = tuple(n for n in state if n.endswith("word_embeddings.weight"))  # a shop adds pieces
        meta = graph_template.fill(template_dir, state, float_path, resizable)
        if meta is not None and meta.get("opset") == OPSET:
            reporter.log("graph: the fused template filled with this model's weights")
            return meta.get("fused", {}), True
    try:
        with torch.no_grad():
            _export_graph(model, ids, mask, float_path)
    except Exception as exc:
        raise ExportError(f"torch.onnx.export failed: {exc}") from exc
    reporter.check_cancel()
    fused = fuse_graph(float_path, model.config, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()},
                       reporter)
    if template_dir is not None and fused:
        try:
            if not graph_template.build(float_path, state, template_dir, {"fused": fused, "opset": OPSET}):
                reporter.log("graph template: some weights of the fused graph could not be traced; none kept")
        except OSError as exc:  # a read-only cache: every export is a full one then
            reporter.log(f"graph template not saved: {exc}")
    return fused, False


def export_onnx(model_dir: Path | None, out_dir: Path, *, prefix: str, parity_texts: list[str],
                max_length: int = 64, quantize: bool = True, reporter: Reporter = NULL,
                model=None, tokenizer=None, int8_check: bool = True,
                template_dir: Path | None = None) -> ExportResult:
    """Export `model_dir` (a saved SentenceEncoder + fast tokenizer) into `out_dir`.

    `model` and `tokenizer` (a SentenceEncoder and its transformers tokenizer) export a model in
    memory instead: a retrain then neither writes the fine-tuned weights nor reads them back.
    `int8_check` off skips encoding the parity texts with the int8 graph (the retrain's accuracy
    guard runs on it anyway). `template_dir`: where the fused graph of this architecture is kept
    between exports (graph_template): a retrain then fills it instead of exporting and fusing
    again. The parity check below runs either way; a filled graph that fails it is thrown away
    with its template, and the model is exported in full.

    `out_dir` must not exist or be empty. Raises ExportError when the ONNX embeddings do not match
    torch (min cosine < 0.999) or the export fails; then `out_dir` is left as it was.
    """
    t0 = time.time()
    model_dir, out_dir = (Path(model_dir) if model_dir is not None else None), Path(out_dir)
    _check_out_dir(out_dir)
    texts = [t for t in (parity_texts or []) if t is not None] or list(DEFAULT_PARITY_TEXTS)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        reporter.stage("export", total=1)
        reporter.log(f"loading the encoder from {model_dir}")
        import torch
        from transformers import AutoTokenizer

        from .model import SentenceEncoder
        from .runtime import OnnxEncoder

        if tokenizer is None:
            tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            raise ExportError(f"{model_dir} has no fast tokenizer (tokenizer.json): the runtime needs one")
        if model is None:
            try:  # eager attention: the pattern graph fusion recognises (see fuse_graph)
                model = SentenceEncoder.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
            except (TypeError, ValueError):  # an architecture without the option
                model = SentenceEncoder.from_pretrained(model_dir, dtype=torch.float32)
        else:
            try:
                model.encoder.set_attn_implementation("eager")
            except (AttributeError, TypeError, ValueError):
                pass
        model.eval()
        pad_id = tokenizer.pad_token_id
        if pad_id is None:
            pad_id = getattr(model.config, "pad_token_id", None) or 0
        reporter.check_cancel()

        float_path = tmp / FLOAT_NAME
        ids, mask = _dummy_inputs(tokenizer, prefix, max_length, pad_id)
        fused, from_template = _write_graph(model, ids, mask, float_path, template_dir, reporter)
        reporter.log("fused: " + (", ".join(f"{k} x{n}" for k, n in fused.items()) if fused else "nothing"))
        backend.save(str(tmp / TOKENIZER_NAME))
        meta = {
            "format": FORMAT,
            "prefix": prefix,
            "max_length": int(max_length),
            "dim": model.dim,
            "pad_id": int(pad_id),
            "opset": OPSET,
            "fused": fused,
            "graph": "template" if from_template else "export",  # graph_template filled, or exported
            "files": {"float32": FLOAT_NAME, "tokenizer": TOKENIZER_NAME},
        }
        _write_meta(tmp, meta)
        reporter.progress(1, 1)
        reporter.check_cancel()

        reporter.stage("parity", total=len(texts))
        reference = _torch_embed(model, tokenizer, texts, prefix, max_length)
        try:
            parity, onnx_emb = _parity(tmp, texts, reference)
        except ExportError:
            if not from_template:
                raise
            parity = float("nan")
        if from_template and not parity >= MIN_PARITY_COSINE:
            # Never seen; but a template must not cost the operator a retrain: export in full.
            reporter.log(f"the filled template does not match torch (min cosine {parity:.6f}); exporting in full")
            from . import graph_template

            graph_template.discard(template_dir)
            meta["fused"], _ = _write_graph(model, ids, mask, float_path, template_dir, reporter)
            meta["graph"] = "export"
            _write_meta(tmp, meta)
            parity, onnx_emb = _parity(tmp, texts, reference)
        reporter.metric("parity_min_cosine", parity)
        reporter.progress(len(texts), len(texts))
        if not parity >= MIN_PARITY_COSINE:
            raise ExportError(
                f"ONNX embeddings do not match torch: min cosine {parity:.6f} < {MIN_PARITY_COSINE}")
        reporter.log(f"float32 parity: min cosine {parity:.6f} on {len(texts)} texts")
        reporter.check_cancel()

        int8_path = int8_min = int8_mean = None
        if quantize:
            reporter.stage("quantize", total=1)
            if quantize_int8(float_path, tmp / INT8_NAME, reporter):
                reporter.check_cancel()
                meta["files"]["int8"] = INT8_NAME
                _write_meta(tmp, meta)
                try:
                    q = OnnxEncoder(tmp, variant="int8").encode(texts if int8_check else texts[:1])
                    qcos = np.sum(q * onnx_emb[:len(q)], axis=1)  # int8_check off: one text, that it runs
                    int8_min, int8_mean = float(np.min(qcos)), float(np.mean(qcos))
                    int8_path = out_dir / INT8_NAME
                    reporter.metric("int8_min_cosine", int8_min)
                    reporter.log(f"int8 vs float32: min cosine {int8_min:.4f}, mean {int8_mean:.4f}")
                except Exception as exc:  # noqa: BLE001 - a quantized graph ORT cannot run
                    reporter.log(f"the int8 model does not run: {exc!r}; dropped")
                    (tmp / INT8_NAME).unlink(missing_ok=True)
                    del meta["files"]["int8"]
            reporter.progress(1, 1)
            reporter.check_cancel()

        meta["parity"] = {"min_cosine": parity, "int8_min_cosine": int8_min,
                          "int8_mean_cosine": int8_mean, "texts": len(texts)}
        _write_meta(tmp, meta)
        if out_dir.exists():
            out_dir.rmdir()  # checked empty above
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(
        out_dir=out_dir, float_path=out_dir / FLOAT_NAME, int8_path=int8_path,
        parity_min_cosine=parity, int8_min_cosine=int8_min, int8_mean_cosine=int8_mean,
        seconds=time.time() - t0,
    )


def _write_meta(folder: Path, meta: dict) -> None:
    (folder / META_NAME).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def keep_only(out_dir: Path, variant: str) -> None:
    """Remove every graph but `variant`'s from an export folder (and from its meta file): a model
    version keeps the graph that serves and its tokenizer. A float32 graph that serves is stored
    with float16 weights (halve_weights)."""
    out_dir = Path(out_dir)
    meta = json.loads((out_dir / META_NAME).read_text(encoding="utf-8"))
    files = meta.get("files", {})
    if variant not in files:
        raise ExportError(f"{out_dir} has no {variant} model")
    for name in [v for v in files if v not in (variant, "tokenizer")]:
        (out_dir / files.pop(name)).unlink(missing_ok=True)
    if variant == "float32" and not meta.get("float16_storage"):
        meta["float16_storage"] = halve_weights(out_dir / files["float32"])
        sidecar = embeddings_name(out_dir / files["float32"])
        if meta["float16_storage"] and (out_dir / sidecar).exists():
            meta["external"] = [sidecar]  # data files the graph reads: copy them with it
    if variant == "int8" and save_optimized(out_dir / files["int8"]):
        meta["optimized"] = [files["int8"]]
    _write_meta(out_dir, meta)


def save_optimized(path: Path, reporter: Reporter = NULL) -> bool:
    """Replace the graph at `path` with onnxruntime's optimized form of it (level EXTENDED: the
    fusions, none of ALL's hardware-specific layouts), so that opening it optimizes nothing.
    Not for a float16-stored graph: folding its Casts would write float32 weights again."""
    import onnxruntime as ort

    path = Path(path)
    out = path.with_name("opt." + path.name)
    try:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(out)
        ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        os.replace(out, path)
        return True
    except Exception as exc:  # noqa: BLE001 - an optimisation only
        reporter.log(f"saving the optimized graph failed ({exc!r})")
        return False
    finally:
        out.unlink(missing_ok=True)


HALF_MIN_SIZE = 1 << 16
HALF_MIN_COSINE = 0.9999  # against the float32 graph on a padded batch: rounding, nothing more


def halve_weights(path: Path, reporter: Reporter = NULL) -> bool:
    """Store the large weight matrices of the float32 graph at `path` as float16, each behind a
    Cast to float32: onnxruntime folds the Casts when it loads the graph, so it computes in
    float32 as before, from a file half the size (e5: 144 -> 72 MB). The weights come from 4-bit
    blocks with float16 scales plus a fine-tuning step, so float16 loses next to nothing (demo
    shop: validation embeddings at cosine 1.0000, the same answers); checked here on a padded
    batch, and the file is left as it was if the check fails. Returns whether it was rewritten.

    Quantize before this: the quantizer only sees weights that are initializers of the MatMuls.
    """
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper

    path = Path(path)
    half = path.with_name("half." + path.name)
    done = False
    try:
        model = onnx.load(str(path))
        kept, casts = [], []
        for init in model.graph.initializer:
            arr = numpy_helper.to_array(init)
            if arr.dtype != np.float32 or arr.ndim != 2 or arr.size < HALF_MIN_SIZE:
                kept.append(init)
                continue
            kept.append(numpy_helper.from_array(arr.astype(np.float16), init.name + "_fp16"))
            casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=onnx.TensorProto.FLOAT,
                                          name=init.name + "_cast"))
        if not casts:
            return False
        del model.graph.initializer[:]
        model.graph.initializer.extend(kept)
        nodes = list(model.graph.node)
        del model.graph.node[:]
        model.graph.node.extend(casts + nodes)
        _word_embeddings_beside(model, path)
        onnx.save(model, str(half))
        del model
        ids = np.array([[0, 6, 7, 8, 9, 10, 2], [0, 11, 12, 2, 1, 1, 1]], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": (ids != 1).astype(np.int64)}
        a, b = (ort.InferenceSession(str(x), providers=["CPUExecutionProvider"]).run(None, feed)[0]
                for x in (path, half))
        cos = float(np.min(np.sum(a * b, axis=1)))
        if not cos >= HALF_MIN_COSINE:
            reporter.log(f"float16 storage moved the embeddings (min cosine {cos:.6f}); float32 kept")
            return False
        os.replace(half, path)
        done = True
        return True
    except Exception as exc:  # noqa: BLE001 - a smaller file is an optimisation only
        reporter.log(f"float16 storage failed ({exc!r}); float32 kept")
        return False
    finally:
        if not done:  # the graph stays as it was: no half file, no embeddings file
            half.unlink(missing_ok=True)
            (path.parent / embeddings_name(path)).unlink(missing_ok=True)


def embeddings_name(graph: Path) -> str:
    """The file beside a float16-stored graph that holds its word-embedding table."""
    return Path(graph).stem + ".embeddings.bin"


def _word_embeddings_beside(model, path: Path) -> None:
    """Store the graph's word-embedding table (float16) in a file of its own beside it, as ONNX
    external data. Training never changes those rows, so the versions of a shop hold the same
    bytes there, and a retrain links the file to the previous version's instead of writing
    another copy (model_files.link_identical; 29.5 MB of e5's 72.7)."""
    from onnx import TensorProto

    table = next((i for i in model.graph.initializer if "word_embeddings" in i.name and i.raw_data), None)
    if table is None:
        return
    name = embeddings_name(path)
    (path.parent / name).write_bytes(table.raw_data)
    size = len(table.raw_data)
    table.ClearField("raw_data")
    table.data_location = TensorProto.EXTERNAL
    del table.external_data[:]
    for key, value in (("location", name), ("offset", "0"), ("length", str(size))):
        entry = table.external_data.add()
        entry.key, entry.value = key, value
