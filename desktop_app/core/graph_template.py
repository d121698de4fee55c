"""Re-exporting a fine-tuned encoder by swapping weights into the fused graph of an earlier export.

Every retrain of a shop exports the same architecture: torch's ONNX export and onnxruntime's
transformer fusion (export.fuse_graph) rebuild the same graph each time, and only the weights
differ. Those two steps take 3-5 s of a 40 s small-shop retrain on 2 cores. A *template* is that
fused graph with its weights taken out, and a recipe saying which model weight (or weights)
each of its initializers is made of: the fused Attention node's weight, for instance, is the
query, key and value weights transposed and laid side by side. The recipe is found once, by
value: each initializer of a fused export is matched against the state dict it was exported
from. Filling the template from a new state dict then takes a fraction of a second.

A template is refused (None) when any initializer of more than a few numbers cannot be traced to
exactly one weight: a folded constant the recipe cannot rebuild would silently keep an old value.
The caller still checks the filled graph against torch (export's parity check) and falls back
to a full export when it disagrees.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

TEMPLATE_NAME = "graph_template.onnx"
RECIPE_NAME = "graph_template.json"
FORMAT = 1
SMALL = 16  # initializers with at most this many numbers are kept as they are (scales, epsilons)
PIECES = (3, 2)  # a fused initializer laid out of this many weights side by side (QKV; key + value)


def _digest(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a, dtype=np.float32)
    return hashlib.sha1(str(a.shape).encode() + a.tobytes()).hexdigest()


def _weights(state: dict) -> dict[str, np.ndarray]:
    """Float tensors of a torch state dict as numpy arrays."""
    out = {}
    for name, tensor in state.items():
        if tensor.is_floating_point():
            out[name] = tensor.detach().float().cpu().numpy()
    return out


def _lookup(weights: dict[str, np.ndarray]) -> dict[str, list[tuple[str, bool]]]:
    """digest -> [(weight name, transposed)], for each weight and its transpose."""
    table: dict[str, list[tuple[str, bool]]] = {}
    for name, a in weights.items():
        table.setdefault(_digest(a), []).append((name, False))
        if a.ndim == 2:
            table.setdefault(_digest(a.T), []).append((name, True))
    return table


def _trace(a: np.ndarray, table: dict) -> list | None:
    """[[weight, transposed], ...] whose last-axis concatenation is `a`; None if not exactly one way."""
    found = table.get(_digest(a), [])
    if len(found) == 1:
        return [list(found[0])]
    if found:
        return None  # two weights with the same values: which one is which later is unknown
    for k in PIECES:
        if a.shape[-1] % k:
            continue
        parts = np.split(a, k, axis=-1)
        traced = [table.get(_digest(p), []) for p in parts]
        if all(len(t) == 1 for t in traced):
            return [list(t[0]) for t in traced]
    return None


def build(fused_path: Path, state: dict, folder: Path, meta: dict) -> bool:
    """Write a template of the fused graph at `fused_path`, exported from `state` (a torch state
    dict), into `folder`; `meta`: what export records about the graph (its fused operators...).
    False when some initializer cannot be traced (nothing is written then)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(fused_path))
    weights = _weights(state)
    table = _lookup(weights)
    recipe = {}
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype != np.float32 or a.size <= SMALL:
            continue
        pieces = _trace(a, table)
        if pieces is None:
            return False
        recipe[init.name] = pieces
    if not recipe:
        return False
    for init in model.graph.initializer:
        if init.name in recipe:  # the weights go; name, type and shape stay
            shape = list(init.dims)
            init.CopyFrom(numpy_helper.from_array(np.zeros([0] * len(shape), np.float32), init.name))
    # Every weight of the model, used or not: a model with one more layer has all of these and
    # more, and must not get this graph.
    shapes = {name: list(a.shape) for name, a in weights.items()}
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".template-", dir=folder))
    try:
        graph = model.SerializeToString()
        (tmp / TEMPLATE_NAME).write_bytes(graph)
        # The graph's digest ties the pair together: two retrains writing templates at once
        # could otherwise leave one's recipe beside the other's graph.
        (tmp / RECIPE_NAME).write_text(json.dumps({"format": FORMAT, "graph_sha1": hashlib.sha1(graph).hexdigest(),
                                                   "recipe": recipe, "shapes": shapes, "meta": meta}),
                                       encoding="utf-8")
        for name in (TEMPLATE_NAME, RECIPE_NAME):
            os.replace(tmp / name, folder / name)
    finally:
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    return True


def fill(folder: Path, state: dict, out_path: Path, resizable: tuple[str, ...] = ()) -> dict | None:
    """Write the template in `folder` filled with `state`'s weights to `out_path`; returns the
    template's meta, or None when there is no usable template for this model (its weights are not
    the very names and shapes the template was made from, except the first axis of `resizable`
    ones: a shop's retrain can add vocabulary rows)."""
    import onnx
    from onnx import numpy_helper

    try:
        spec = json.loads((folder / RECIPE_NAME).read_text(encoding="utf-8"))
        graph = (folder / TEMPLATE_NAME).read_bytes()
        if spec.get("format") != FORMAT or spec.get("graph_sha1") != hashlib.sha1(graph).hexdigest():
            return None
        model = onnx.load_from_string(graph)
    except Exception:  # noqa: BLE001 - a missing, damaged or foreign file: export in full instead
        return None
    weights = _weights(state)
    if set(weights) != set(spec["shapes"]):
        return None
    for name, shape in spec["shapes"].items():
        have = weights[name]
        if have.ndim != len(shape):
            return None
        if list(have.shape) != shape and not (name in resizable and list(have.shape[1:]) == shape[1:]):
            return None
    recipe = spec["recipe"]
    for init in model.graph.initializer:
        pieces = recipe.get(init.name)
        if pieces is None:
            continue
        parts = [weights[name].T if transposed else weights[name] for name, transposed in pieces]
        value = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)
        init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float32), init.name))
    onnx.save(model, str(out_path))
    return spec.get("meta", {})


def discard(folder: Path) -> None:
    """Remove the template in `folder` (it filled a graph that did not match torch)."""
    for name in (RECIPE_NAME, TEMPLATE_NAME):
        try:
            (Path(folder) / name).unlink(missing_ok=True)
        except OSError:
            pass
