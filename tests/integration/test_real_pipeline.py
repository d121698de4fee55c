"""The whole pipeline on the real default encoder and a slice of the demo shop.

Uses the per-user model cache (rebuilt once, ~15 s) and its ONNX export (~40 s, once).
"""

import csv

import pytest

from desktop_app.core.config import TrainConfig
from desktop_app.core.io_formats import read_rows
from desktop_app.core.matcher import Matcher
from desktop_app.core.pipeline import ensure_model, retrain
from desktop_app.paths import resource

pytestmark = pytest.mark.integration

N_STANDARD = 12


@pytest.fixture(scope="module")
def demo_slice(tmp_path_factory):
    from desktop_app.core.store import Store

    rows, _ = read_rows(resource("demo_shop", "demo_shop.csv"))
    keep = []
    for r in rows:
        if r.standard_question not in keep:
            keep.append(r.standard_question)
    keep = set(keep[:N_STANDARD])
    store = Store(tmp_path_factory.mktemp("real"))
    shop = store.create_shop("slice")
    store.import_rows(shop.id, [r for r in rows if r.standard_question in keep])
    samples = [s for s in csv.DictReader(resource("demo_shop", "sample_queries.csv").open(encoding="utf-8"))
               if s["expected"] in keep]
    yield store, shop, samples
    store.close()


def right(matcher, samples):
    return sum(matcher.query(s["query"]).matches[0].standard_question == s["expected"] for s in samples)


def test_untuned_then_fine_tuned(demo_slice):
    store, shop, samples = demo_slice
    assert len(samples) >= 5
    v0 = ensure_model(store, shop.id)
    assert v0.loss == "none"
    m0 = Matcher.open(store, shop.id)
    base_right = right(m0, samples)
    assert base_right >= len(samples) // 2  # the untuned e5 already understands most wordings
    r = m0.query("掃地機器人吸力變小了怎麼辦？")  # traditional characters and full-width punctuation
    assert "吸力" in r.matches[0].standard_question and r.latency_ms < 1000

    result = retrain(store, shop.id, TrainConfig(epochs=1))
    v1 = store.active_version(shop.id)
    assert v1.id == result.version.id and v1.metrics["parity_min_cosine"] >= 0.999
    assert v1.params["runtime_variant"] in ("int8", "float32")
    tuned_right = right(Matcher.open(store, shop.id), samples)
    assert tuned_right >= base_right - 1, (base_right, tuned_right)
