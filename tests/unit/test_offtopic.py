"""Known off-topic messages: the built-in set, the shop's negatives, the guard in matching and
calibration, and the doctor's catch-all warning."""

import numpy as np
import pytest

from desktop_app.core.calibration import GUARD_OFF, NO_OFFTOPIC, Scored, calibrate, decide, outcome
from desktop_app.core.normalize import dedup_key
from desktop_app.core.offtopic import BUILTIN, OWN, builtin_label, builtin_offtopic, nearest_offtopic, offtopic_entries
from desktop_app.core.store import ConflictError, ValidationError


def test_builtin_set_is_broad_unique_and_labelled_stably():
    texts = builtin_offtopic()
    assert len(texts) >= 2000  # many times the 113 of none_questions.txt
    assert len({dedup_key(t) for t in texts}) == len(texts)
    labels = {builtin_label(t) for t in texts}
    assert len(labels) == len(texts) and min(labels) >= 1 << 40
    assert builtin_label(texts[0]) == builtin_label(texts[0])
    english = [t for t in texts if t.isascii()]
    assert 0.05 * len(texts) < len(english) < 0.3 * len(texts)


def test_negatives_are_stored_deduplicated_and_refused_for_shop_questions(store, tiny_shop):
    rev = store.shop(tiny_shop.id).revision
    added = store.add_negatives(tiny_shop.id, ["给我讲个笑话", "给我讲个笑话 ", "附近的餐馆电话多少"], source="panel")
    assert [n.text for n in added] == ["给我讲个笑话", "附近的餐馆电话多少"]
    assert store.shop(tiny_shop.id).revision > rev  # open matchers pick them up at their next query
    with pytest.raises(ConflictError, match="cannot also match nothing"):
        store.add_negative(tiny_shop.id, "发票怎么开")  # a similar question of 怎么开发票
    with pytest.raises(ValidationError):
        store.add_negative(tiny_shop.id, "   ")
    with pytest.raises(ValidationError):
        store.add_negative(tiny_shop.id, "笑话", source="robot")
    # The latest decision wins: made a similar question, a text stops being a negative.
    sq = store.find_standard(tiny_shop.id, "怎么开发票")
    store.add_similar(sq.id, "附近的餐馆电话多少")
    assert [n.text for n in store.negatives(tiny_shop.id)] == ["给我讲个笑话"]
    assert store.delete_negatives(tiny_shop.id, [added[0].id]) == 1 and store.negatives(tiny_shop.id) == []


def test_offtopic_entries_put_the_shops_own_first_and_skip_its_questions(store, tiny_shop):
    store.add_negative(tiny_shop.id, "给我讲个笑话")
    entries = offtopic_entries(store, tiny_shop.id)
    assert entries[0].standard_id == OWN and entries[0].norm == "给我讲个笑话"
    assert all(e.standard_id == BUILTIN for e in entries[1:])
    shop_keys = {dedup_key(e.norm) for e in store.index_entries(tiny_shop.id)}
    assert not shop_keys & {dedup_key(e.norm) for e in entries}
    # a built-in message the shop makes one of its questions leaves the off-topic set
    text = builtin_offtopic()[0]
    store.add_similar(store.find_standard(tiny_shop.id, "怎么开发票").id, text)
    assert text not in {e.norm for e in offtopic_entries(store, tiny_shop.id)}


def test_decide_turns_away_a_query_as_close_to_off_topic_as_to_its_answer():
    t = {"answer": 0.9, "margin": 0.05, "suggest": 0.8, "guard": 0.02}
    assert decide(0.95, 0.8, t, n1=0.7) == "answer"
    assert decide(0.95, 0.8, t, n1=0.94) == "suggest"  # within the guard: an agent confirms
    assert decide(0.95, 0.8, t, n1=0.96) == "no_match"  # nearest is off-topic: not even suggested
    # versions calibrated before the guard: still never answered when the nearest is off-topic
    assert decide(0.95, 0.8, {**t, "guard": GUARD_OFF}, n1=0.99) == "no_match"
    assert decide(0.95, 0.8, {**t, "guard": GUARD_OFF}, n1=0.94) == "answer"


def test_calibration_finds_the_guard_that_scores_alone_cannot():
    # Off-topic messages score as high as in-scope ones, with leads as large, but sit as close to a
    # known off-topic message as to their best standard question.
    rng = np.random.default_rng(0)
    n_in, n_none = 200, 300
    s1 = np.concatenate([rng.uniform(0.86, 0.98, n_in), rng.uniform(0.86, 0.98, n_none)])
    n1 = np.concatenate([s1[:n_in] - rng.uniform(0.05, 0.2, n_in), s1[n_in:] + rng.uniform(-0.01, 0.1, n_none)])
    none = np.arange(n_in + n_none) >= n_in
    scored = Scored(s1, np.full(len(s1), 0.1), ~none, ~none, none, n1=n1)
    t = calibrate(scored)
    assert t["guard"] > GUARD_OFF and t["precision"] >= 0.95 and t["coverage"] > 0.9
    assert outcome(scored, t["answer"], t["margin"], t["guard"])["none_answered"] < 0.01
    without = calibrate(Scored(s1, np.full(len(s1), 0.1), ~none, ~none, none))  # no known off-topic
    assert without["guard"] == GUARD_OFF and without["coverage"] < t["coverage"]


def test_calibration_weights_none_questions_to_the_off_topic_ratio():
    # 1 of 100 none questions answered: harmless at one to one, 10 wrong per 100 in-scope at ten to one.
    s1 = np.concatenate([np.full(100, 0.95), np.full(99, 0.7), [0.95]])
    none = np.arange(200) >= 100
    scored = Scored(s1, np.full(200, 0.1), ~none, ~none, none)
    o = outcome(scored, 0.9, 0.03, ratio=10.0)
    assert o["precision"] == pytest.approx(100 / 101)
    assert o["precision_at_ratio"] == pytest.approx(100 / 110)


def test_nearest_offtopic_leaves_out_the_querys_own_entry():
    v = np.eye(3, dtype=np.float32)
    q = np.asarray([[1, 0, 0], [0.6, 0.8, 0]], dtype=np.float32)
    n1 = nearest_offtopic(q, v, np.asarray([10, 11, 12]), [10, None])
    assert n1[0] == pytest.approx(0.0) and n1[1] == pytest.approx(0.8)
    assert nearest_offtopic(q, v[:0], np.zeros(0, int))[0] == NO_OFFTOPIC


class CountingEncoder:
    """Deterministic vectors from the text, and which texts it was asked to encode."""

    variant, dim = "float32", 8

    def __init__(self):
        self.meta = {"files": {"float32": "model.onnx"}}
        self.encoded: list[str] = []

    def encode(self, texts, batch_size=64):
        self.encoded += texts
        rows = [np.random.default_rng(list(t.encode("utf-8"))).normal(size=self.dim) for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)


def test_builtin_vector_cache_keeps_builtin_vectors_for_the_same_graph(tmp_path):
    from desktop_app.core.offtopic import BuiltinVectorCache

    graph = tmp_path / "model.onnx"
    graph.write_bytes(b"graph v1")
    builtins = list(builtin_offtopic()[:5])
    first = CountingEncoder()
    got = BuiltinVectorCache(first, tmp_path).encode(builtins + ["这家店的发票怎么开"])
    assert len(first.encoded) == 6 and got.shape == (6, 8)
    # a new process: the built-in ones come from the file, identical; the shop's text is encoded again
    second = CountingEncoder()
    again = BuiltinVectorCache(second, tmp_path).encode(["这家店的发票怎么开"] + builtins[::-1])
    assert second.encoded == ["这家店的发票怎么开"]
    np.testing.assert_array_equal(again[1:], got[:5][::-1])
    np.testing.assert_array_equal(again[0], got[5])
    # a re-exported graph (another size or mtime) does not use the old vectors
    graph.write_bytes(b"graph v2, re-exported")
    third = CountingEncoder()
    BuiltinVectorCache(third, tmp_path).encode(builtins)
    assert third.encoded == builtins


def test_builtin_vector_cache_survives_a_broken_file(tmp_path):
    from desktop_app.core.offtopic import BUILTIN_VECTORS, BuiltinVectorCache

    (tmp_path / "model.onnx").write_bytes(b"graph")
    (tmp_path / BUILTIN_VECTORS).write_bytes(b"not an npz")
    enc = CountingEncoder()
    texts = list(builtin_offtopic()[:3])
    assert BuiltinVectorCache(enc, tmp_path).encode(texts).shape == (3, 8) and enc.encoded == texts
    assert len(np.load(tmp_path / BUILTIN_VECTORS)["texts"]) == 3  # rewritten whole


def test_training_offtopic_is_a_quarter_of_the_set_never_in_calibration(store, tiny_shop):
    from desktop_app.core.offtopic import training_offtopic
    from desktop_app.core.report import calibration_half, none_questions

    trained = training_offtopic()
    assert 0.2 < len(trained) / len(builtin_offtopic()) < 0.3
    assert not any(calibration_half(t) for t in trained)  # calibration never meets what training pushed away
    every, _ = none_questions(store, tiny_shop.id, set())
    left, n_builtin = none_questions(store, tiny_shop.id, set(), frozenset(trained))
    assert set(trained) <= set(every.texts) and not set(trained) & set(left.texts)
    assert n_builtin == len(builtin_offtopic()) - len(trained)


def test_a_builtin_message_that_is_a_shop_question_but_for_punctuation_is_no_none_question(store, tiny_shop):
    from desktop_app.core.report import none_questions

    text = builtin_offtopic()[0]
    every, _ = none_questions(store, tiny_shop.id, set())
    left, n_builtin = none_questions(store, tiny_shop.id, {text + "？"})
    assert text in every.texts and text not in left.texts  # the off-topic index leaves it out the same way
    assert n_builtin == len(builtin_offtopic()) - 1
