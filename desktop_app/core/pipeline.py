"""The retrain path shared by the GUI and the CLI: snapshot -> train -> export -> evaluate -> index -> activate.

A shop is answered from the moment it has questions: `ensure_model` gives it a version built on
the untuned base encoder. A retrain makes a new version; the active one stays active until the new
one has been exported and indexed, and a failed or cancelled run leaves it untouched.
"""

from __future__ import annotations

import math
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import TrainConfig
from .encoders import input_prefix, resolve_base_model
from .evaluation import class_scores, top1
from .index import VectorIndex
from .export import FLOAT_NAME, TOKENIZER_NAME, embeddings_name, export_onnx, keep_only
from .matcher import sync_index
from .model_files import base_onnx_dir, graph_template_dir, link_identical, version_dir
from .reporter import NULL, Cancelled, Reporter
from .runtime import OnnxEncoder
from .shop_settings import load_settings
from .store import ModelVersion, Store, StoreError

KEEP_VERSIONS = 3
INT8_TOLERANCE = 0.005  # int8 serves queries if validation top-1 stays within 0.5 points
LOO_MAX_QUERIES = 1500  # leave-one-out sample size for the untuned version's thresholds
PARITY_TEXTS = 64  # torch against ONNX, once per export: a wrong export fails on any text


@dataclass
class RetrainResult:
    version: ModelVersion
    val_top1_before: float
    val_top1_after: float
    seconds: float


def build_index(store: Store, shop_id: int, version: ModelVersion, encoder: OnnxEncoder,
                reporter: Reporter = NULL) -> VectorIndex:
    """A fresh index of the store's current entries (not a snapshot: edits made meanwhile count)."""
    reporter.stage("index")
    index = VectorIndex(encoder.dim, capacity=1024)
    sync_index(store, shop_id, index, encoder)
    index.save(Path(version.index_path))
    reporter.progress(1, 1)
    return index


def _leave_one_out(encoder: OnnxEncoder, snapshot: dict) -> dict:
    """Untuned model: each operator-written similar question against all other entries."""
    texts, labels, queries = [], [], []
    for ci, cls in enumerate(snapshot["classes"]):
        texts.append(cls["text"])
        labels.append(ci)
        for text, generated in zip(cls["similar"], cls["generated"]):
            if not generated:
                queries.append(len(texts))
            texts.append(text)
            labels.append(ci)
    random.Random(0).shuffle(queries)
    queries = np.asarray(sorted(queries[:LOO_MAX_QUERIES]), dtype=np.int64)
    emb = encoder.encode(texts)
    if len(queries) == 0:
        return {"score": np.zeros(0), "correct": np.zeros(0, bool), "best_wrong": np.zeros(0)}
    scores = class_scores(emb[queries], emb, labels, len(snapshot["classes"]), exclude_self=queries)
    result = top1(scores, np.asarray(labels)[queries])
    return result


def ensure_model(store: Store, shop_id: int, reporter: Reporter = NULL) -> ModelVersion:
    """The active version, or a new one on the untuned base encoder (so a shop answers right away)."""
    active = store.active_version(shop_id)
    if active is not None:
        return active
    spec = load_settings(store, shop_id).effective_base_model
    onnx_dir = base_onnx_dir(spec, reporter)
    snapshot = store.training_snapshot(shop_id)
    version = store.add_version(shop_id, base_model=spec, loss="none", params={"runtime_variant": "float32"},
                                data_hash=snapshot["data_hash"], data_revision=snapshot["revision"],
                                status="indexing", onnx_dir=str(onnx_dir))
    vdir = version_dir(store.home, shop_id, version.id)
    try:
        reporter.stage("choose encoder")
        variant, metrics = _choose_variant(
            onnx_dir, lambda enc: _leave_one_out(enc, snapshot), key="loo_top1")
        encoder = OnnxEncoder(onnx_dir, variant=variant)
        metrics["eval"] = "leave-one-out on similar questions"
        version = store.update_version(version.id, index_path=str(vdir / "index.bin"), metrics=metrics,
                                       params={"runtime_variant": variant})
        build_index(store, shop_id, version, encoder, reporter)
        calibrate_version(store, shop_id, version, encoder, reporter, side_by_side=False)
        store.update_version(version.id, status="ready")
        return store.activate_version(version.id)
    except BaseException:
        store.update_version(version.id, status="failed")
        shutil.rmtree(vdir, ignore_errors=True)
        raise


def check_data(store: Store, shop_id: int, reporter: Reporter = NULL) -> list[dict]:
    """The data doctor before training, with the active model's embeddings when there is one."""
    from .doctor import examine_shop, summary

    findings, _ = examine_shop(store, shop_id, reporter)
    counts = summary(findings)
    reporter.log(f"data doctor: {counts['problem']} problems, {counts['warning']} warnings, {counts['info']} notes")
    for f in findings[:5]:
        reporter.log(f"  {f.severity}: {f.message}")
    return [f.to_dict() for f in findings]


def calibrate_version(store: Store, shop_id: int, version: ModelVersion, encoder: OnnxEncoder | None,
                      reporter: Reporter = NULL, side_by_side: bool = True, encoder_factory=None) -> ModelVersion:
    """Evaluate an indexed version, store its report and calibrated thresholds (report.py).
    `encoder`: the version's, when it is open already (None: opened with `encoder_factory`, as
    Matcher does); `encoder_factory` also opens the untuned encoder for the side-by-side scores."""
    from .matcher import Matcher
    from .report import base_encoder_for, build_report

    # Not services.quality.evaluate_version: this one reuses the encoder that is open already.
    matcher = Matcher(store, shop_id, version, encoder=encoder, encoder_factory=encoder_factory)
    base = base_encoder_for(version, reporter, encoder_factory) if side_by_side else None
    report = build_report(store, shop_id, version, matcher, base_encoder=base, reporter=reporter)
    thresholds = report["thresholds"]
    reporter.log(f"thresholds: answer >= {thresholds['answer']} (margin {thresholds.get('margin', 0)}), "
                 f"suggest >= {thresholds['suggest']}; {thresholds['method']}")
    return store.update_version(version.id, thresholds=thresholds, metrics={**version.metrics, "report": report})


def recalibrate(store: Store, shop_id: int, reporter: Reporter = NULL, encoder_factory=None) -> ModelVersion:
    """Calibrate the active version's thresholds again, without retraining: for the traffic the
    query log shows now (traffic_mix.py), once the inbox has been worked through. Servers and open
    matchers follow at their next query (the shop's revision moves)."""
    from .matcher import NoModelError

    version = store.active_version(shop_id)
    if version is None:
        raise NoModelError("this shop has no model yet: retrain it in the app or run `standardq train`")
    # both encoders (the version's and the untuned side by side) opened as the caller's are (a
    # child process in the GUI)
    version = calibrate_version(store, shop_id, version, None, reporter, encoder_factory=encoder_factory)
    store.touch(shop_id)
    return version


def _choose_variant(onnx_dir: Path, evaluate, key: str, reporter: Reporter = NULL,
                    float_top1: float | None = None) -> tuple[str, dict]:
    """float32 or int8 for queries: int8 if its top-1 stays within INT8_TOLERANCE of float32.
    Returns the variant and the metrics (each variant's top-1 under `key`).

    `float_top1` is float32's top-1 when the caller has it already (a retrain: torch's validation
    top-1 of the epoch it keeps, which the float32 graph matches to parity cosine 0.999), so the
    float32 graph is not loaded and run again.
    """
    from .export import INT8_NAME

    onnx_dir = Path(onnx_dir)
    if float_top1 is not None:
        metrics = {f"{key}_float32": float(float_top1)}
    else:
        encoder = OnnxEncoder(onnx_dir, variant="float32")
        f32 = evaluate(encoder)
        del encoder  # free its session (the float32 graph) before the int8 one opens
        metrics = {f"{key}_float32": float(f32["correct"].mean()) if len(f32["correct"]) else None}
    variant = "float32"
    floor = (metrics[f"{key}_float32"] or 0.0) - INT8_TOLERANCE
    if (onnx_dir / INT8_NAME).exists() and metrics[f"{key}_float32"] is not None:
        i8 = evaluate(OnnxEncoder(onnx_dir, variant="int8"))
        metrics[f"{key}_int8"] = float(i8["correct"].mean())
        if metrics[f"{key}_int8"] >= floor:
            variant = "int8"
        else:
            reporter.log(f"int8 top-1 {metrics[f'{key}_int8']:.3f} against float32 {metrics[f'{key}_float32']:.3f}: "
                         "float32 serves")
    metrics[key] = metrics[f"{key}_{variant}"]
    metrics["runtime_variant"] = variant
    return variant, metrics


def _evaluate_variant(encoder: OnnxEncoder, split, n_classes: int) -> dict:
    entries = encoder.encode(split.entry_texts)
    queries = encoder.encode(split.val_texts)
    return top1(class_scores(queries, entries, split.entry_labels, n_classes), split.val_labels)


def retrain(store: Store, shop_id: int, config: TrainConfig | None = None, reporter: Reporter = NULL,
            keep: int = KEEP_VERSIONS) -> RetrainResult:
    from .training import split_snapshot, train
    from .vocab_models import extend_for_texts

    t0 = time.time()
    config = config or TrainConfig(base_model=load_settings(store, shop_id).effective_base_model)
    snapshot = store.training_snapshot(shop_id)
    n_classes = len(snapshot["classes"])
    if n_classes < 2:
        raise StoreError("training needs at least 2 enabled standard questions")
    if config.offtopic_weight > 0:  # outlier exposure: what training pushes away from every question
        from .offtopic import training_offtopic

        snapshot["negatives"] = [n.norm for n in store.negatives(shop_id)]
        snapshot["offtopic"] = list(training_offtopic())
    doctor = check_data(store, shop_id, reporter)
    base = resolve_base_model(config.base_model, reporter)
    prefix = input_prefix(config.base_model)
    version = store.add_version(shop_id, base_model=config.base_model, loss=config.loss,
                                params=config.to_dict(), data_hash=snapshot["data_hash"],
                                data_revision=snapshot["revision"], status="training")
    vdir = version_dir(store.home, shop_id, version.id)
    try:
        texts = [t for c in snapshot["classes"] for t in [c["text"], *c["similar"]]] + snapshot.get("negatives", [])
        # A trimmed base gets back the pieces this shop's texts use (vocab_models).
        base_path = extend_for_texts(base.path, texts, prefix, vdir / "base", reporter)
        result = train(snapshot, config, base_path, prefix, None, reporter)
        shutil.rmtree(vdir / "base", ignore_errors=True)
        reporter.check_cancel()
        parity = random.Random(config.seed).sample(texts, min(PARITY_TEXTS, len(texts)))
        # Exported from memory, parity checked once (torch against float32 ONNX), int8 quantized
        # once; the accuracy guard below then runs on the int8 graph only.
        exported = export_onnx(None, vdir / "onnx", prefix=prefix, parity_texts=parity,
                               max_length=config.max_length, reporter=reporter,
                               model=result.model, tokenizer=result.tokenizer, int8_check=False,
                               template_dir=graph_template_dir(config.base_model))
        result.model = result.tokenizer = None
        reporter.check_cancel()

        reporter.stage("choose encoder")
        split = split_snapshot(snapshot, config)
        metrics = {"val_top1_untuned": result.val_top1_before, "val_top1_torch": result.val_top1_after,
                   "n_train": result.n_train, "n_val": result.n_val, "train_seconds": result.seconds,
                   "best_epoch": result.best_epoch, "history": result.history,
                   "parity_min_cosine": exported.parity_min_cosine,
                   "int8_min_cosine": exported.int8_min_cosine, "stopped_reason": result.stopped_reason}
        if split.val_texts:
            torch_top1 = result.val_top1_after if not math.isnan(result.val_top1_after) else None
            variant, found = _choose_variant(
                vdir / "onnx", lambda enc: _evaluate_variant(enc, split, n_classes), key="val_top1", reporter=reporter,
                float_top1=torch_top1)
        else:  # tiny shop: nothing held out, so this is leave-one-out on training data
            variant, found = _choose_variant(
                vdir / "onnx", lambda enc: _leave_one_out(enc, snapshot), key="loo_top1", reporter=reporter)
        metrics.update(found)
        keep_only(vdir / "onnx", variant)  # a version keeps the graph that serves, nothing else
        # Files equal to an earlier version's (the frozen word embeddings, the tokenizer) are linked.
        earlier = [Path(v.onnx_dir) for v in store.versions(shop_id)
                   if v.id != version.id and v.onnx_dir and not v.files_removed]
        link_identical(vdir / "onnx", earlier, (embeddings_name(vdir / "onnx" / FLOAT_NAME), TOKENIZER_NAME))
        # What the report needs later: the held-out questions, and which standard questions the
        # encoder saw (the others are the open set).
        metrics["heldout"] = [[t, snapshot["classes"][c]["id"]] for t, c in zip(split.val_texts, split.val_labels)]
        metrics["trained_ids"] = [c["id"] for c in snapshot["classes"]]
        metrics["outliers"] = result.outliers
        metrics["doctor"] = doctor
        reporter.check_cancel()

        params = {**config.to_dict(), "runtime_variant": variant}
        version = store.update_version(version.id, status="indexing", metrics=metrics, params=params,
                                       onnx_dir=str(vdir / "onnx"), index_path=str(vdir / "index.bin"))
        encoder = OnnxEncoder(vdir / "onnx", variant=variant)
        build_index(store, shop_id, version, encoder, reporter)
        reporter.check_cancel()
        version = calibrate_version(store, shop_id, version, encoder, reporter, side_by_side=True)
        reporter.check_cancel()
        store.update_version(version.id, status="ready")
        version = store.activate_version(version.id)
    except Cancelled:
        store.update_version(version.id, status="cancelled")
        shutil.rmtree(vdir, ignore_errors=True)
        raise
    except BaseException:
        store.update_version(version.id, status="failed")
        shutil.rmtree(vdir, ignore_errors=True)
        raise
    cleanup(store, shop_id, keep)
    return RetrainResult(version, result.val_top1_before, metrics.get("val_top1_" + variant, result.val_top1_after),
                         time.time() - t0)


def activate(store: Store, version_id: int, reporter: Reporter = NULL) -> ModelVersion:
    """Roll back (or forward) to a version: its index is rebuilt from the current store first."""
    version = store.version(version_id)
    if version.status != "ready" or version.files_removed or not version.onnx_dir:
        raise StoreError(f"model version {version_id} cannot be activated (status {version.status}"
                         f"{', files removed' if version.files_removed else ''})")
    encoder = OnnxEncoder(Path(version.onnx_dir), variant=version.params.get("runtime_variant", "float32"))
    build_index(store, version.shop_id, version, encoder, reporter)
    return store.activate_version(version_id)


def cleanup(store: Store, shop_id: int, keep: int = KEEP_VERSIONS) -> list[int]:
    """Remove files of all but the newest `keep` ready versions (the active one always stays)."""
    removed = []
    ready = [v for v in store.versions(shop_id) if v.status == "ready" and not v.files_removed]
    for v in ready[:-keep] if keep > 0 else ready:
        if v.active:
            continue
        shutil.rmtree(version_dir(store.home, shop_id, v.id), ignore_errors=True)
        store.update_version(v.id, files_removed=1)
        removed.append(v.id)
    return removed


def abandon_unfinished(store: Store, shop_id: int) -> list[int]:
    """Mark versions left mid-way by a killed or crashed job as failed and remove their files."""
    left = []
    for v in store.versions(shop_id):
        if v.status in ("training", "indexing") and not v.active:
            store.update_version(v.id, status="failed")
            shutil.rmtree(version_dir(store.home, shop_id, v.id), ignore_errors=True)
            left.append(v.id)
    return left


def retrain_job(home: str, shop_id: int, config: dict | None = None, reporter: Reporter = NULL) -> dict:
    """`retrain` with picklable arguments and result, for jobs.run_in_subprocess."""
    store = Store(Path(home))
    try:
        result = retrain(store, shop_id, TrainConfig.from_dict(config) if config else None, reporter)
        return {"version_id": result.version.id, "val_top1_before": result.val_top1_before,
                "val_top1_after": result.val_top1_after, "seconds": result.seconds}
    finally:
        store.close()


def retrain_in_subprocess(store: Store, shop_id: int, config: TrainConfig | None, reporter: Reporter) -> dict:
    """The GUI's retrain: in a child process, cancellable for real, cleaned up if it dies."""
    from .jobs import run_in_subprocess

    return run_in_subprocess(
        "desktop_app.core.pipeline:retrain_job",
        {"home": str(store.home), "shop_id": shop_id, "config": config.to_dict() if config else None},
        reporter, on_abandon=lambda: abandon_unfinished(store, shop_id),
    )
