"""A shop's model as a read-only folder: what a stateless server (or another system) needs to match.

    standardq export-model --shop S --out DIR      (Model ▸ Export model… in the app)
    standardq serve --bundle DIR [--log-db FILE]

The folder holds the served ONNX encoder with its tokenizer and `standardq_encoder.json` (the
runtime's contract: prefix, max length, pooling done in the graph), the index synced to the
store at export time, the standard questions it answers with (id, text, category, answer), the
entry owners and texts (for twins), the thresholds in force, and `manifest.json` with the SHA-256
of every file. Nothing in it is written at serving time, so several server processes can share
one copy behind a load balancer.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

from .. import __version__
from .base_weights import sha256
from .index import VectorIndex
from .matcher import Matcher, effective_thresholds
from .runtime import META_NAME, OnnxEncoder
from .store import Store, StoreError
from .twins import Twins

FORMAT = 1
MANIFEST = "manifest.json"
INDEX = "index.bin"
OFFTOPIC_INDEX = "index.offtopic.bin"
QUESTIONS = "questions.json"


class BundleError(StoreError):
    pass


def export_bundle(store: Store, shop_id: int, out_dir: Path) -> Path:
    """Write the shop's active model as a bundle folder at `out_dir` (created; must be empty or absent)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BundleError(f"{out_dir} is not empty: choose a new folder")
    version = store.active_version(shop_id)
    if version is None or version.files_removed or not version.onnx_dir:
        raise BundleError("this shop has no model to export yet: retrain it first")
    variant = version.params.get("runtime_variant", "float32")
    src = Path(version.onnx_dir)
    meta = json.loads((src / META_NAME).read_text(encoding="utf-8"))
    files = meta.get("files", {})
    tmp = out_dir.with_name(out_dir.name + f".{os.getpid()}.part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # the served graph only, under the name the meta file gives it
    kept = {"tokenizer": files.get("tokenizer", "tokenizer.json"), variant: files[variant]}
    for name in [*kept.values(), *meta.get("external", [])]:  # external: the graph's data files
        shutil.copy2(src / name, tmp / name)
    (tmp / META_NAME).write_text(json.dumps({**meta, "files": kept}, ensure_ascii=False, indent=1), encoding="utf-8")

    # The version's own index, brought up to the store's revision: only what changed is embedded.
    matcher = Matcher(store, shop_id, version, encoder=OnnxEncoder(tmp, variant=variant))
    index = matcher.index
    index.save(tmp / INDEX)
    matcher.offtopic_index.save(tmp / OFFTOPIC_INDEX)
    lookup = store.standard_lookup(shop_id)
    questions = {
        "standard": [{"id": i, "text": q["text"], "category": q["category"], "answer": q["answer"]}
                     for i, q in lookup.items() if q.get("enabled", 1)],
        "entries": [[e.label, e.standard_id, e.norm] for e in store.index_entries(shop_id) if e.label in index.texts],
        "offtopic_own": sorted(matcher._offtopic_own),
    }
    (tmp / QUESTIONS).write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    shop = store.shop(shop_id)
    manifest = {
        "format": FORMAT, "standardq": __version__, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "shop": {"id": shop.id, "name": shop.name, "revision": index.revision},
        "model_version": version.id, "variant": variant, "base_model": version.base_model,
        "thresholds": {k: v for k, v in effective_thresholds(store, shop_id, version).items()
                       if k in ("answer", "suggest", "margin", "guard", "shadow")},
        "files": {p.name: sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()},
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if out_dir.exists():
        out_dir.rmdir()
    os.replace(tmp, out_dir)
    return out_dir


def read_manifest(folder: Path, verify: bool = True) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"{folder} is not a StandardQ model bundle ({MANIFEST}: {exc})") from None
    if manifest.get("format") != FORMAT:
        raise BundleError(f"{folder}: bundle format {manifest.get('format')} (this StandardQ reads {FORMAT})")
    if verify:
        for name, digest in manifest["files"].items():
            path = folder / name
            if not path.is_file() or sha256(path) != digest:
                raise BundleError(f"{path} is missing or was changed since the export")
    return manifest


class BundleMatcher(Matcher):
    """A Matcher over a bundle folder: the same query path and decision, no store, nothing written."""

    def __init__(self, folder: Path, encoder_factory=None):  # noqa: D107 - Matcher's store-based init not called
        folder = Path(folder)
        self.manifest = read_manifest(folder)
        self.folder = folder
        self.store = None
        self.shop_id = self.manifest["shop"]["id"]
        self.version = SimpleNamespace(id=self.manifest["model_version"], params={"runtime_variant":
                                                                                 self.manifest["variant"]})
        self.encoder = (encoder_factory or OnnxEncoder)(folder, variant=self.manifest["variant"])
        self.index = VectorIndex.load(folder / INDEX)
        questions = json.loads((folder / QUESTIONS).read_text(encoding="utf-8"))
        # format-1 bundles written before the off-topic index have none: no guard then
        has_offtopic = (folder / OFFTOPIC_INDEX).is_file()
        self.offtopic_index = VectorIndex.load(folder / OFFTOPIC_INDEX) if has_offtopic else VectorIndex(self.index.dim)
        self._offtopic_own = set(questions.get("offtopic_own", []))
        self._shop_score = {}  # built-in label -> best shop score (shadowing), worked out as needed
        self._lookup = {q["id"]: q for q in questions["standard"]}
        self._owner = {label: sq for label, sq, _ in questions["entries"] if sq in self._lookup}
        self.twins = Twins.of((sq, norm) for _, sq, norm in questions["entries"])
        self.thresholds = dict(self.manifest["thresholds"])
        self._revision = self.manifest["shop"]["revision"]

    def refresh(self, force: bool = False) -> None:
        """A bundle does not change."""
