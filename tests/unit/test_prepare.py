"""Qt-free helpers of the GUI's jobs: child-process job functions, training settings, batch files."""

import pytest

from desktop_app.core.io_formats import FileFormatError
from desktop_app.core.matcher import Match, QueryResult
from desktop_app.core.prepare import (activate_job, batch_summary, ensure_model_job, read_batch_file,
                                      save_train_overrides, shop_train_config)
from desktop_app.core.reporter import RecordingReporter


def test_ensure_and_activate_jobs_take_a_home_and_return_plain_dicts(store, tiny_shop, tiny_model):
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.pipeline import retrain

    rep = RecordingReporter()
    out = ensure_model_job(str(store.home), tiny_shop.id, rep)
    assert out == {"version_id": store.active_version(tiny_shop.id).id}
    assert ensure_model_job(str(store.home), tiny_shop.id) == out  # idempotent
    assert any(e[0] == "stage" for e in rep.events)
    retrain(store, tiny_shop.id, TrainConfig(base_model=str(tiny_model), epochs=1, batch_size=8, val_min_total=2))
    assert activate_job(str(store.home), out["version_id"]) == {"version_id": out["version_id"],
                                                                "shop_id": tiny_shop.id}
    assert store.active_version(tiny_shop.id).id == out["version_id"]


def test_ensure_model_job_refuses_an_empty_shop(store):
    shop = store.create_shop("empty")
    with pytest.raises(Exception, match="no enabled questions"):
        ensure_model_job(str(store.home), shop.id)


def test_train_settings_are_sparse_validated_overrides(store):
    shop = store.create_shop("s")
    store.set_shop_settings(shop.id, {"base_model": "/models/x"})
    assert shop_train_config(store, shop.id).base_model == "/models/x"
    config = save_train_overrides(store, shop.id, {"epochs": 5, "loss": "cosface"})
    assert (config.epochs, config.loss, config.base_model) == (5, "cosface", "/models/x")
    assert store.shop_settings(shop.id) == {"base_model": "/models/x", "train": {"epochs": 5, "loss": "cosface"}}
    with pytest.raises(ValueError, match="margin"):
        save_train_overrides(store, shop.id, {"margin": 2.0})
    with pytest.raises(ValueError, match="unknown"):
        save_train_overrides(store, shop.id, {"bogus": 1})
    assert store.shop_settings(shop.id)["train"] == {"epochs": 5, "loss": "cosface"}  # unchanged
    save_train_overrides(store, shop.id, {})
    assert "train" not in store.shop_settings(shop.id)


def test_read_batch_files(tmp_path):
    txt = tmp_path / "q.txt"
    txt.write_bytes("怎么开发票\n\n  退货运费谁出 \n".encode("gb18030"))
    assert read_batch_file(txt) == (["怎么开发票", "退货运费谁出"], None)

    csv_path = tmp_path / "q.csv"
    csv_path.write_text("编号,问题,标准问\n1,发票怎么开,怎么开发票\n2,,x\n3,你好,\n", encoding="utf-8-sig")
    assert read_batch_file(csv_path) == (["发票怎么开", "你好"], ["怎么开发票", ""])

    english = tmp_path / "e.csv"
    english.write_text("Query,Expected\nwhere is my order,订单在哪\n", encoding="utf-8")
    assert read_batch_file(english) == (["where is my order"], ["订单在哪"])

    one_column = tmp_path / "one.csv"
    one_column.write_text("发票怎么开\n运费谁出\n", encoding="utf-8")
    assert read_batch_file(one_column) == (["发票怎么开", "运费谁出"], None)

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["问题", "标准问"])
    wb.active.append(["吸力变弱了", "扫地机器人吸力变小了怎么办"])
    wb.save(tmp_path / "q.xlsx")
    assert read_batch_file(tmp_path / "q.xlsx") == (["吸力变弱了"], ["扫地机器人吸力变小了怎么办"])

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="question column"):
        read_batch_file(bad)
    with pytest.raises(FileFormatError, match="unsupported"):
        read_batch_file(tmp_path / "q.pdf")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="no questions"):
        read_batch_file(empty)


def _r(decision, top=None):
    return QueryResult("q", decision, [Match(1, top, "", "", 0.9)] if top else [])


def test_batch_summary_counts_and_accuracies():
    results = [_r("answer", "怎么开发票"), _r("suggest", "退货运费谁出"), _r("no_match", "怎么开发票"),
               _r("no_match", "x"), _r("answer", "y")]
    expected = ["怎么开发票", "退货运费谁出", "怎么开发票", "", ""]
    s = batch_summary(results, expected)
    assert (s["n"], s["answer"], s["suggest"], s["no_match"]) == (5, 2, 1, 2)
    # right: answered right, suggested right, declined an expected one (wrong), declined a none, answered a none
    assert s["correct"] == [True, True, False, True, False] and s["accuracy"] == pytest.approx(0.6)
    assert s["top1"] == 1.0 and s["n_expected"] == 3
    assert batch_summary(results, None)["accuracy"] is None
