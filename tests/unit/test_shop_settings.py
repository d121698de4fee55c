"""Per-shop settings: one validated object with one write path, and the small services the GUI,
the CLI and the server share."""

from types import SimpleNamespace

import pytest

from desktop_app.core.encoders import DEFAULT_BASE_MODEL
from desktop_app.core.model_files import shop_dir, version_dir
from desktop_app.core.services.shops import delete_shop
from desktop_app.core.services.versions import edits_since_training, version_top1
from desktop_app.core.shop_settings import (AugmentSettings, ShopSettings, load_settings, parse_entities,
                                            parse_synonym_group, parse_synonym_groups, set_thresholds,
                                            update_settings)


def test_round_trip_is_sparse_and_unknown_keys_are_rejected():
    assert ShopSettings().to_dict() == {}
    s = ShopSettings.from_dict({"base_model": "/m", "train": {"epochs": 5}, "thresholds": {"answer": 0.9},
                                "augment": {"entities": ["扫地机"], "synonyms": [["尘袋", "集尘袋"]]}})
    assert ShopSettings.from_dict(s.to_dict()) == s
    with pytest.raises(ValueError, match="unknown shop settings: bogus"):
        ShopSettings.from_dict({"bogus": 1})
    with pytest.raises(ValueError, match="unknown augment settings"):
        ShopSettings.from_dict({"augment": {"words": []}})


def test_empty_base_model_means_the_default_everywhere():
    for stored in ({}, {"base_model": ""}, {"base_model": "  "}):
        s = ShopSettings.from_dict(stored)
        assert s.effective_base_model == DEFAULT_BASE_MODEL == s.train_config().base_model
        assert "base_model" not in s.to_dict()


def test_thresholds_are_validated():
    with pytest.raises(ValueError, match="between -1 and 1"):
        ShopSettings(thresholds={"answer": 3})
    with pytest.raises(ValueError, match="must not be above"):
        ShopSettings(thresholds={"answer": 0.5, "suggest": 0.8})
    with pytest.raises(ValueError, match="unknown threshold"):
        ShopSettings(thresholds={"lead": 0.1})


def test_one_write_path(store):
    shop = store.create_shop("s")
    update_settings(store, shop.id, base_model="/models/x")
    assert set_thresholds(store, shop.id, answer=0.9, margin=0.02) == {"answer": 0.9, "margin": 0.02}
    assert set_thresholds(store, shop.id, margin=None) == {"answer": 0.9}
    AugmentSettings(["扫地机", " 扫地机 ", ""], [["尘袋", "集尘袋"], ["单"]]).save(store, shop.id)
    assert store.shop_settings(shop.id) == {"base_model": "/models/x", "thresholds": {"answer": 0.9},
                                            "augment": {"entities": ["扫地机"], "synonyms": [["尘袋", "集尘袋"]]}}
    with pytest.raises(ValueError, match="margin"):
        update_settings(store, shop.id, train={"margin": 2.0})
    assert "train" not in store.shop_settings(shop.id)  # nothing written


def test_invalid_stored_training_settings_still_load(store):
    shop = store.create_shop("s")
    store.set_shop_settings(shop.id, {"train": {"epochs": 0}})
    s = load_settings(store, shop.id)  # the settings dialog shows the problem...
    with pytest.raises(ValueError, match="epochs"):
        s.train_config()  # ...and a retrain refuses to start
    with pytest.raises(ValueError):
        ShopSettings(train={"epochs": "5"}).train_config()  # a wrong type reads as a ValueError too


def test_synonym_groups_and_entities_split_alike_everywhere():
    assert parse_synonym_group("尘盒,集尘盒，垃圾盒、灰盒 尘仓;尘袋") == ["尘盒", "集尘盒", "垃圾盒", "灰盒", "尘仓", "尘袋"]
    assert parse_synonym_groups("尘盒, 集尘盒\n\n拖布\t拖把布\n") == [["尘盒", "集尘盒"], ["拖布", "拖把布"]]
    assert parse_entities("扫地机器人、扫地机\nX10 Pro, 洗地机") == ["扫地机器人", "扫地机", "X10 Pro", "洗地机"]


def test_version_top1_and_edits_since_training():
    def version(metrics, params=None, revision=3):
        return SimpleNamespace(metrics=metrics, params=params or {}, data_revision=revision)

    assert version_top1(None) == (None, "")
    assert version_top1(version({"val_top1_int8": 0.9, "val_top1_float32": 0.91},
                                {"runtime_variant": "int8"})) == (0.9, "val")
    assert version_top1(version({"loo_top1": 0.7})) == (0.7, "loo")
    assert version_top1(version({})) == (None, "")
    assert edits_since_training(None, 10) == 0
    assert edits_since_training(version({}), 10) == 7 and edits_since_training(version({}), 2) == 0


def test_deleting_a_shop_removes_its_model_files(store):
    shop = store.create_shop("s")
    folder = version_dir(store.home, shop.id, 1)
    folder.mkdir(parents=True)
    (folder / "index.bin").write_bytes(b"x")
    delete_shop(store, shop.id)
    assert not shop_dir(store.home, shop.id).exists() and store.shops() == []
