"""Refuse to bundle an hnswlib compiled for this machine's CPU only.

    python packaging/check_portable.py VENV

hnswlib builds from source with -march=native unless HNSWLIB_NO_NATIVE=1; such a build uses this
CPU's widest vector instructions (AVX2 / AVX-512 registers ymm / zmm), and the bundle would crash
with "illegal instruction" on PCs without them. A portable x86-64 build uses SSE2 (xmm) only.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    venv = Path(sys.argv[1])
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    lib = subprocess.run([str(python), "-c", "import hnswlib; print(hnswlib.__file__)"], check=True,
                         capture_output=True, text=True).stdout.strip()
    if platform.machine() not in ("x86_64", "AMD64") or not shutil.which("objdump"):
        print(f"portability check skipped ({platform.machine()}, objdump {'found' if shutil.which('objdump') else 'missing'})")
        return 0
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", lib], check=True, capture_output=True,
                          text=True).stdout
    wide = sum(1 for line in text.splitlines() if "%ymm" in line or "%zmm" in line)
    if wide:
        print(f"{lib} uses {wide} AVX/AVX-512 instructions: rebuild it with HNSWLIB_NO_NATIVE=1", file=sys.stderr)
        return 1
    print(f"{lib}: portable (no AVX/AVX-512 instructions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
