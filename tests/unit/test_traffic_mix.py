"""The traffic mix thresholds are calibrated for: measured from the shop's own query log once it
holds enough messages, the default ratio before; and the report calibrating for it."""

import time

import pytest

from desktop_app.core.calibration import OFFTOPIC_RATIO
from desktop_app.core.pipeline import ensure_model
from desktop_app.core.querylog import FILE_NAME, QueryLog, new_query_id, row_for
from desktop_app.core.report import build_report
from desktop_app.core.matcher import Matcher
from desktop_app.core.traffic_mix import MIN_MESSAGES, TrafficMix, WINDOW_DAYS, measure, shop_mix, upper_share


def log_rows(log: QueryLog, shop_id: int, text: str, decision: str, n: int, *, ts: float | None = None,
             helpful: bool | None = None, chosen_id: int | None = None) -> None:
    rows = [row_for(query_id=new_query_id(), shop_id=shop_id, text=text, decision=decision, matches=[(1, 0.9)],
                    model_version=1, latency_ms=5.0, ts=ts) for _ in range(n)]
    log.write(rows)
    for row in rows:
        if helpful is not None or chosen_id is not None:
            log.feedback(row["id"], helpful=helpful, chosen_id=chosen_id)


def test_upper_share_is_a_cautious_bound_that_narrows_with_more_messages():
    assert upper_share(0, 10) > 0.1  # no off-topic seen in 10 is no proof there is none
    small, large = upper_share(40, 100), upper_share(400, 1000)
    assert 0.4 < large < small < 0.5
    assert upper_share(10, 10) == 1.0


def test_measured_from_the_log_what_was_answered_or_confirmed_is_in_scope(tmp_path):
    log = QueryLog(tmp_path / FILE_NAME)
    shop = {"运费怎么算"}  # a text the operator made part of the shop (a similar question)
    log_rows(log, 1, "怎么开发票", "answer", 100)
    log_rows(log, 1, "運費怎麼算", "no_match", 50)  # traditional script: normalises to the shop's text
    log_rows(log, 1, "能便宜点吗", "suggest", 10, chosen_id=7)  # feedback named the right question
    log_rows(log, 1, "发货了吗", "answer", 10, helpful=False)  # did not help, nothing named: not proof
    log_rows(log, 1, "你是机器人吗", "no_match", 130)
    log_rows(log, 2, "别的店", "answer", 500)  # another shop
    log_rows(log, 1, "去年的消息", "no_match", 400, ts=time.time() - (WINDOW_DAYS + 1) * 86400)
    mix = measure(log, 1, shop)
    assert (mix.source, mix.messages, mix.in_scope, mix.offtopic) == ("log", 300, 160, 140)
    assert 140 / 160 < mix.ratio < 1.2  # the upper bound: a little more cautious than the count
    assert "300 logged consumer messages" in mix.describe()
    # more traffic of the same mix: the bound closes in on the count
    log_rows(log, 1, "怎么开发票", "answer", 1600)
    log_rows(log, 1, "你是机器人吗", "no_match", 1400)
    assert 140 / 160 < measure(log, 1, shop).ratio < mix.ratio
    log.close()


def test_too_little_traffic_or_no_log_keeps_the_default(store, tiny_shop):
    assert shop_mix(store, tiny_shop.id) == TrafficMix(OFFTOPIC_RATIO, "default")
    assert not (store.home / FILE_NAME).exists()  # reading the mix never creates the log
    log = QueryLog(store.home / FILE_NAME)
    log_rows(log, tiny_shop.id, "你是机器人吗", "no_match", MIN_MESSAGES - 1)
    mix = shop_mix(store, tiny_shop.id)
    assert mix.source == "default" and mix.ratio == OFFTOPIC_RATIO and mix.messages == MIN_MESSAGES - 1
    log.close()


def test_a_shop_whose_traffic_is_its_own_kind_is_calibrated_for_it(store, tiny_shop):
    v = ensure_model(store, tiny_shop.id)
    assert v.thresholds["offtopic_ratio"] == OFFTOPIC_RATIO
    assert v.metrics["report"]["traffic_mix"]["source"] == "default"
    # The operator confirmed most of the logged traffic through the inbox: a similar question's text.
    similar = store.similars(shop_id=tiny_shop.id)[0].text
    log = QueryLog(store.home / FILE_NAME)
    log_rows(log, tiny_shop.id, similar, "no_match", 250)
    log_rows(log, tiny_shop.id, "你是机器人吗", "no_match", 50)
    log.close()
    report = build_report(store, tiny_shop.id, v, Matcher(store, tiny_shop.id, v))
    mix = report["traffic_mix"]
    assert (mix["source"], mix["messages"], mix["in_scope"]) == ("log", 300, 250)
    assert report["thresholds"]["offtopic_ratio"] == pytest.approx(mix["ratio"]) and mix["ratio"] < 0.3
    assert report["models"][report["main"]]["on_report_half"]["offtopic_ratio"] == mix["ratio"]
    # weighing off-topic questions less never asks for a stricter answer threshold
    assert report["thresholds"]["answer"] <= v.thresholds["answer"]


def test_recalibrating_without_retraining_reaches_open_matchers(store, tiny_shop):
    from desktop_app.core.pipeline import recalibrate

    v = ensure_model(store, tiny_shop.id)
    matcher = Matcher.open(store, tiny_shop.id)  # open before: a server's or the test panel's
    before = matcher.query("发票怎么开")
    assert matcher.thresholds["offtopic_ratio"] == OFFTOPIC_RATIO
    similar = store.similars(shop_id=tiny_shop.id)[0].text
    log = QueryLog(store.home / FILE_NAME)
    log_rows(log, tiny_shop.id, similar, "no_match", 290)
    log_rows(log, tiny_shop.id, "你是机器人吗", "no_match", 10)
    log.close()
    revision = store.shop(tiny_shop.id).revision
    after = recalibrate(store, tiny_shop.id)
    assert after.id == v.id and after.active and after.thresholds["offtopic_ratio"] < 0.2
    assert store.shop(tiny_shop.id).revision == revision + 1  # caches keyed by the revision move on
    matcher.query("发票怎么开")
    assert matcher.thresholds["offtopic_ratio"] == after.thresholds["offtopic_ratio"]
    assert matcher.thresholds["answer"] == after.thresholds["answer"] <= v.thresholds["answer"]
    assert before.model_version == v.id
