"""Refresh requirements/lock.txt: the exact versions the app, its tests and the bundle install.

    python3 scripts/lock.py                      # re-resolve, keeping locked versions where they still fit
    python3 scripts/lock.py --upgrade            # every package to its newest release
    python3 scripts/lock.py --upgrade-package X  # one package (and what it needs) to its newest release

The lock is resolved by uv (`uv pip compile --universal`) from pyproject.toml with the `dev` and
`build` extras, for every platform at once: platform-only packages (pywin32-ctypes on Windows,
SecretStorage on Linux...) carry environment markers, so one file serves Windows, macOS and Linux
and `pip install -r` reads it. PyPI's Linux torch wheel depends on CUDA libraries that the CPU build
installed first (scripts/setup.sh) does not need: they are left out of the file.

After a refresh: `bash scripts/test.sh`, `bash packaging/build.sh && bash packaging/smoke_test.sh`
and `python3 packaging/check_platforms.py`, then commit the lock with what its diff says.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
TOOLS = ROOT / "build" / "lock-tools"
UV = "uv==0.13.9"  # the resolver itself is pinned too
PYTHON = "3.11"  # the Python the bundle ships and CI runs
# torch's Linux wheel on PyPI pulls CUDA; the CPU build we install has none of these requirements.
CUDA_ONLY = re.compile(r"^(nvidia-|cuda-|triton\b)")


def uv() -> Path:
    exe = TOOLS / ("Scripts/uv.exe" if sys.platform == "win32" else "bin/uv")
    if not exe.exists():
        venv.create(TOOLS, with_pip=True)
        pip = TOOLS / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
        subprocess.run([str(pip), "-m", "pip", "install", "--quiet", UV], check=True)
    return exe


def drop_cuda(text: str) -> str:
    """Remove the CUDA-only entries (a requirement line and its '# via' comment lines)."""
    out, skipping = [], False
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            skipping = bool(CUDA_ONLY.match(line))
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    LOCK.parent.mkdir(exist_ok=True)
    cmd = [str(uv()), "pip", "compile", "pyproject.toml", "--extra", "dev", "--extra", "build",
           "--universal", "--python-version", PYTHON, "--output-file", str(LOCK.relative_to(ROOT)),
           "--custom-compile-command", "python3 scripts/lock.py", "--quiet", *argv]
    subprocess.run(cmd, cwd=ROOT, check=True)
    text = drop_cuda(LOCK.read_text(encoding="utf-8"))
    LOCK.write_text(text, encoding="utf-8")
    pins = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    print(f"{LOCK.relative_to(ROOT)}: {len(pins)} pinned requirements")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
