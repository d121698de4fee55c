"""The evaluation report on a tiny shop: held-out sets, none halves, both scoring rules, the
untuned encoder side by side, the open set, and the thresholds queries then use."""

import pytest

from desktop_app.core.config import TrainConfig
from desktop_app.core.matcher import Matcher, effective_thresholds, set_threshold_override
from desktop_app.core.pipeline import ensure_model, retrain
from desktop_app.core.offtopic import builtin_offtopic
from desktop_app.core.report import base_encoder_for, build_report, calibration_half
from desktop_app.core.store import ConflictError, NotFoundError


def config(tiny_model):
    return TrainConfig(base_model=str(tiny_model), epochs=2, batch_size=8, lr=1e-3, val_min_total=2)


def test_untuned_version_is_calibrated_on_leave_one_out_and_builtin_none(store, tiny_shop):
    v = ensure_model(store, tiny_shop.id)
    report = v.metrics["report"]
    held = report["held_out"]
    assert held["in_scope"].startswith("leave-one-out") and held["n_in_scope"] == 24
    # built-in messages the model puts inside a standard question are the shop's (shadowed)
    assert held["builtin_none"] == len(builtin_offtopic())
    assert held["n_none_calibration"] + held["n_none_report"] + held.get("builtin_shadowed", 0) == held["builtin_none"]
    assert report["main"] == "untuned" and set(report["models"]) == {"untuned"}
    block = report["models"]["untuned"]
    for rule in ("best", "centroid"):
        assert block[rule]["n"] == 24 and 0 <= block[rule]["top1"] <= block[rule]["top3"] <= 1
    assert v.thresholds == report["thresholds"] and v.thresholds["n_none"] == held["n_none_calibration"]
    assert v.thresholds["suggest"] <= v.thresholds["answer"]
    assert len(report["per_class"]) == 4 and report["curve"]
    hist = report["histograms"]
    assert len(hist["bins"]) == len(hist["matched"]) + 1 and sum(hist["none"]) == held["n_none_report"]
    # the calibrating none questions the chosen setting answers, most confident first, named for the operator
    shown = report["offtopic_answered"]
    n_answered = round(v.thresholds["none_answered"] * v.thresholds["n_none"])
    assert len(shown) == min(n_answered, 8)
    standards = {s.text for s in store.standards(tiny_shop.id)}
    assert all(o["score"] >= v.thresholds["answer"] and o["standard"] in standards and calibration_half(o["text"])
               for o in shown)
    assert [o["score"] for o in shown] == sorted((o["score"] for o in shown), reverse=True)


def test_test_questions_are_held_out_and_never_training_data(store, tiny_shop):
    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    with pytest.raises(ConflictError, match="never trains on"):
        store.add_test_question(tiny_shop.id, "发票怎么开", invoice.id)  # already a similar question
    with pytest.raises(NotFoundError):
        store.add_test_question(tiny_shop.id, "开个票", 99999)
    store.add_test_question(tiny_shop.id, "我想开张发票", invoice.id)
    store.add_test_question(tiny_shop.id, "今天股市怎么样", None, source="panel")
    n = store.import_test_questions(tiny_shop.id, [("吸尘器没劲了", "扫地机器人吸力变小了怎么办"), ("你好呀", None)])
    assert n == 2 and len(store.test_questions(tiny_shop.id)) == 4
    before = len(store.test_questions(tiny_shop.id))
    with pytest.raises(NotFoundError, match="row 2"):
        store.import_test_questions(tiny_shop.id, [("a问题", None), ("b问题", "没有这个标准问")])
    assert len(store.test_questions(tiny_shop.id)) == before  # one transaction: nothing written
    v = ensure_model(store, tiny_shop.id)
    held = v.metrics["report"]["held_out"]
    assert held["in_scope"] == "test questions" and held["n_in_scope"] == 2
    nones = ["今天股市怎么样", "你好呀"]  # the shop's own, beside the built-in set
    assert (held["n_none_calibration"] + held["n_none_report"] + held.get("builtin_shadowed", 0)
            == len(set(builtin_offtopic()) | set(nones)))
    assert {calibration_half(t) for t in nones} <= {True, False}


def test_fine_tuned_report_has_untuned_side_by_side_and_open_set(store, tiny_shop, tiny_model):
    ensure_model(store, tiny_shop.id)
    v = retrain(store, tiny_shop.id, config(tiny_model)).version
    report = v.metrics["report"]
    assert set(report["models"]) == {"fine_tuned", "untuned"} and report["main"] == "fine_tuned"
    assert report["held_out"]["in_scope"] == "validation split"
    assert report["held_out"]["n_in_scope"] == len(v.metrics["heldout"]) > 0
    assert report["open_set"] == {"n_classes": 0}
    assert v.thresholds == report["thresholds"]

    new = store.add_standard(tiny_shop.id, "滚刷多久换一次")  # added after training: the open set
    for text in ["主刷多久更换", "滚刷寿命多长", "刷子要换了吗", "滚刷坏了换新"]:
        store.add_similar(new.id, text)
    matcher = Matcher.open(store, tiny_shop.id)
    later = build_report(store, tiny_shop.id, store.version(v.id), matcher, base_encoder=base_encoder_for(v))
    open_set = later["open_set"]
    assert open_set["n_classes"] == 1 and open_set["n_questions"] == 4
    assert 0 <= open_set["fine_tuned"]["top1"] <= 1 and 0 <= open_set["untuned"]["top1"] <= 1


def test_queries_use_the_thresholds_and_the_operators_override(store, tiny_shop):
    v = ensure_model(store, tiny_shop.id)
    matcher = Matcher.open(store, tiny_shop.id)
    assert matcher.query("发票怎么开").decision == "answer"  # an exact entry scores 1.0
    set_threshold_override(store, tiny_shop.id, answer=1.0, margin=0.5)
    assert effective_thresholds(store, tiny_shop.id, v)["overridden"] == ["answer", "margin"]
    assert matcher.query("发票怎么开").decision != "answer"  # read at the next query, no reload
    with pytest.raises(ValueError, match="between -1 and 1"):
        set_threshold_override(store, tiny_shop.id, answer=3)
    with pytest.raises(ValueError, match="suggest threshold must not be above"):
        set_threshold_override(store, tiny_shop.id, suggest=1.0, answer=0.5)
    set_threshold_override(store, tiny_shop.id, answer=None, margin=None)
    assert "overridden" not in effective_thresholds(store, tiny_shop.id, v)
    assert matcher.query("发票怎么开").decision == "answer"


def test_the_offtopic_messages_a_setting_answers_are_listed_most_confident_first():
    import numpy as np

    from desktop_app.core.calibration import GUARD_OFF, Scored
    from desktop_app.core.report import Questions, offtopic_answered

    q = Questions(origin="none")
    for text, expected in (("怎么退货", 1), ("在吗", None), ("讲个笑话", None), ("天气如何", None), ("你好", None)):
        q.add(text, expected)
    s1 = np.array([0.95, 0.91, 0.97, 0.99, 0.5])
    margin = np.array([0.2, 0.2, 0.2, 0.01, 0.2])  # 天气如何 is a toss-up: not answered at a 0.05 lead
    none = np.array([e is None for e in q.expected])
    scored = Scored(s1, margin, ~none, ~none, none)
    shown = offtopic_answered({"pred": np.array([1, 2, 1, 2, 1])}, scored, q, (0.9, 0.05, GUARD_OFF),
                              {1: "怎么退货？", 2: "在线客服"})
    assert shown == [{"text": "讲个笑话", "standard": "怎么退货？", "score": 0.97},
                     {"text": "在吗", "standard": "在线客服", "score": 0.91}]
