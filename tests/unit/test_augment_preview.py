"""Previews: one standard question's outputs through the guard, with nothing written to the store."""

import pytest

from desktop_app.core.normalize import dedup_key
from desktop_app.core.augment.llm import LlmError, LlmSettings
from desktop_app.core.augment.preview import preview_llm, preview_rules
from desktop_app.core.augment.rules import AugmentSettings
from desktop_app.core.reporter import Cancelled
from tests.unit.test_augment_llm import KEY, FakeLLM, llm_server  # noqa: F401 - the fixture


@pytest.fixture
def shop(store):
    shop = store.create_shop("p")
    a = store.add_standard(shop.id, "扫地机器人吸力变小了怎么办")
    store.add_similar(a.id, "吸力变弱了")
    b = store.add_standard(shop.id, "怎么开发票")
    store.add_similar(b.id, "发票怎么开")
    return shop, a, b


def dump(store):
    return [store.db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("shops", "standard_questions", "similar_questions")]


def test_rules_preview_uses_unsaved_lists_and_writes_nothing(store, shop):
    shop, a, _ = shop
    before = dump(store)
    plain = preview_rules(store, shop.id, a.id, n=12, seed=1)
    with_entities = preview_rules(store, shop.id, a.id, n=12, seed=1,
                                  settings=AugmentSettings(["扫地机器人"], [["吸力", "吸尘力"]]))
    assert dump(store) == before  # nothing saved, not even the lists
    assert plain.text == a.text and len(plain.kept) == 12
    assert not any("吸尘力" in t for t in plain.kept)  # that synonym is the unsaved list's only
    assert any("扫地" not in t for t in with_entities.kept)  # the subject word is dropped in some
    assert any("吸尘力" in t for t in with_entities.kept)  # the shop's synonym group is used
    keys = {dedup_key(t) for t in with_entities.kept}
    assert dedup_key("吸力变弱了") not in keys and len(keys) == len(with_entities.kept)
    assert preview_rules(store, shop.id, a.id, n=12, seed=1).kept == plain.kept  # deterministic


def test_llm_preview_guards_one_answer_and_writes_nothing(store, shop, llm_server):  # noqa: F811
    shop, _, b = shop
    server = llm_server()
    settings = LlmSettings(server.url, "fake", api_key=KEY, provider="Fake", timeout=2, batch_size=5)
    before = dump(store)
    preview = preview_llm(store, shop.id, b.id, settings, n=6)
    assert dump(store) == before
    assert len(server.log) == 1 and server.log[0][2] == f"Bearer {KEY}"
    assert len(preview.kept) == 6 and all(t.startswith("怎么开发票") for t in preview.kept)
    assert preview.usage["total_tokens"] == 33


def test_llm_preview_needs_a_key_for_a_remote_api_and_can_be_stopped(store, shop, llm_server):  # noqa: F811
    import threading

    shop, _, b = shop
    with pytest.raises(LlmError, match="no API key"):
        preview_llm(store, shop.id, b.id, LlmSettings("https://api.example.com/v1", "m", provider="X"))
    server = llm_server(["500"] * 10)
    stop = threading.Event()
    settings = LlmSettings(server.url, "fake", api_key=KEY, timeout=2, backoff=5, max_retries=3)
    threading.Timer(0.3, stop.set).start()  # a cancel during the backoff wait ends the preview
    with pytest.raises(Cancelled):
        preview_llm(store, shop.id, b.id, settings, stop=stop)
