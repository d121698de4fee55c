"""The inbox's tables in the query-log file: the only SQL of the inbox (inbox.py, inbox_actions.py).

Why the log file and not the shop store: groups, members and their counts are derived from the
log and change with every import or served hour; the store holds what the operator decided
(similar questions, negatives, test questions) and is what training reads and export copies.
Every fix writes its decision to the store, and its undo record here, next to the groups it
closed. A member is one normalised text (`norm`) of one shop, in one group:

- member status: `open` (shown), `fixed` (an action took it: added, made a question, marked as
  matching nothing, ignored or held back as a test question), `hidden` (it arrived later and
  joined a group closed as matching nothing or ignored, so it is not shown again);
- group status: `open`, or closed by an action: `added`, `new`, `none`, `ignored`.

`generation` moves with every fix, so a background update that read the inbox before a fix
does not write over it (it starts again).
"""

from __future__ import annotations

import json
import time

from .querylog import QueryLog

# A logged query is an inbox item when the model did not answer it, or answered it and the
# feedback said the answer did not help or chose another standard question.
ITEM_FILTER = ("(decision != 'answer' OR helpful = 0 OR "
               "(chosen_id IS NOT NULL AND chosen_id IS NOT top_id))")
ABSORBING = ("none", "ignored")  # closed groups that take later arrivals in silently
MEMBER_COLUMNS = ("norm", "group_id", "text", "count", "last_ts", "no_match", "suggest", "feedback",
                  "chosen_id", "status", "action_id")


class InboxDB:
    def __init__(self, log: QueryLog, shop_id: int):
        self.log = log
        self.db = log.db
        self.shop_id = shop_id

    def _dicts(self, sql: str, params=()) -> list[dict]:
        cur = self.db.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # -- state ------------------------------------------------------------------------------------
    def state(self) -> dict:
        rows = self._dicts("SELECT * FROM inbox_state WHERE shop_id = ?", (self.shop_id,))
        if rows:
            state = rows[0]
            state["holdback"] = json.loads(state["holdback"] or "{}")
            return state
        return {"shop_id": self.shop_id, "model_version": None, "store_revision": None, "seen_rowid": 0,
                "seen_feedback_ts": 0.0, "generation": 0, "holdback": {}, "updated_ts": None}

    def save_state(self, **fields) -> None:
        """Inside a transaction: set the given state fields (the row is created when missing)."""
        if "holdback" in fields:
            fields["holdback"] = json.dumps(fields["holdback"])
        self.db.execute("INSERT OR IGNORE INTO inbox_state (shop_id) VALUES (?)", (self.shop_id,))
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"UPDATE inbox_state SET {sets} WHERE shop_id = ?", (*fields.values(), self.shop_id))

    def bump_generation(self) -> None:
        self.db.execute("INSERT OR IGNORE INTO inbox_state (shop_id) VALUES (?)", (self.shop_id,))
        self.db.execute("UPDATE inbox_state SET generation = generation + 1 WHERE shop_id = ?", (self.shop_id,))

    # -- the log ------------------------------------------------------------------------------------
    def log_marks(self) -> tuple[int, float]:
        """(newest row id, newest feedback time) of the shop's log rows: has anything arrived?"""
        row = self.db.execute("SELECT max(rowid), max(feedback_ts) FROM queries WHERE shop_id = ?",
                              (self.shop_id,)).fetchone()
        return int(row[0] or 0), float(row[1] or 0.0)

    def items(self) -> dict[str, dict]:
        """norm -> what the log says of it as an inbox item: the latest text, how often, when last,
        and why (no match / suggested / answered but feedback said otherwise)."""
        out = {}
        for row in self._dicts(
                f"SELECT norm, text, max(ts) AS last_ts, count(*) AS count, "
                f"sum(decision = 'no_match') AS no_match, sum(decision = 'suggest') AS suggest, "
                f"sum(decision = 'answer') AS feedback FROM queries "
                f"WHERE shop_id = ? AND norm IS NOT NULL AND norm != '' AND {ITEM_FILTER} GROUP BY norm",
                (self.shop_id,)):
            row["chosen_id"] = None
            out[row.pop("norm")] = row
        best: dict[str, int] = {}
        for norm, chosen, n in self.db.execute(
                f"SELECT norm, chosen_id, count(*) FROM queries WHERE shop_id = ? AND chosen_id IS NOT NULL "
                f"AND norm IS NOT NULL AND {ITEM_FILTER} GROUP BY norm, chosen_id", (self.shop_id,)):
            if norm in out and n > best.get(norm, 0):  # the standard question chosen most often
                best[norm] = n
                out[norm]["chosen_id"] = chosen
        return out

    # -- members and groups ---------------------------------------------------------------------
    def members(self, statuses: tuple[str, ...] | None = None, group_ids=None) -> dict[str, dict]:
        sql, params = "SELECT * FROM inbox_members WHERE shop_id = ?", [self.shop_id]
        if statuses:
            sql += f" AND status IN ({', '.join('?' * len(statuses))})"
            params += statuses
        if group_ids is not None:
            group_ids = list(group_ids)
            sql += f" AND group_id IN ({', '.join('?' * len(group_ids)) or 'NULL'})"
            params += group_ids
        return {r["norm"]: r for r in self._dicts(sql, params)}

    def groups(self, statuses: tuple[str, ...] | None = None) -> dict[int, dict]:
        sql, params = "SELECT * FROM inbox_groups WHERE shop_id = ?", [self.shop_id]
        if statuses:
            sql += f" AND status IN ({', '.join('?' * len(statuses))})"
            params += statuses
        return {r["id"]: r for r in self._dicts(sql, params)}

    def group(self, group_id: int) -> dict | None:
        rows = self._dicts("SELECT * FROM inbox_groups WHERE id = ? AND shop_id = ?", (group_id, self.shop_id))
        return rows[0] if rows else None

    def new_group(self, medoid: str | None, status: str = "open") -> int:
        now = time.time()
        return self.db.execute(
            "INSERT INTO inbox_groups (shop_id, status, medoid, created_ts, updated_ts) VALUES (?, ?, ?, ?, ?)",
            (self.shop_id, status, medoid, now, now)).lastrowid

    def delete_groups(self, ids) -> None:
        self.db.executemany("DELETE FROM inbox_groups WHERE id = ? AND shop_id = ?",
                            [(i, self.shop_id) for i in ids])

    def set_group(self, group_id: int, **fields) -> None:
        fields["updated_ts"] = time.time()
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE inbox_groups SET {sets} WHERE id = ? AND shop_id = ?",
                        (*fields.values(), group_id, self.shop_id))

    def delete_empty_groups(self) -> None:
        """Open groups left with no member at all (their texts were added in the editor, say)."""
        self.db.execute("DELETE FROM inbox_groups WHERE shop_id = ? AND status = 'open' AND id NOT IN "
                        "(SELECT group_id FROM inbox_members WHERE shop_id = ?)", (self.shop_id, self.shop_id))

    def upsert_members(self, rows: list[dict]) -> None:
        cols = ", ".join(("shop_id",) + MEMBER_COLUMNS)
        marks = ", ".join("?" * (len(MEMBER_COLUMNS) + 1))
        self.db.executemany(f"INSERT OR REPLACE INTO inbox_members ({cols}) VALUES ({marks})",
                            [(self.shop_id, *(r.get(c) for c in MEMBER_COLUMNS)) for r in rows])

    def delete_members(self, norms) -> None:
        self.db.executemany("DELETE FROM inbox_members WHERE shop_id = ? AND norm = ?",
                            [(self.shop_id, n) for n in norms])

    def set_members(self, norms, **fields) -> None:
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.executemany(f"UPDATE inbox_members SET {sets} WHERE shop_id = ? AND norm = ?",
                            [(*fields.values(), self.shop_id, n) for n in norms])

    def members_of_action(self, action_id: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT norm FROM inbox_members WHERE shop_id = ? AND action_id = ?",
                                              (self.shop_id, action_id))]

    def open_counts(self) -> tuple[int, int, int]:
        """(groups, texts, messages) still to look at: open members of open groups."""
        row = self.db.execute(
            "SELECT count(DISTINCT m.group_id), count(*), coalesce(sum(m.count), 0) FROM inbox_members m "
            "JOIN inbox_groups g ON g.id = m.group_id WHERE m.shop_id = ? AND m.status = 'open' "
            "AND g.status = 'open'", (self.shop_id,)).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    # -- the undo journal -------------------------------------------------------------------------
    def add_action(self, kind: str, payload: dict) -> int:
        return self.db.execute("INSERT INTO inbox_actions (shop_id, ts, kind, payload) VALUES (?, ?, ?, ?)",
                               (self.shop_id, time.time(), kind, json.dumps(payload, ensure_ascii=False))).lastrowid

    def set_action_payload(self, action_id: int, payload: dict) -> None:
        self.db.execute("UPDATE inbox_actions SET payload = ? WHERE id = ?",
                        (json.dumps(payload, ensure_ascii=False), action_id))

    def actions(self, limit: int | None = None, undone: bool | None = None) -> list[dict]:
        sql = "SELECT * FROM inbox_actions WHERE shop_id = ?"
        if undone is not None:
            sql += " AND undone_ts IS " + ("NOT NULL" if undone else "NULL")
        sql += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        rows = self._dicts(sql, (self.shop_id,))
        for r in rows:
            r["payload"] = json.loads(r["payload"])
        return rows

    def action(self, action_id: int) -> dict | None:
        rows = self._dicts("SELECT * FROM inbox_actions WHERE id = ? AND shop_id = ?", (action_id, self.shop_id))
        if not rows:
            return None
        rows[0]["payload"] = json.loads(rows[0]["payload"])
        return rows[0]

    def mark_undone(self, action_id: int) -> None:
        self.db.execute("UPDATE inbox_actions SET undone_ts = ? WHERE id = ?", (time.time(), action_id))
