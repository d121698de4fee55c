"""Twin standard questions (the same entry text under two): suggested, never answered outright."""

import numpy as np

from desktop_app.core.calibration import Scored, decide, outcome
from desktop_app.core.matcher import Matcher, set_threshold_override
from desktop_app.core.pipeline import ensure_model
from desktop_app.core.report import Questions, as_scored
from desktop_app.core.twins import Twins


def test_pairs_come_from_texts_that_differ_only_in_punctuation_or_spaces():
    twins = Twins.of([(1, "你的网站?"), (2, "你的 网站"), (1, "你的网站"), (3, "你的网络"), (4, "!!"), (5, "？")])
    owners = range(1, 7)
    pairs = {frozenset((a, b)) for a in owners for b in owners if twins(a, b)}
    assert pairs == {frozenset((1, 2))}  # one owner's own duplicates and empty keys pair nothing
    three = Twins.of([(1, "运费谁出"), (2, "运费谁出？"), (3, "运费 谁出")])
    assert {frozenset((a, b)) for a in owners for b in owners if three(a, b)} == \
        {frozenset((1, 2)), frozenset((1, 3)), frozenset((2, 3))}
    assert three(3, 1) and not three(1, None) and not twins(1, 3)


def test_a_twin_is_suggested_and_not_counted_as_answered():
    t = {"answer": 0.9, "margin": 0.05, "suggest": 0.8}
    assert decide(0.99, 0.5, t) == "answer" and decide(0.99, 0.5, t, twin=True) == "suggest"
    assert decide(0.7, 0.1, t, twin=True) == "no_match"
    s = Scored(np.array([0.99, 0.98, 0.97]), np.full(3, 0.2), np.array([True, False, True]), np.ones(3, bool),
               np.zeros(3, bool), np.array([False, True, False]))
    o = outcome(s, 0.9, 0.05)
    assert (o["answered"], o["right"], o["precision"]) == (2, 2, 1.0)  # the wrong twin is suggested instead
    joined = Scored.concat(s, Scored(np.array([0.95]), np.array([0.2]), np.array([True]), np.array([True]),
                                     np.array([False])))  # no twins given: none
    assert joined.twin.tolist() == [False, True, False, False] and outcome(joined, 0.9, 0.05)["answered"] == 3


def test_the_report_flags_questions_whose_top_two_are_twins():
    q = Questions()
    for text, expected in (("a", 1), ("b", 2), ("c", None)):
        q.add(text, expected)
    result = {"pred": np.array([1, 2, 3]), "second": np.array([2, 3, 1]), "s1": np.array([0.9, 0.8, 0.7]),
              "s2": np.array([0.5, 0.5, 0.5]), "rank": np.array([0, 0, -1])}
    assert as_scored(result, q, Twins({1: ["运费谁出"], 2: ["运费谁出？"], 3: ["发票"]})).twin.tolist() == \
        [True, False, False]
    assert as_scored(result, q).twin.tolist() == [False, False, False]


def test_matcher_suggests_between_twins_until_the_duplicate_is_removed(store, tiny_shop):
    invoice = store.find_standard(tiny_shop.id, "怎么开发票")
    twin = store.add_similar(invoice.id, "运费谁承担？")  # 退货运费谁出 holds 运费谁承担: a twin pair
    ensure_model(store, tiny_shop.id)
    set_threshold_override(store, tiny_shop.id, answer=-1.0, suggest=-1.0, margin=0.0)  # all else answered
    matcher = Matcher.open(store, tiny_shop.id)
    result = matcher.query("运费谁承担")
    assert {m.standard_question for m in result.matches[:2]} == {"怎么开发票", "退货运费谁出"}
    assert result.twin and result.decision == "suggest"
    assert result.to_dict()["twin"] is True

    store.delete_similar(twin.id)  # the operator fixes it: the next query follows the store
    result = matcher.query("运费谁承担")
    assert not result.twin and result.decision == "answer"
    assert result.matches[0].standard_question == "退货运费谁出"
