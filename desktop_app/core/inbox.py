"""The inbox: what consumers asked that the model did not answer, grouped, most asked first.

Items are logged questions the model did not answer (no match, or only suggested) and answered
ones whose feedback said the answer did not help or chose another standard question (the log's
`ITEM_FILTER`), less those the shop now holds (as a standard, similar, negative or test
question). The same normalised text is one member, counted; paraphrases are one group,
clustered on the shop's own encoder vectors (inbox_grouping.py) stored with the log
(log_embeddings.py), so regrouping does not encode again.

`Inbox.update(matcher, reporter)` is the background job. It is incremental: new texts join the
group they are on average closest to when close enough (the same test average linkage applies),
or are clustered among themselves into new groups; texts close to a group closed as "matching
nothing" or "ignored" join it silently. When the matcher's model version differs from the one
the groups were made with, it regroups everything on the new version's vectors. Groups come
back from `groups(matcher)` with their representative (the member most similar to the others,
weighted by how often each was asked), members, the nearest standard questions now (the matcher
follows store edits) and a near-tie flag; near ties rank higher, being where one decision by a
person teaches the model most. Fixes and undo are in inbox_actions.py.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import inbox_grouping as grouping
from . import log_embeddings
from .inbox_db import ABSORBING, InboxDB
from .normalize import normalize_text
from .querylog import FILE_NAME, QueryLog
from .reporter import NULL, Reporter

NEAR_TIE = 0.03    # top two standard questions this close: a toss-up (calibration's smallest margin)
TIE_BOOST = 2.0    # a near-tie group ranks as if asked this many times as often
NEAREST_K = 3
DEFAULT_DISTANCE = 0.1  # see grouping_distance (tight: an untuned encoder's scale)
MIN_DISTANCE, MAX_DISTANCE = 0.1, 0.35  # a model packing its own questions tighter (a tiny test one) gets 0.1
GROUPING_MARGIN = 0.95
DISTANCE_SAMPLE = 2000  # entries whose pairwise similarities set the distance
MAX_RETRIES = 3


@dataclass
class InboxMember:
    norm: str
    text: str          # as last asked (masked like the log)
    count: int         # messages with this normalised text
    last_ts: float
    no_match: int      # of them: not matched
    suggest: int       # only suggested
    feedback: int      # answered, but feedback said it did not help or chose another question
    chosen_id: int | None  # the standard question feedback chose most often, if any


@dataclass
class Suggestion:
    id: int
    text: str
    category: str
    score: float


@dataclass
class InboxGroup:
    id: int
    representative: str
    count: int                     # messages in the group
    members: list[InboxMember]     # most asked first
    nearest: list[Suggestion]      # the standard questions nearest to the representative, best first
    near_tie: bool                 # the top two of `nearest` within NEAR_TIE
    suggested_id: int | None       # preselected target: chosen by feedback most often, else nearest[0]
    last_ts: float

    def to_dict(self) -> dict:
        d = asdict(self)
        d["last_time"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.last_ts))
        return d


@dataclass
class InboxCounts:
    groups: int
    texts: int
    messages: int


@dataclass
class UpdateResult:
    model_version: int
    regrouped: bool
    new_texts: int = 0       # texts that arrived since the last update
    joined: int = 0          # of them, joined an open group
    hidden: int = 0          # of them (or, when regrouping, of all), joined a closed group
    new_groups: int = 0
    removed: int = 0         # texts no longer in the inbox (now shop questions, or pruned from the log)
    encoded: int = 0         # texts whose vectors had to be computed
    distance: float = 0.0    # the grouping distance used
    seconds: float = 0.0
    details: dict = field(default_factory=dict)


class _Stale(Exception):
    """A fix changed the inbox while the update was computing: compute again."""


def grouping_distance(matcher) -> float:
    """Cosine distance under which texts group, from the shop's own questions under this model
    (`matcher`: a core Matcher, whose index holds their vectors):
    GROUPING_MARGIN x (1 - the 99th percentile of the similarities between entries of different
    standard questions). Two texts closer than nearly all pairs the shop itself keeps apart are
    taken as one question. It follows the model: the untuned encoder packs every text close
    (0.112 on smp2019-ecdt), a fine-tuned one spreads them (0.261); on that set's held-out
    intents, grouping is at its best just under these values and falls apart just over them
    (bench/inbox_replay.py). A shop too small to tell gets DEFAULT_DISTANCE; never under
    MIN_DISTANCE, which e5's untuned paraphrases need already."""
    entries = [e for e in matcher.store.index_entries(matcher.shop_id) if e.label in matcher.index.texts]
    if len({e.standard_id for e in entries}) < 2:
        return DEFAULT_DISTANCE
    if len(entries) > DISTANCE_SAMPLE:
        keep = np.random.default_rng(0).choice(len(entries), DISTANCE_SAMPLE, replace=False)
        entries = [entries[i] for i in sorted(keep)]
    x = matcher.index.vectors([e.label for e in entries])
    owner = np.array([e.standard_id for e in entries])
    between = (x @ x.T)[owner[:, None] != owner[None, :]]
    if between.size < 100:
        return DEFAULT_DISTANCE
    return float(np.clip(GROUPING_MARGIN * (1.0 - np.percentile(between, 99)), MIN_DISTANCE, MAX_DISTANCE))


def owned_norms(store, shop_id: int) -> set[str]:
    """Texts the shop holds already: they cannot be added again, so they leave the inbox."""
    norms = {normalize_text(sq.text) for sq in store.standards(shop_id)}
    norms.update(normalize_text(s.text) for s in store.similars(shop_id=shop_id))
    norms.update(n.norm for n in store.negatives(shop_id))
    norms.update(t.norm for t in store.test_questions(shop_id))
    return norms


class Inbox:
    """One shop's inbox over a store and a query log (one instance per thread, as QueryLog).

    Methods taking a `matcher` use only its `version` and `encoder`: a core Matcher, or any
    object with those two (the GUI passes its encoder behind a lock)."""

    def __init__(self, store, log: QueryLog, shop_id: int):
        self.store = store
        self.log = log
        self.shop_id = shop_id
        self.db = InboxDB(log, shop_id)
        self._near = None  # (matcher, VectorTap, Matcher over the tap): see _nearest

    @classmethod
    def open(cls, store, shop_id: int, log_path: Path | None = None) -> "Inbox":
        """The shop's inbox in the data directory's query log (created when absent)."""
        return cls(store, QueryLog(Path(log_path) if log_path else Path(store.home) / FILE_NAME), shop_id)

    def close(self) -> None:
        self.log.close()

    # -- cheap reads (status bar) -----------------------------------------------------------------
    def counts(self) -> InboxCounts:
        return InboxCounts(*self.db.open_counts())

    def needs_update(self, model_version: int | None) -> bool:
        """Whether `update` would change anything: new log rows or feedback, a store edit, another model."""
        state = self.db.state()
        rowid, feedback_ts = self.db.log_marks()
        return (state["model_version"] != model_version or rowid > state["seen_rowid"]
                or feedback_ts > state["seen_feedback_ts"]
                or self.store.shop(self.shop_id).revision != state["store_revision"])

    # -- the background job -----------------------------------------------------------------------
    def update(self, matcher, reporter: Reporter = NULL, *, full: bool = False,
               distance: float | None = None) -> UpdateResult:
        """Bring the groups up to date with the log and the store; see the module docstring.
        Cancellable: a cancelled update leaves the previous groups as they were (vectors already
        computed are kept for next time)."""
        t0 = time.perf_counter()
        if distance is None:
            _, near = self._tapped(matcher)
            near.refresh()  # the index as the store is now: grouping_distance reads its vectors
            distance = grouping_distance(near)
        for attempt in range(MAX_RETRIES):
            try:
                result = self._update(matcher, reporter, full, distance)
                break
            except _Stale:
                if attempt == MAX_RETRIES - 1:
                    raise RuntimeError("the inbox kept changing during the update; try again") from None
        result.seconds = round(time.perf_counter() - t0, 3)
        result.distance = round(distance, 4)
        return result

    def _update(self, matcher, reporter: Reporter, full: bool, distance: float) -> UpdateResult:
        reporter.stage("read", None)
        self.log.fill_norms(self.shop_id)
        state = self.db.state()
        generation, version = state["generation"], matcher.version.id
        marks = self.db.log_marks()
        revision = self.store.shop(self.shop_id).revision
        regroup = full or state["model_version"] != version
        owned = owned_norms(self.store, self.shop_id)
        items = {n: it for n, it in self.db.items().items() if n not in owned}
        members = self.db.members()
        groups = self.db.groups()
        reporter.check_cancel()

        result = UpdateResult(version, regroup)
        gone = [n for n, m in members.items() if m["status"] == "open" and n not in items]
        result.removed = len(gone)
        arrived = [n for n in items if n not in members]
        result.new_texts = len(arrived)
        open_groups = {g for g, row in groups.items() if row["status"] == "open"}
        absorbing = {g for g, row in groups.items() if row["status"] in ABSORBING}
        still_open = [n for n, m in members.items() if m["status"] == "open" and n in items]
        placed = [n for n in still_open if members[n]["group_id"] in open_groups and not regroup]
        placed_set = set(placed)
        # to place: what arrived, and on a regroup every open text (an undo may also leave one loose)
        pool = arrived + [n for n in still_open if n not in placed_set]
        pool.sort(key=lambda n: -items[n]["count"])  # most asked first (see grouping.MAX_PIECE)
        anchors = [n for n, m in members.items() if m["group_id"] in absorbing]
        needed = pool + placed + anchors
        before = len(log_embeddings.get(self.log, self.shop_id, version, needed))
        vectors = log_embeddings.ensure(self.log, self.shop_id, version, matcher.encoder, needed, reporter)
        result.encoded = len(set(needed)) - before
        reporter.stage("group", None)

        # Where each text of the pool goes: an existing group (open or absorbing), or a new cluster.
        assign: dict[str, int] = {}
        by_group: dict[int, list[str]] = {}
        for n in placed + anchors:
            by_group.setdefault(members[n]["group_id"], []).append(n)
        targets = list(by_group.items())
        if pool and targets:
            means = np.stack([np.mean([vectors[n] for n in norms], axis=0) for _, norms in targets])
            best, score = grouping.nearest(np.stack([vectors[n] for n in pool]), means)
            assign = {n: targets[b][0] for n, b, s in zip(pool, best, score) if s > 1.0 - distance}
        rest = [n for n in pool if n not in assign]
        labels = grouping.cluster(np.stack([vectors[n] for n in rest]), distance) if rest else np.zeros(0, int)
        position = {n: i for i, n in enumerate(rest)}
        result.hidden = sum(g in absorbing for g in assign.values())
        result.joined = sum(assign.get(n) in open_groups for n in arrived)
        result.new_groups = len(set(labels.tolist()))
        reporter.check_cancel()

        def write() -> None:
            if self.db.state()["generation"] != generation:
                raise _Stale()
            self.db.delete_members(gone)
            if regroup:
                self.db.delete_groups(open_groups)
            new_ids = {label: self.db.new_group(None) for label in sorted(set(labels.tolist()))}
            rows = []
            for n, item in items.items():
                row = {**members.get(n, {"status": "open", "action_id": None, "group_id": None}), **item, "norm": n}
                if n in assign:
                    row["group_id"] = assign[n]
                    if assign[n] in absorbing:  # later members of a group closed as none / ignored
                        row["status"], row["action_id"] = "hidden", groups[assign[n]]["action_id"]
                elif n in position:
                    row["group_id"] = new_ids[int(labels[position[n]])]
                rows.append(row)
            self.db.upsert_members(rows)
            self.db.delete_empty_groups()
            self._refresh_medoids(vectors)
            self.db.save_state(model_version=version, store_revision=revision, seen_rowid=marks[0],
                               seen_feedback_ts=marks[1], updated_ts=time.time())

        self.log.transaction(write)
        if regroup:
            log_embeddings.drop_other_versions(self.log, self.shop_id, version)
        return result

    def _refresh_medoids(self, vectors: dict[str, np.ndarray]) -> None:
        """Inside the update's transaction: each open group's representative among its open members."""
        by_group: dict[int, list[dict]] = {}
        open_groups = self.db.groups(("open",))
        for m in self.db.members(("open",), list(open_groups)).values():
            if m["norm"] in vectors:
                by_group.setdefault(m["group_id"], []).append(m)
        for g, live in by_group.items():
            i = grouping.medoid(np.stack([vectors[m["norm"]] for m in live]), np.array([m["count"] for m in live]))
            if live[i]["norm"] != open_groups[g]["medoid"]:
                self.db.set_group(g, medoid=live[i]["norm"])

    # -- what the inbox shows -----------------------------------------------------------------------
    def groups(self, matcher, *, limit: int | None = None, min_count: int = 1) -> list[InboxGroup]:
        """Open groups, ranked: messages, doubled for near ties (TIE_BOOST), then the latest first."""
        open_groups = self.db.groups(("open",))
        by_group: dict[int, list[InboxMember]] = {}
        for m in self.db.members(("open",), list(open_groups)).values():
            by_group.setdefault(m["group_id"], []).append(
                InboxMember(m["norm"], m["text"], m["count"], m["last_ts"] or 0.0, m["no_match"], m["suggest"],
                            m["feedback"], m["chosen_id"]))
        live = [(g, sorted(ms, key=lambda m: (-m.count, -m.last_ts)))
                for g, ms in by_group.items() if sum(m.count for m in ms) >= min_count]
        if not live:
            return []
        reps = []
        for g, ms in live:
            medoid = open_groups[g]["medoid"]
            reps.append(next((m for m in ms if m.norm == medoid), ms[0]))
        nearest = self._nearest(matcher, [m.norm for m in reps])
        out = []
        for (g, ms), rep, near in zip(live, reps, nearest):
            tie = len(near) > 1 and near[0].score - near[1].score <= NEAR_TIE
            chosen = [m.chosen_id for m in ms for _ in range(m.count) if m.chosen_id is not None]
            suggested = max(set(chosen), key=chosen.count) if chosen else (near[0].id if near else None)
            out.append(InboxGroup(g, rep.text, sum(m.count for m in ms), ms, near, tie, suggested,
                                  max(m.last_ts for m in ms)))
        out.sort(key=lambda gr: (-gr.count * (TIE_BOOST if gr.near_tie else 1.0), -gr.last_ts, gr.id))
        return out[:limit] if limit else out

    def group(self, matcher, group_id: int) -> InboxGroup | None:
        return next((g for g in self.groups(matcher) if g.id == group_id), None)

    def _tapped(self, matcher):
        """(VectorTap, a Matcher of ours over it) for the given matcher's version and encoder: the
        caller's matcher may be any object with `version` and `encoder` (the GUI shares its
        encoder under a lock), and ours answers from stored vectors where it has them."""
        from .matcher import Matcher

        if self._near is None or self._near[0] is not matcher:
            tap = log_embeddings.VectorTap(matcher.encoder)
            self._near = (matcher, tap, Matcher(self.store, self.shop_id, matcher.version, encoder=tap))
        return self._near[1], self._near[2]

    def _nearest(self, matcher, norms: list[str]) -> list[list[Suggestion]]:
        """Top standard questions for each text, by the vectors stored for the matcher's version
        (encoded now only if missing), through the matcher so store edits count at once."""
        tap, near = self._tapped(matcher)
        tap.clear()
        tap.remember(log_embeddings.get(self.log, self.shop_id, matcher.version.id, norms))
        results = near.query_many(norms, k=NEAREST_K)
        tap.clear()
        return [[Suggestion(m.id, m.standard_question, m.category, m.score) for m in r.matches] for r in results]
