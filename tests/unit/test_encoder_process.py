"""The encoder in a child process (what the GUI queries through): same vectors as in process,
clear errors when it cannot open or dies, and the child ends with the encoder."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

pytest.importorskip("torch")

from desktop_app.core.encoder_process import EncoderProcessError, ProcessEncoder  # noqa: E402
from desktop_app.core.export import export_onnx  # noqa: E402
from desktop_app.core.runtime import OnnxEncoder  # noqa: E402
from tests.tiny_model import build_tiny_bert  # noqa: E402

TEXTS = ["你好", "请问这个商品什么时候发货？", "Is the XL size in stock?", "发票可以开公司抬头吗"]


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("encproc")
    out = root / "onnx"
    export_onnx(build_tiny_bert(root / "bert"), out, prefix="query: ", parity_texts=TEXTS, max_length=32)
    return out


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return True
        except ChildProcessError:
            return True
        time.sleep(0.05)
    return False


def test_same_vectors_as_in_process(onnx_dir):
    local = OnnxEncoder(onnx_dir, variant="int8")
    remote = ProcessEncoder(onnx_dir, variant="int8")
    try:
        assert remote.pid != os.getpid() and remote.alive()
        assert (remote.dim, remote.prefix, remote.max_length) == (local.dim, local.prefix, local.max_length)
        np.testing.assert_allclose(remote.encode(TEXTS, batch_size=2), local.encode(TEXTS, batch_size=2), atol=1e-6)
        np.testing.assert_allclose(remote.encode_one(TEXTS[1]), local.encode_one(TEXTS[1]), atol=1e-6)
        assert remote.encode([]).shape == (0, local.dim)
    finally:
        remote.close()
    with pytest.raises(EncoderProcessError, match="closed"):
        remote.encode_one("你好")


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(EncoderProcessError, match="holds no exported encoder"):
        ProcessEncoder(tmp_path)


def test_a_killed_child_is_reported_not_waited_for(onnx_dir):
    remote = ProcessEncoder(onnx_dir)
    os.kill(remote.pid, signal.SIGKILL)
    t0 = time.monotonic()
    with pytest.raises(EncoderProcessError, match="stopped|exited"):
        remote.encode_one("你好")
    assert time.monotonic() - t0 < 5


def test_the_child_ends_when_the_encoder_is_dropped(onnx_dir):
    remote = ProcessEncoder(onnx_dir)
    pid = remote.pid
    del remote  # the pipe closes: the child reads EOF and exits
    assert _gone(pid)
