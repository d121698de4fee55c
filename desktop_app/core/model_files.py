"""Where a shop's model files live, in one place.

`<home>/shops/<shop id>/v<version id>/` holds a version's ONNX encoder and index; the untuned base
encoder is exported once per user into `<cache>/onnx/<export version>/<model>/`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..paths import cache_dir
from .encoders import DEFAULT_BASE_MODEL, input_prefix, resolve_base_model
from .reporter import NULL, Reporter

BASE_EXPORT_VERSION = "v3"  # bump when export settings change, so cached base exports are redone
# v3: the trimmed vocabulary (vocab_trim), float32 only (the base graph serves a shop only until its
# first retrain, and the report compares against float32), so the cache stays under 250 MB.

# Parity texts for exporting a base model, which has no shop data of its own.
PARITY_SAMPLES = [
    "扫地机器人吸力变小了怎么办", "洗地机拖完地有水渍", "怎么开发票", "退货运费谁出", "App 连不上 Wi-Fi",
    "How do I reset the robot?", "where is my order", "充电座找不到了", "滚刷多久换一次", "转人工",
]


def shop_dir(home: Path, shop_id: int) -> Path:
    return Path(home) / "shops" / str(shop_id)


def version_dir(home: Path, shop_id: int, version_id: int) -> Path:
    return shop_dir(home, shop_id) / f"v{version_id}"


def remove_shop_files(home: Path, shop_id: int) -> None:
    shutil.rmtree(shop_dir(home, shop_id), ignore_errors=True)


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec).strip("_")


def base_onnx_dir(spec: str = DEFAULT_BASE_MODEL, reporter: Reporter = NULL) -> Path:
    """The untuned base encoder as ONNX, exported once per user into the cache."""
    target = cache_dir() / "onnx" / BASE_EXPORT_VERSION / _slug(spec)
    if (target / "standardq_encoder.json").exists():
        return target
    _remove_older_exports()
    from .export import export_onnx, keep_only

    base = resolve_base_model(spec, reporter)
    reporter.stage("export base model")
    if target.exists():
        shutil.rmtree(target)  # a leftover of an interrupted export
    export_onnx(base.path, target, prefix=input_prefix(spec), parity_texts=PARITY_SAMPLES, quantize=False,
                reporter=reporter)
    keep_only(target, "float32")  # float16 storage of the weights (export.halve_weights)
    return target


def link_identical(folder: Path, others: list[Path], names: tuple[str, ...]) -> int:
    """Replace each file `names` in `folder` with a hard link to the same file of an earlier
    version when their bytes are equal (the word-embedding table and the tokenizer, which a
    retrain seldom changes); returns the bytes this saves. Where links are not possible (another
    drive, a file system without them) the copies stay: nothing else depends on the link."""
    import filecmp
    import os

    saved = 0
    for name in names:
        new = Path(folder) / name
        if not new.is_file():
            continue
        for other in others:
            old = Path(other) / name
            try:
                if not old.is_file() or os.path.samefile(old, new) or old.stat().st_size != new.stat().st_size:
                    continue
                if not filecmp.cmp(old, new, shallow=False):
                    continue
                tmp = new.with_name(new.name + ".link")
                tmp.unlink(missing_ok=True)
                os.link(old, tmp)
                os.replace(tmp, new)
                saved += new.stat().st_size
                break
            except OSError:
                continue
    return saved


def graph_template_dir(spec: str) -> Path:
    """Where retrains of shops on base `spec` keep the fused graph they fill (export.graph_template);
    under the export version, so a change of export settings starts a new one."""
    return cache_dir() / "onnx" / BASE_EXPORT_VERSION / _slug(spec) / "graph_template"


def _remove_older_exports() -> None:
    """Base exports of older export versions (the full vocabulary: ~580 MB each) are never read again."""
    for old in (cache_dir() / "onnx").glob("v*"):
        if old.is_dir() and old.name != BASE_EXPORT_VERSION:
            shutil.rmtree(old, ignore_errors=True)
