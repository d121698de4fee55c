"""Does every locked requirement install from a wheel where the bundle is meant to run?

    python3 packaging/check_platforms.py [requirements/lock.txt]

For each target (Windows x86-64, macOS arm64 and x86-64, Linux x86-64, all CPython 3.11) it takes
the lock's requirements whose markers apply there and asks the package index (PEP 691 JSON of the
simple API, as pip reads it; $PIP_INDEX_URL overrides PyPI) whether the pinned release has a wheel
whose tags that platform accepts (`packaging.tags`, pip's own rules). A requirement without one is
an error unless EXCEPTIONS below records it with its plan. Exit status 1 on any error.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion

ROOT = Path(__file__).resolve().parent.parent
PY = (3, 11)
INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/") + "/"


@dataclass(frozen=True)
class Target:
    name: str
    markers: dict
    platforms: tuple[str, ...]

    def tags(self) -> set[Tag]:
        return set(cpython_tags(PY, platforms=self.platforms)) | set(compatible_tags(PY, platforms=self.platforms))


def _env(sys_platform: str, system: str, machine: str, os_name: str) -> dict:
    return {"sys_platform": sys_platform, "platform_system": system, "platform_machine": machine,
            "os_name": os_name, "python_version": "3.11", "python_full_version": "3.11.9",
            "implementation_name": "cpython", "implementation_version": "3.11.9",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": "",
            "extra": ""}


# glibc 2.34 (Ubuntu 22.04, Debian 12, RHEL 9) is the floor: PySide6 6.11 ships manylinux_2_34 wheels
MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(34, 4, -1)) + (
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64")
TARGETS = [
    Target("windows-x86_64", _env("win32", "Windows", "AMD64", "nt"), ("win_amd64",)),
    # torch 2.13's arm64 wheel needs macOS 14: the oldest macOS the bundle can support
    Target("macos-arm64", _env("darwin", "Darwin", "arm64", "posix"), tuple(mac_platforms((14, 0), "arm64"))),
    Target("macos-x86_64", _env("darwin", "Darwin", "x86_64", "posix"), tuple(mac_platforms((14, 0), "x86_64"))),
    Target("linux-x86_64", _env("linux", "Linux", "x86_64", "posix"), MANYLINUX),
]

# (package, target or "*") -> the plan for a requirement that has no wheel there.
EXCEPTIONS = {
    ("jieba", "*"): "pure Python, published as an sdist only: pip builds it anywhere without a compiler",
    ("torch", "macos-x86_64"): "PyTorch publishes no Intel-Mac wheels since 2.3: the macOS bundle is for "
                               "Apple silicon only (Intel Macs: the Windows or Linux bundle in a VM)",
}
# Packages that only the Intel-Mac exception above makes uninstallable there.
FOLLOW_TORCH_ON = {"macos-x86_64"}


def locked(lock: Path) -> list[Requirement]:
    reqs = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            reqs.append(Requirement(line))
    return reqs


def files(name: str) -> list[str]:
    url = INDEX + canonicalize_name(name) + "/"
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [f["filename"] for f in json.load(response)["files"]]


def has_wheel(filenames: list[str], version: str, tags: set[Tag]) -> bool:
    for filename in filenames:
        if not filename.endswith(".whl"):
            continue
        try:
            _, wheel_version, _, wheel_tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):  # old uploads with pre-standard names
            continue
        if str(wheel_version) == version and wheel_tags & tags:
            return True
    return False


def check(lock: Path) -> int:
    reqs = locked(lock)
    with ThreadPoolExecutor(16) as pool:
        listing = dict(zip((r.name for r in reqs), pool.map(files, (r.name for r in reqs))))
    errors = 0
    for target in TARGETS:
        tags = target.tags()
        wanted = [r for r in reqs if r.marker is None or r.marker.evaluate(target.markers)]
        ok, excepted, failed = 0, [], []
        for req in wanted:
            (spec,) = req.specifier
            if has_wheel(listing[req.name], spec.version, tags):
                ok += 1
                continue
            plan = EXCEPTIONS.get((canonicalize_name(req.name), target.name)) or EXCEPTIONS.get(
                (canonicalize_name(req.name), "*"))
            (excepted if plan else failed).append(f"{req.name}=={spec.version}" + (f": {plan}" if plan else ""))
        if target.name in FOLLOW_TORCH_ON and any(e.startswith("torch==") for e in excepted):
            # no bundle is built there: what else lacks a wheel is listed, not counted as an error
            excepted += [f"{f}: no bundle for this platform (see torch)" for f in failed]
            failed = []
        errors += len(failed)
        print(f"{target.name}: {ok} of {len(wanted)} requirements have a wheel"
              f"{', ' + str(len(excepted)) + ' exceptions' if excepted else ''}"
              f"{', ' + str(len(failed)) + ' MISSING' if failed else ''}")
        for line in excepted:
            print(f"    exception  {line}")
        for line in failed:
            print(f"    MISSING    {line}: no wheel for {target.name}, CPython 3.11")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "requirements" / "lock.txt"))
