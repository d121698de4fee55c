"""Fixtures of the panel tests: a tiny random encoder and a small shop that trains in seconds.

Imported by name into tests/gui/test_panels.py (tests/gui/conftest.py belongs to the main window's
tests). The tiny model is built once per session; every shop gets its own model cache, so the
untuned version's ONNX export happens in the test's temp dir, never in the user's cache.
"""

from __future__ import annotations

import pytest

# Four standard questions with six similar questions each: enough for a validation split.
PANEL_SHOP = {
    "怎么开发票": ["发票怎么开", "能开发票吗", "开票流程是什么", "我要开个发票", "电子发票在哪里下载", "发票抬头怎么填"],
    "退货运费谁出": ["退货要我出运费吗", "运费谁承担", "退回去邮费谁付", "退货邮费报销吗", "寄回运费怎么算", "退货包邮吗"],
    "扫地机器人吸力变小了怎么办": ["吸力变弱了", "吸不干净了", "吸尘没劲", "吸力不够怎么回事", "扫地机没吸力", "吸力越来越小"],
    "充电座找不到怎么办": ["机器回不去充电座", "找不到充电桩", "不会自动回充", "回充失败", "充电座识别不了", "扫完不回去充电"],
}
# Fast training settings for the tiny model (stored as the shop's training overrides).
TINY_TRAIN = {"epochs": 2, "batch_size": 8, "lr": 1e-3, "val_min_total": 2}


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    from tests.tiny_model import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny_panels") / "bert")


@pytest.fixture
def tiny_shop(store, tiny_model, tmp_path, monkeypatch):
    """A shop on the tiny encoder, with fast training settings; model cache isolated in tmp."""
    from desktop_app.core.io_formats import ImportRow

    monkeypatch.setenv("STANDARDQ_CACHE", str(tmp_path / "cache"))  # inherited by spawned children
    shop = store.create_shop("tiny")
    store.set_shop_settings(shop.id, {"base_model": str(tiny_model), "train": dict(TINY_TRAIN)})
    rows = [ImportRow(row=0, standard_question=sq, similar_question=sim, category="售后" if i % 2 else "清洁",
                      answer=f"{sq}的答案")
            for i, (sq, sims) in enumerate(PANEL_SHOP.items()) for sim in sims]
    store.import_rows(shop.id, rows)
    return shop


@pytest.fixture
def untuned(store, tiny_shop):
    """The tiny shop's untuned version, built in this process (quicker than a child)."""
    from desktop_app.core.pipeline import ensure_model

    return ensure_model(store, tiny_shop.id)


class TickCounter:
    """A 10 ms QTimer recording the gaps between its ticks: is the event loop turning?"""

    def __init__(self, interval_ms: int = 10):
        import time

        from PySide6.QtCore import QTimer

        self._time = time.perf_counter
        self.gaps: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = self._time()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def start(self):
        self._t0 = self._time()
        self._last = self._t0
        self.timer.start()

    def stop(self):
        self.timer.stop()
        self.seconds = self._time() - self._t0

    @property
    def max_gap_ms(self) -> float:
        return 1000 * max(self.gaps) if self.gaps else float("inf")
