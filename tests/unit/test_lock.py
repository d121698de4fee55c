"""The environment the tests run in is the locked one (requirements/lock.txt, scripts/setup.sh)."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCK = Path(__file__).resolve().parents[2] / "requirements" / "lock.txt"


def locked() -> dict[str, Version]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue  # another platform's package
        (spec,) = req.specifier
        assert spec.operator == "==", f"not an exact pin: {line}"
        pins[canonicalize_name(req.name)] = Version(spec.version)
    return pins


def installed() -> dict[str, Version]:
    return {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in md.distributions()}


def public(v: Version) -> Version:
    return Version(v.public)  # torch's CPU build is 2.13.0+cpu; the lock says 2.13.0


def test_lock_parses_and_pins_every_requirement_exactly():
    pins = locked()
    assert {"torch", "transformers", "onnxruntime", "pyside6-essentials", "chroma-hnswlib"} <= pins.keys()


def test_installed_versions_match_the_lock():
    pins, have = locked(), installed()
    missing = sorted(name for name in pins if name not in have)
    differ = sorted(f"{name}: installed {have[name]}, locked {pins[name]}" for name in pins
                    if name in have and public(have[name]) != pins[name])
    extra = sorted(name for name in have if name not in pins and name != "standardq")
    if missing or differ or extra:
        pytest.fail("the environment differs from requirements/lock.txt (run bash scripts/setup.sh):\n"
                    + "\n".join([f"missing: {m}" for m in missing] + differ + [f"not locked: {e}" for e in extra]))
