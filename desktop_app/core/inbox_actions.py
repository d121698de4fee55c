"""One-click fixes for inbox groups, each undoable, each for one group, some of its members, or
many groups at once (one undo reverts the whole bulk fix):

- `add_to_standard`: the texts become similar questions (source 'log') of a standard question;
  the matcher follows store edits, so they are matched at once, before any retraining;
- `new_standard`: the group's representative becomes a new standard question with an empty
  answer (listed by `answers_to_write` until one is written), the other texts its similar ones;
- `mark_none`: the texts become the shop's negatives (source 'inbox'); the group is closed and
  texts that later join it are not shown again;
- `ignore`: nothing changes in the shop; the group is closed like `mark_none`'s.

With `hold_back=True`, one in five of the texts accepted (and one in five of the negatives) go
to the shop's test questions instead (source 'imported': the store allows no other for them),
so the evaluation report follows real traffic; a held-back text is never also added for
matching. The representative of a new question is never held back, and a fix always keeps at
least one text for matching; what is owed carries over to the next fix.

The store is written first, then the undo record; should that record fail, the store edits are
reverted, so no edit is left without its undo.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Iterable

from .inbox import Inbox
from .store import ConflictError, NotFoundError, StoreError, ValidationError

HOLD_BACK_EVERY = 5
TEST_SOURCE = "imported"
KIND_STATUS = {"add": "added", "new": "new", "none": "none", "ignore": "ignored"}

Target = int | tuple[int, Iterable[str]]  # a group id, or (group id, the members' norms to fix)


@dataclass
class FixResult:
    action_id: int | None
    kind: str                 # add / new / none / ignore / undo
    done: int = 0             # texts added, made negatives or ignored (undo: texts back in the inbox)
    held_back: int = 0        # texts that went to the test questions instead
    standard_id: int | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (text, why)


@dataclass
class _Member:
    norm: str
    text: str
    group_id: int


def _resolve(inbox: Inbox, targets: Iterable[Target]) -> tuple[list[_Member], list[int], list[tuple[str, str]]]:
    """The open members the targets name, the groups they belong to, and what was asked but is gone."""
    members, group_ids, skipped = [], [], []
    for target in targets:
        group_id, norms = (target, None) if isinstance(target, int) else (target[0], list(target[1]))
        group = inbox.db.group(group_id)
        if group is None:
            raise NotFoundError(f"no inbox group {group_id} (the inbox may have been regrouped: list it again)")
        open_members = inbox.db.members(("open",), [group_id])
        chosen = list(open_members) if norms is None else norms
        for norm in chosen:
            m = open_members.get(norm)
            if m is None:
                skipped.append((norm, "no longer open in this group"))
            else:
                members.append(_Member(norm, m["text"], group_id))
        group_ids.append(group_id)
    if not members:
        raise ValidationError("nothing to fix: the chosen groups have no open questions left")
    return members, list(dict.fromkeys(group_ids)), skipped


def _hold_back(inbox: Inbox, members: list[_Member], which: str, protect: set[str]) -> tuple[set[str], dict]:
    """The norms to hold back as test questions, and the counters' change {which: [seen, held]}."""
    seen, held = inbox.db.state()["holdback"].get(which, [0, 0])
    owed = (seen + len(members)) // HOLD_BACK_EVERY - held
    candidates = sorted((m for m in members if m.norm not in protect), key=lambda m: zlib.crc32(m.norm.encode()))
    take = max(0, min(owed, len(candidates), len(members) - 1))
    return {m.norm for m in candidates[:take]}, {which: [len(members), take]}


def _shift(counters: dict, delta: dict | None, sign: int) -> dict:
    out = dict(counters)
    for which, (seen, held) in (delta or {}).items():
        old = out.get(which, [0, 0])
        out[which] = [max(0, old[0] + sign * seen), max(0, old[1] + sign * held)]
    return out


def _record(inbox: Inbox, kind: str, members: list[_Member], group_ids: list[int], done: set[str],
            payload: dict) -> int:
    """The undo record and the inbox's new state, in one log transaction; reverts the store on failure."""
    db = inbox.db
    groups = {g: db.group(g) for g in group_ids}
    payload["groups"] = {str(g): [row["status"], row["action_id"]] for g, row in groups.items() if row}

    def write() -> int:
        action_id = db.add_action(kind, payload)
        db.set_members([m.norm for m in members if m.norm in done], status="fixed", action_id=action_id)
        for g in group_ids:
            if not db.members(("open",), [g]):  # all of it dealt with: the group closes
                db.set_group(g, status=KIND_STATUS[kind], action_id=action_id)
        if payload.get("holdback"):
            db.save_state(holdback=_shift(db.state()["holdback"], payload["holdback"], +1))
        db.bump_generation()
        return action_id

    try:
        return inbox.log.transaction(write)
    except BaseException:
        _revert_store(inbox, payload)
        raise


def add_to_standard(inbox: Inbox, targets: Iterable[Target], standard_id: int, *,
                    hold_back: bool = False) -> FixResult:
    """Add the targets' open texts as similar questions of `standard_id`."""
    sq = inbox.store.standard(standard_id)
    if sq.shop_id != inbox.shop_id:
        raise NotFoundError(f"standard question {standard_id} is not one of this shop's")
    members, group_ids, skipped = _resolve(inbox, targets)
    return _accept(inbox, "add", members, group_ids, skipped, standard_id, hold_back, protect=set())


def new_standard(inbox: Inbox, target: Target, *, text: str | None = None, category: str = "",
                 hold_back: bool = False) -> FixResult:
    """A new standard question from one group: `text` (default: the representative), its other
    open texts as similar questions, the answer left empty to be written."""
    members, group_ids, skipped = _resolve(inbox, [target])
    medoid = inbox.db.group(group_ids[0])["medoid"]
    counts = {n: m["count"] for n, m in inbox.db.members(None, group_ids).items()}
    head = next((m for m in members if m.norm == medoid), None) or max(members, key=lambda m: counts.get(m.norm, 0))
    sq = inbox.store.add_standard(inbox.shop_id, text or head.text, category=category, answer="")
    return _accept(inbox, "new", members, group_ids, skipped, sq.id, hold_back, protect={head.norm},
                   created_standard=sq.id, head=None if text else head.norm)


def _accept(inbox: Inbox, kind: str, members: list[_Member], group_ids: list[int], skipped: list,
            standard_id: int, hold_back: bool, protect: set[str], created_standard: int | None = None,
            head: str | None = None) -> FixResult:
    store, shop_id = inbox.store, inbox.shop_id
    payload = {"standard_id": standard_id, "created_standard": created_standard, "similar_ids": [],
               "test_ids": [], "restore_negatives": [], "holdback": None}
    done = set()
    try:
        held, payload["holdback"] = _hold_back(inbox, members, "accept", protect) if hold_back else (set(), None)
        for m in members:
            if m.norm == head:  # it is the new standard question's own text
                done.add(m.norm)
                continue
            try:
                if m.norm in held:
                    payload["test_ids"].append(
                        store.add_test_question(shop_id, m.text, standard_id, TEST_SOURCE, replace=False).id)
                else:
                    negative = store.find_negative(shop_id, m.text)  # adding unmarks it: undo marks it again
                    payload["similar_ids"].append(store.add_similar(standard_id, m.text, source="log").id)
                    if negative is not None:
                        payload["restore_negatives"].append([negative.text, negative.source])
                done.add(m.norm)
            except (ConflictError, ValidationError) as exc:
                skipped.append((m.text, str(exc)))
    except BaseException:  # an unexpected failure, or Ctrl+C: take back what was done so far
        _revert_store(inbox, payload)
        raise
    payload["members"] = sorted(done)
    action_id = _record(inbox, kind, members, group_ids, done, payload)
    held_count = len(payload["test_ids"])
    return FixResult(action_id, kind, len(done) - held_count, held_count, standard_id, skipped)


def mark_none(inbox: Inbox, targets: Iterable[Target], *, hold_back: bool = False) -> FixResult:
    """The targets' open texts match nothing: the shop's negatives (source 'inbox')."""
    store, shop_id = inbox.store, inbox.shop_id
    members, group_ids, skipped = _resolve(inbox, targets)
    held, delta = _hold_back(inbox, members, "none", set()) if hold_back else (set(), None)
    payload = {"negative_ids": [], "test_ids": [], "holdback": delta}
    done = set()
    try:
        for m in members:
            try:
                if m.norm in held:
                    payload["test_ids"].append(
                        store.add_test_question(shop_id, m.text, None, TEST_SOURCE, replace=False).id)
                elif store.find_negative(shop_id, m.text) is None:  # one marked before stays on undo
                    payload["negative_ids"].append(store.add_negative(shop_id, m.text, source="inbox").id)
                done.add(m.norm)
            except (ConflictError, ValidationError) as exc:
                skipped.append((m.text, str(exc)))
    except BaseException:
        _revert_store(inbox, payload)
        raise
    payload["members"] = sorted(done)
    action_id = _record(inbox, "none", members, group_ids, done, payload)
    held_count = len(payload["test_ids"])
    return FixResult(action_id, "none", len(done) - held_count, held_count, None, skipped)


def ignore(inbox: Inbox, targets: Iterable[Target]) -> FixResult:
    """Take the targets' open texts out of the inbox without changing the shop."""
    members, group_ids, skipped = _resolve(inbox, targets)
    done = {m.norm for m in members}
    action_id = _record(inbox, "ignore", members, group_ids, done, {"members": sorted(done)})
    return FixResult(action_id, "ignore", len(done), 0, None, skipped)


def _revert_store(inbox: Inbox, payload: dict) -> list[tuple[str, str]]:
    """Take back the store edits a fix made; returns what could not be (already gone)."""
    store, shop_id, problems = inbox.store, inbox.shop_id, []
    if payload.get("test_ids"):
        store.delete_test_questions(shop_id, payload["test_ids"])
    for sid in payload.get("similar_ids", []):
        try:
            store.delete_similar(sid)
        except NotFoundError:
            problems.append((f"similar question {sid}", "was already deleted"))
    if payload.get("created_standard"):
        try:
            store.delete_standard(payload["created_standard"])
        except NotFoundError:
            problems.append((f"standard question {payload['created_standard']}", "was already deleted"))
    if payload.get("negative_ids"):
        store.delete_negatives(shop_id, payload["negative_ids"])
    for text, source in payload.get("restore_negatives", []):
        try:
            store.add_negatives(shop_id, [text], source=source)
        except StoreError as exc:
            problems.append((text, f"could not be marked as matching nothing again: {exc}"))
    return problems


def undo(inbox: Inbox, action_id: int | None = None) -> FixResult:
    """Revert a fix (default: the latest one not yet undone): its store edits and its texts, and
    those that joined its group since, come back to the inbox."""
    db = inbox.db
    if action_id is None:
        latest = db.actions(limit=1, undone=False)
        if not latest:
            raise NotFoundError("nothing to undo")
        action = latest[0]
    else:
        action = db.action(action_id)
        if action is None:
            raise NotFoundError(f"no inbox action {action_id} in this shop")
        if action["undone_ts"] is not None:
            raise ValidationError(f"inbox action {action_id} was undone already")
    payload = action["payload"]
    created = payload.get("created_standard")
    # (a later fix may have built on this one, e.g. added texts to the question it created: those
    # go with it, and that fix's own undo then reports them as already deleted)
    if created:
        try:
            if inbox.store.standard(created).answer.strip():
                raise ValidationError("the new standard question has an answer written since; undoing would "
                                      "lose it (delete the question in the editor if that is meant)")
        except NotFoundError:
            pass
    problems = _revert_store(inbox, payload)

    def write() -> int:
        reopened = db.members_of_action(action["id"])
        db.set_members(reopened, status="open", action_id=None)
        for g, (status, prior_action) in payload.get("groups", {}).items():
            db.set_group(int(g), status=status, action_id=prior_action)
        back = set(reopened)
        for g in {m["group_id"] for m in db.members(("open",)).values() if m["norm"] in back}:
            db.set_group(g, status="open")  # a group with a text back in the inbox is open again
        if payload.get("holdback"):
            db.save_state(holdback=_shift(db.state()["holdback"], payload["holdback"], -1))
        db.mark_undone(action["id"])
        db.bump_generation()
        return len(reopened)

    reopened = inbox.log.transaction(write)
    return FixResult(action["id"], "undo", reopened, 0, created, problems)


def history(inbox: Inbox, limit: int = 20) -> list[dict]:
    """The latest fixes, newest first: id, ts, kind, undone_ts, payload (what undo reverts)."""
    return inbox.db.actions(limit=limit)


def answers_to_write(inbox: Inbox) -> list:
    """Standard questions the inbox created whose answer is still empty (the editor flags them)."""
    out = []
    for action in inbox.db.actions(undone=False):
        created = action["payload"].get("created_standard")
        if created:
            try:
                sq = inbox.store.standard(created)
            except NotFoundError:
                continue
            if not sq.answer.strip():
                out.append(sq)
    return out


def similars_from_inbox_since_training(store, shop_id: int) -> int:
    """Similar questions taken from the log (source 'log') since the active model was trained:
    what the retrain panel reports as learnt but not yet trained on."""
    version = store.active_version(shop_id)
    since = version.created_at if version is not None else ""
    return sum(1 for s in store.similars(shop_id=shop_id, source="log") if s.created_at >= since)
