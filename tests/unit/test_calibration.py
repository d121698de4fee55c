"""Thresholds from scored held-out questions: precision target, coverage floor, margin, suggest."""

import numpy as np
import pytest

from desktop_app.core.calibration import Scored, calibrate, curve, decide, outcome, precision_lower_bound
from desktop_app.core.report import calibration_half


def scored(in_scope, none, wrong=()):
    """in_scope: (s1, margin) of right top-1s; wrong: (s1, margin) of wrong top-1s; none: (s1, margin)."""
    rows = [(s, m, True, True, False) for s, m in in_scope] + [(s, m, False, True, False) for s, m in wrong] + \
           [(s, m, False, False, True) for s, m in none]
    s1, margin, correct, top3, is_none = (np.asarray(x) for x in zip(*rows))
    return Scored(s1.astype(float), margin.astype(float), correct.astype(bool), top3.astype(bool),
                  is_none.astype(bool))


def test_decide_uses_score_margin_and_suggest():
    t = {"answer": 0.9, "margin": 0.05, "suggest": 0.8}
    assert decide(0.95, 0.85, t) == "answer"
    assert decide(0.95, 0.93, t) == "suggest"  # a toss-up between two: an agent confirms
    assert decide(0.95, None, t) == "answer"  # nothing else to confuse it with
    assert decide(0.85, 0.5, t) == "suggest" and decide(0.7, 0.1, t) == "no_match"
    assert decide(None, None, t) == "no_match"


def test_separable_scores_give_a_threshold_between_them():
    rng = np.random.default_rng(0)
    s = scored([(x, 0.1) for x in rng.uniform(0.90, 1.0, 200)], [(x, 0.1) for x in rng.uniform(0.6, 0.85, 100)])
    t = calibrate(s)
    assert 0.85 < t["answer"] <= 0.90 + 1e-9
    assert t["precision"] >= 0.95 and t["coverage"] == pytest.approx(1.0) and t["note"] == ""
    o = outcome(s, t["answer"], t["margin"])
    assert o["none_answered"] == 0 and o["precision"] == 1.0
    assert t["suggest"] <= t["answer"] and t["n_in_scope"] == 200 and t["n_none"] == 100


def test_the_margin_separates_what_the_score_cannot():
    # None questions score as high as in-scope ones but sit between two standard questions.
    s = scored([(0.93, 0.08)] * 100, [(0.93, 0.005)] * 50)
    t = calibrate(s)
    assert t["margin"] > 0.005 and t["precision"] == 1.0 and t["coverage"] == 1.0


def test_unreachable_target_keeps_the_coverage_floor_and_says_so():
    rng = np.random.default_rng(1)
    overlap = [(x, 0.05) for x in rng.uniform(0.8, 1.0, 100)]
    s = scored(overlap, [(x, 0.05) for x in rng.uniform(0.8, 1.0, 100)])
    t = calibrate(s, target_precision=0.95, min_coverage=0.5)
    assert t["coverage"] >= 0.5 and t["precision"] < 0.95
    assert "not reached" in t["note"] and f"{t['precision']:.1%}" in t["note"]
    # Every none question here is weighted to ten per in-scope one: most of what goes wrong is off topic.
    assert 0.5 < t["wrong_offtopic_share"] <= 1 and f"{t['wrong_offtopic_share']:.0%} would be off-topic" in t["note"]


def test_a_missed_target_says_whether_confusion_or_offtopic_messages_cost_it():
    """In-scope questions that often get the wrong standard question, and none questions that are
    never answered: every wrong answer is confusion, none is off topic."""
    rng = np.random.default_rng(3)
    s = scored([(x, 0.1) for x in rng.uniform(0.8, 1.0, 70)], [(0.3, 0.2)] * 50,
               wrong=[(x, 0.1) for x in rng.uniform(0.8, 1.0, 30)])
    t = calibrate(s)
    assert t["precision"] < 0.95 and t["wrong_offtopic_share"] == 0.0
    assert "0% would be off-topic messages and 100% held-out questions" in t["note"]
    assert calibrate(scored([(0.95, 0.1)] * 300, [(0.3, 0.2)] * 50))["wrong_offtopic_share"] is None  # met


def test_curve_trades_coverage_for_precision():
    rng = np.random.default_rng(2)
    s = scored([(x, 0.1) for x in rng.uniform(0.85, 1.0, 100)], [(x, 0.1) for x in rng.uniform(0.7, 0.9, 60)],
               wrong=[(x, 0.1) for x in rng.uniform(0.8, 0.95, 20)])
    points = curve(s)
    assert points == sorted(points, key=lambda p: p["threshold"])
    coverages = [p["coverage"] for p in points]
    assert coverages == sorted(coverages, reverse=True)  # a higher threshold answers less
    assert points[-1]["precision"] >= points[0]["precision"]


def test_too_few_questions_fall_back_to_fixed_thresholds():
    t = calibrate(scored([(0.9, 0.1)] * 3, [(0.5, 0.1)]))
    assert t["method"].startswith("fixed fallback")


def test_none_halves_are_stable_and_disjoint():
    texts = [f"问题{i}" for i in range(400)]
    halves = [calibration_half(t) for t in texts]
    assert halves == [calibration_half(t) for t in texts]
    assert 150 < sum(halves) < 250


def test_a_small_perfect_sample_is_not_taken_as_proof_of_95_percent():
    """30 of 30 right is 100%, but only about 94.8% at the least with 90% confidence: the target is
    not claimed, the floor is kept, and the note says both figures."""
    rng = np.random.default_rng(0)
    s1 = rng.uniform(0.9, 1.0, 30)
    few = Scored(s1, np.full(30, 0.1), np.ones(30, bool), np.ones(30, bool), np.zeros(30, bool))
    t = calibrate(few)
    assert t["precision"] == 1.0 and t["precision_lower_bound"] < 0.95 and "not reached" in t["note"]
    assert precision_lower_bound(30, 30) == pytest.approx(0.948, abs=0.001)
    assert precision_lower_bound(200, 200) > 0.99 and precision_lower_bound(95, 100) < 0.95
    many = Scored(np.tile(s1, 10), np.full(300, 0.1), np.ones(300, bool), np.ones(300, bool), np.zeros(300, bool))
    assert calibrate(many)["note"] == ""  # the same, ten times over, is enough


def test_too_few_to_prove_the_target_answers_only_the_floor():
    """30 questions, one wrong at a middling score: answering everything above that error looks
    perfect, but 30 are too few to show where errors begin; only the floor is answered."""
    s1 = np.linspace(0.80, 1.0, 30)
    correct = np.ones(30, bool)
    correct[7] = False  # about three quarters of the questions score above this error
    few = Scored(s1, np.full(30, 0.1), correct, np.ones(30, bool), np.zeros(30, bool))
    t = calibrate(few)
    assert t["coverage"] == pytest.approx(0.5, abs=0.04) and "most confident 50%" in t["note"]
    # With ten times as many the same error rate is enough evidence to answer above the error.
    many = Scored(np.tile(s1, 10), np.full(300, 0.1), np.tile(correct, 10), np.ones(300, bool), np.zeros(300, bool))
    t = calibrate(many)
    assert t["coverage"] > 0.7 and "most confident" not in t["note"]


def test_toss_ups_between_two_standard_questions_are_never_answered_outright():
    """Held-out questions that all lead the second standard question by 0.01: no threshold on the
    score answers them, whatever their precision; the note says why, and nothing crashes."""
    s = scored([(0.95, 0.01)] * 60, [(0.5, 0.2)] * 20)
    t = calibrate(s)
    assert t["margin"] >= 0.03 and t["coverage"] == 0.0
    assert "lead the second standard question" in t["note"]
    assert decide(0.95, 0.94, t) != "answer"
    # Most lead clearly, a few are toss-ups: those are left out, the rest answered.
    s = scored([(0.95, 0.1)] * 90 + [(0.95, 0.01)] * 10, [(0.5, 0.2)] * 20)
    t = calibrate(s)
    assert t["coverage"] == pytest.approx(0.9) and t["note"] == ""


def test_suggest_ignores_none_questions_that_an_offtopic_neighbour_already_turns_away():
    # In-scope questions right in their top 3 at 0.70-0.80; none questions score as high, but
    # their nearest neighbour is a known off-topic message (n1 > s1), so decide never suggests them.
    rng = np.random.default_rng(3)
    s_in = rng.uniform(0.70, 0.80, 100)
    s_none = rng.uniform(0.70, 0.80, 400)
    base = scored([(0.95, 0.2)] * 100 + [(x, 0.0) for x in s_in], [(x, 0.1) for x in s_none])
    blocked = Scored(base.s1, base.margin, base.correct, base.top3, base.none,
                     n1=np.where(base.none, base.s1 + 0.05, base.s1 - 0.3))
    open_ = Scored(base.s1, base.margin, base.correct, base.top3, base.none,
                   n1=np.where(base.none, base.s1 - 0.05, base.s1 - 0.3))
    from desktop_app.core.calibration import suggest_threshold

    assert suggest_threshold(blocked, 0.95) <= 0.71  # they cannot be suggested: no reason to stop above them
    assert suggest_threshold(open_, 0.95) > 0.78  # they would be: suggestions stop near the top of them


def test_suggest_weighs_none_questions_at_the_traffic_mix():
    # 200 in-scope questions (top 3 right) and 400 none ones, all at 0.70-0.80 and suggestable:
    # counted as they come, two none per in-scope one; a shop whose traffic is mostly its own
    # questions suggests far lower, one that is mostly off-topic higher.
    from desktop_app.core.calibration import suggest_threshold

    rng = np.random.default_rng(4)
    base = scored([(x, 0.0) for x in rng.uniform(0.70, 0.80, 200)], [(x, 0.1) for x in rng.uniform(0.70, 0.80, 400)])
    mixed = Scored(base.s1, base.margin, base.correct, base.top3, base.none, n1=base.s1 - 0.3)
    as_they_come = suggest_threshold(mixed, 0.95)
    assert suggest_threshold(mixed, 0.95, ratio=2.0) == as_they_come  # the same share
    assert suggest_threshold(mixed, 0.95, ratio=0.1) <= 0.71 < as_they_come  # 0.1 per in-scope one: all of it
    assert suggest_threshold(mixed, 0.95, ratio=10.0) >= as_they_come
