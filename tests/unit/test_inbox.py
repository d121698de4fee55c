"""The inbox: items from the log, grouping (incremental, regroup on a model change), each fix and its
undo, what the inbox shows after a fix. Real SQLite, real hnswlib, the tiny model; where a test is
about which texts group together, the texts' vectors are written into the log first (what the
import and earlier updates store), so the geometry is the test's own and nothing is encoded."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.core import inbox_actions as actions
from desktop_app.core import log_embeddings
from desktop_app.core.inbox import Inbox
from desktop_app.core.inbox_grouping import cluster
from desktop_app.core.matcher import Matcher
from desktop_app.core.normalize import normalize_text
from desktop_app.core.querylog import QueryLog, new_query_id, row_for
from desktop_app.core.store import NotFoundError, ValidationError

DIM = 32  # the tiny model's


@pytest.fixture
def shop(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)
    return tiny_shop


@pytest.fixture
def matcher(store, shop):
    return Matcher.open(store, shop.id)


@pytest.fixture
def inbox(store, shop, tmp_path):
    box = Inbox(store, QueryLog(tmp_path / "querylog.sqlite"), shop.id)
    yield box
    box.close()


def log_rows(inbox, texts, decision="no_match", top=(), version=None, **kw):
    rows = [row_for(query_id=new_query_id(), shop_id=inbox.shop_id, text=t, decision=decision, matches=list(top),
                    model_version=version, latency_ms=1.0, **kw) for t in texts]
    inbox.log.write(rows)
    return rows


def direction(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM)
    return v / np.linalg.norm(v)


def near(base: np.ndarray, seed: int, spread: float = 0.05) -> np.ndarray:
    v = base + spread * np.random.default_rng(1000 + seed).normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def place(inbox, version, vectors: dict[str, np.ndarray]) -> None:
    """Store the vectors the texts get (as the import or an earlier update would have)."""
    log_embeddings.put(inbox.log, inbox.shop_id, version, {normalize_text(t): v for t, v in vectors.items()})


def topics(inbox, version, a_texts, b_texts):
    a, b = direction(1), direction(2)
    place(inbox, version, {t: near(a, i) for i, t in enumerate(a_texts)})
    place(inbox, version, {t: near(b, 50 + i) for i, t in enumerate(b_texts)})
    return a, b


A = ["优惠券怎么用不了", "优惠券用不了", "券无法使用", "优惠券不能用怎么回事"]
B = ["能开增值税专票吗", "专票可以开吗"]


def by_text(groups):
    return {frozenset(m.text for m in g.members): g for g in groups}


# ----------------------------------------------------------------------------- grouping
def test_cluster_gives_scikit_learns_average_linkage_clusters():
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(60, 48))
    x = centres[rng.integers(0, 60, 700)] + 0.6 * rng.normal(size=(700, 48))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    for threshold in (0.15, 0.3, 0.5):
        ours = cluster(x, threshold)
        theirs = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine",
                                         linkage="average").fit_predict(x)
        assert adjusted_rand_score(theirs, ours) == 1.0
        assert ours.max() + 1 == theirs.max() + 1 > 1


def test_a_piece_too_big_to_cluster_at_once_keeps_separate_topics_apart(monkeypatch):
    from sklearn.cluster import AgglomerativeClustering

    from desktop_app.core import inbox_grouping

    # Two topics whose closest cross pairs are under the distance, so the threshold graph is one
    # piece, while their average distance is well over it.
    rng = np.random.default_rng(1)
    a = rng.normal(size=48)
    a /= np.linalg.norm(a)
    b = rng.normal(size=48)
    b -= (b @ a) * a
    b /= np.linalg.norm(b)
    centres = [a, 0.6 * a + 0.8 * b]
    x = np.array([c + 0.5 * rng.normal(size=48) / np.sqrt(48) for c in centres for _ in range(150)])
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    sims = x @ x.T
    assert sims[:150, 150:].max() > 0.6 > sims[:150, 150:].mean()  # one piece at distance 0.4
    exact = AgglomerativeClustering(n_clusters=None, distance_threshold=0.4, metric="cosine",
                                    linkage="average").fit_predict(x)
    assert sorted(np.bincount(exact)) == [150, 150]
    order = rng.permutation(300)
    monkeypatch.setattr(inbox_grouping, "MAX_PIECE", 100)  # the path for pieces over the limit
    labels = cluster(x[order], 0.4)
    assert sorted(np.bincount(labels)) == [150, 150]
    assert len(set(labels[order < 150])) == 1


def test_items_counts_and_what_is_not_an_item(inbox, matcher, store, shop):
    sq = store.standards(shop.id)[0]
    log_rows(inbox, ["优惠券怎么用不了"] * 3)                       # counted as one text, three messages
    log_rows(inbox, ["有没有赠品"], decision="suggest", top=[(sq.id, 0.8)])
    answered = log_rows(inbox, ["发票怎么开", "开发票", "开票吧"], decision="answer", top=[(sq.id, 0.95)])
    inbox.log.feedback(answered[1]["id"], helpful=False)              # answered, but did not help
    inbox.log.feedback(answered[2]["id"], chosen_id=sq.id + 1)        # another question was right
    log_rows(inbox, ["怎么开发票"])                                   # the shop's own standard question
    inbox.update(matcher)
    groups = inbox.groups(matcher)
    members = {m.text: m for g in groups for m in g.members}
    assert set(members) == {"优惠券怎么用不了", "有没有赠品", "开发票", "开票吧"}
    assert members["优惠券怎么用不了"].count == 3 and members["优惠券怎么用不了"].no_match == 3
    assert members["开发票"].feedback == 1 and members["开票吧"].chosen_id == sq.id + 1
    counts = inbox.counts()
    assert (counts.texts, counts.messages) == (4, 6) and counts.groups == len(groups)
    for g in groups:
        assert len(g.nearest) == 3 and g.nearest[0].score >= g.nearest[1].score
    (g,) = [g for g in groups if any(m.text == "开票吧" for m in g.members)]
    assert g.suggested_id == sq.id + 1  # feedback's choice is preselected
    assert not inbox.needs_update(matcher.version.id)
    log_rows(inbox, ["新问题"])
    assert inbox.needs_update(matcher.version.id)


def test_incremental_join_new_group_and_regroup_on_a_new_model(inbox, matcher, store, shop):
    v = matcher.version.id
    a, b = topics(inbox, v, A[:3] + ["完全无关的问题"], B)
    place(inbox, v, {"完全无关的问题": direction(3).astype(np.float32)})
    log_rows(inbox, A[:3] + B + ["完全无关的问题"])
    first = inbox.update(matcher, distance=0.2)
    assert first.regrouped and first.encoded == 0  # the vectors were in the log already
    groups = by_text(inbox.groups(matcher))
    assert set(groups) == {frozenset(A[:3]), frozenset(B), frozenset(["完全无关的问题"])}
    a_group = groups[frozenset(A[:3])].id

    place(inbox, v, {A[3]: near(a, 99), "物流到哪了": direction(4).astype(np.float32)})
    log_rows(inbox, [A[3], A[3], "物流到哪了"])
    second = inbox.update(matcher, distance=0.2)
    assert not second.regrouped and (second.new_texts, second.joined, second.new_groups) == (2, 1, 1)
    groups = by_text(inbox.groups(matcher))
    assert groups[frozenset(A)].id == a_group and groups[frozenset(A)].count == 5
    assert groups[frozenset(A)].representative in A

    # A new model version (a copy of the files, as a retrain makes one): everything regroups with
    # the new version's vectors, here ones that put the coupon texts in two groups.
    old = store.active_version(shop.id)
    new = store.add_version(shop.id, base_model=old.base_model, loss="none", params=old.params,
                            thresholds=old.thresholds, onnx_dir=old.onnx_dir, index_path=old.index_path, status="ready")
    store.activate_version(new.id)
    matcher2 = Matcher.open(store, shop.id)
    place(inbox, new.id, {t: near(a, i) for i, t in enumerate(A[:2])})
    place(inbox, new.id, {t: near(b, i) for i, t in enumerate(A[2:] + B)})
    assert inbox.needs_update(new.id)
    third = inbox.update(matcher2, distance=0.2)
    assert third.regrouped and third.encoded == 2  # the two unrelated texts had no vector for it yet
    groups = by_text(inbox.groups(matcher2))
    assert frozenset(A[:2]) in groups and frozenset(A[2:] + B) in groups
    assert not log_embeddings.get(inbox.log, shop.id, v, [normalize_text(A[0])])  # old vectors dropped


# ----------------------------------------------------------------------------- fixes and undo
def grouped(inbox, matcher, texts=A, others=B):
    topics(inbox, matcher.version.id, texts, others)
    log_rows(inbox, list(texts) + list(others))
    inbox.update(matcher, distance=0.2)
    return by_text(inbox.groups(matcher))


def test_add_to_standard_is_matched_at_once_and_undo_takes_it_back(inbox, matcher, store, shop):
    groups = grouped(inbox, matcher)
    sq = store.find_standard(shop.id, "退货运费谁出")
    before = store.shop(shop.id).revision
    result = actions.add_to_standard(inbox, [groups[frozenset(A)].id], sq.id)
    assert (result.kind, result.done, result.held_back) == ("add", 4, 0)
    added = store.similars(sq.id, source="log")
    assert sorted(s.text for s in added) == sorted(A) and store.shop(shop.id).revision > before
    hit = matcher.query(A[0])  # the matcher follows the store: no retraining
    assert hit.matches[0].id == sq.id and hit.matches[0].score > 0.999
    assert actions.similars_from_inbox_since_training(store, shop.id) == 4
    # What the inbox shows now: the group is gone, the other stays, also after an update.
    assert by_text(inbox.groups(matcher)).keys() == {frozenset(B)}
    assert inbox.counts().texts == 2
    inbox.update(matcher, distance=0.2)
    assert by_text(inbox.groups(matcher)).keys() == {frozenset(B)}

    undone = actions.undo(inbox)
    assert undone.kind == "undo" and undone.done == 4 and not undone.skipped
    assert store.similars(sq.id, source="log") == []
    assert matcher.query(A[0]).matches[0].score < 0.999
    assert frozenset(A) in by_text(inbox.groups(matcher))
    with pytest.raises(NotFoundError):
        actions.undo(inbox)  # nothing left to undo


def test_new_standard_from_a_group_answer_to_write_and_undo(inbox, matcher, store, shop):
    groups = grouped(inbox, matcher)
    group = groups[frozenset(A)]
    result = actions.new_standard(inbox, group.id, category="优惠")
    sq = store.standard(result.standard_id)
    assert sq.text == group.representative and sq.answer == "" and sq.category == "优惠"
    assert sorted(s.text for s in store.similars(sq.id)) == sorted(set(A) - {group.representative})
    assert [q.id for q in actions.answers_to_write(inbox)] == [sq.id]
    assert matcher.query(A[1]).matches[0].id == sq.id
    assert frozenset(A) not in by_text(inbox.groups(matcher))

    store.update_standard(sq.id, answer="在结算页勾选优惠券即可")
    assert actions.answers_to_write(inbox) == []
    with pytest.raises(ValidationError):  # undo would lose the answer written since
        actions.undo(inbox)
    store.update_standard(sq.id, answer="")
    actions.undo(inbox)
    assert store.find_standard(shop.id, group.representative) is None
    assert frozenset(A) in by_text(inbox.groups(matcher))


def test_none_hides_later_members_until_undone(inbox, matcher, store, shop):
    groups = grouped(inbox, matcher)
    a = direction(1)
    result = actions.mark_none(inbox, [groups[frozenset(A)].id])
    assert result.done == 4
    assert sorted(n.text for n in store.negatives(shop.id)) == sorted(A)
    assert {n.source for n in store.negatives(shop.id)} == {"inbox"}
    # A later paraphrase joins the closed group and is not shown.
    place(inbox, matcher.version.id, {"优惠券咋不能用": near(a, 77)})
    log_rows(inbox, ["优惠券咋不能用"])
    update = inbox.update(matcher, distance=0.2)
    assert update.hidden == 1
    assert by_text(inbox.groups(matcher)).keys() == {frozenset(B)}

    actions.undo(inbox)
    assert store.negatives(shop.id) == []
    shown = by_text(inbox.groups(matcher))
    assert frozenset(A + ["优惠券咋不能用"]) in shown  # the later one comes back with the group


def test_ignore_bulk_and_per_member(inbox, matcher, store, shop):
    groups = grouped(inbox, matcher)
    revision = store.shop(shop.id).revision
    bulk = actions.ignore(inbox, [groups[frozenset(A)].id, groups[frozenset(B)].id])
    assert bulk.done == 6 and inbox.groups(matcher) == [] and store.shop(shop.id).revision == revision
    actions.undo(inbox)  # one undo reverts the whole bulk fix
    assert len(inbox.groups(matcher)) == 2

    group = by_text(inbox.groups(matcher))[frozenset(A)]
    sq = store.find_standard(shop.id, "怎么开发票")
    one = actions.add_to_standard(inbox, [(group.id, [normalize_text(A[0])])], sq.id)
    assert one.done == 1
    left = by_text(inbox.groups(matcher))
    assert frozenset(A[1:]) in left and left[frozenset(A[1:])].id == group.id  # the rest stays open
    with pytest.raises(ValidationError):
        actions.ignore(inbox, [(group.id, [normalize_text(A[0])])])  # already fixed: nothing to do


def test_hold_back_one_in_five_as_test_questions(inbox, matcher, store, shop):
    texts = [f"赠品什么时候发{i}号" for i in range(10)]
    groups = grouped(inbox, matcher, texts, B)
    sq = store.find_standard(shop.id, "退货运费谁出")
    result = actions.add_to_standard(inbox, [groups[frozenset(texts)].id], sq.id, hold_back=True)
    assert (result.done, result.held_back) == (8, 2)
    tests = store.test_questions(shop.id)
    assert len(tests) == 2 and {t.expected_id for t in tests} == {sq.id} and {t.source for t in tests} == {"imported"}
    similars = {s.text for s in store.similars(sq.id, source="log")}
    assert len(similars) == 8 and not similars & {t.text for t in tests}  # never both
    none = actions.mark_none(inbox, [groups[frozenset(B)].id], hold_back=True)
    assert (none.done, none.held_back) == (2, 0)  # a fix keeps one for matching; the debt carries over
    actions.undo(inbox)
    actions.undo(inbox)
    assert store.test_questions(shop.id) == [] and store.similars(sq.id, source="log") == []
    assert inbox.db.state()["holdback"] == {"accept": [0, 0], "none": [0, 0]}


def test_empty_log_and_cancelled_update(inbox, matcher):
    from desktop_app.core.reporter import Cancelled, Reporter

    result = inbox.update(matcher)
    assert (result.new_texts, result.new_groups) == (0, 0) and inbox.groups(matcher) == []
    assert inbox.counts().messages == 0

    class CancelWhileGrouping(Reporter):
        def stage(self, name, total=None):
            if name == "group":
                self.cancel()
                self.check_cancel()

    log_rows(inbox, ["有没有赠品"])
    with pytest.raises(Cancelled):
        inbox.update(matcher, CancelWhileGrouping())
    assert inbox.counts().texts == 0 and inbox.needs_update(matcher.version.id)  # nothing half-written
    assert inbox.update(matcher).encoded == 0  # the vector computed before the cancel was kept


def test_a_fix_during_an_update_is_not_written_over(inbox, matcher, store, shop, tmp_path):
    from desktop_app.core.reporter import Reporter

    groups = grouped(inbox, matcher)
    target = groups[frozenset(B)].id
    other = Inbox(store, QueryLog(tmp_path / "querylog.sqlite"), shop.id)  # the GUI thread's own

    class FixMeanwhile(Reporter):
        fixed = False

        def stage(self, name, total=None):
            if name == "group" and not self.fixed:
                self.fixed = True
                actions.ignore(other, [target])

    log_rows(inbox, ["另一个新问题"])
    place(inbox, matcher.version.id, {"另一个新问题": direction(9).astype(np.float32)})
    result = inbox.update(matcher, FixMeanwhile(), distance=0.2)
    assert result.new_texts == 1
    shown = by_text(inbox.groups(matcher))
    assert frozenset(B) not in shown and frozenset(A) in shown and frozenset(["另一个新问题"]) in shown
    other.close()


def test_grouping_distance_follows_the_shops_own_questions(matcher, store, shop):
    from desktop_app.core.inbox import GROUPING_MARGIN, MAX_DISTANCE, MIN_DISTANCE, grouping_distance

    entries = store.index_entries(shop.id)
    x = matcher.index.vectors([e.label for e in entries])
    owner = np.array([e.standard_id for e in entries])
    between = (x @ x.T)[owner[:, None] != owner[None, :]]
    expected = np.clip(GROUPING_MARGIN * (1 - np.percentile(between, 99)), MIN_DISTANCE, MAX_DISTANCE)
    assert grouping_distance(matcher) == pytest.approx(expected)


def test_a_near_tie_ranks_above_a_bigger_group(inbox, matcher, store, shop):
    first, second = store.standards(shop.id)[:2]
    entries = {e.standard_id: e.label for e in store.index_entries(shop.id) if e.label % 2 == 0}  # their own texts
    both = matcher.index.vectors([entries[first.id], entries[second.id]]).sum(axis=0)
    between = (both / np.linalg.norm(both)).astype(np.float32)  # as close to one as to the other
    v = matcher.version.id
    place(inbox, v, {"这个和那个有什么区别": between})
    place(inbox, v, {t: near(direction(5), i) for i, t in enumerate(B)})
    log_rows(inbox, ["这个和那个有什么区别"] * 3 + B * 2)
    inbox.update(matcher, distance=0.2)
    tie, big = inbox.groups(matcher)
    assert tie.near_tie and tie.representative == "这个和那个有什么区别" and tie.count == 3
    assert {s.id for s in tie.nearest[:2]} == {first.id, second.id}
    assert not big.near_tie and big.count == 4  # more messages, ranked below the toss-up
