"""The query log: every served (or imported) consumer question, its decision and its feedback.

It is a SQLite file of its own (`querylog.sqlite` in the data directory, or `--log-db`), not a
table of the shop store: serving writes all day, and a retrain, an import or an edit in the GUI
must not wait on it (nor it on them). WAL lets the GUI, the CLI and the server read while one of
them writes; writes are short transactions retried while the file is busy.

`QueryLogWriter` takes rows off the request path: a thread that writes what has queued up every
0.2 s (or 500 rows) in one transaction, and everything on `close()`.

The same file holds what is derived from the log: each row's normalised text (`norm`, filled in
by the writer's thread, so the request path does no extra work), the encoder embeddings of the
texts the inbox groups (log_embeddings.py) and the inbox's groups and undo journal (inbox_db.py).
Derived data lives with what it is derived from: deleting this file resets the inbox with it,
and the shop store, which is trained from and exported, never holds traffic.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .normalize import normalize_text
from .sqlite_wal import enable_wal, retry_while_busy

FILE_NAME = "querylog.sqlite"
SOURCES = ("served", "imported")
DECISIONS = ("answer", "suggest", "no_match")
BUSY_RETRY_S = 30.0  # how long a write keeps retrying a locked file before giving the batch back

MIGRATIONS = [
    """
    CREATE TABLE queries (
        id TEXT PRIMARY KEY,
        ts REAL NOT NULL,
        shop_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        channel TEXT,
        session TEXT,
        text TEXT NOT NULL,
        decision TEXT NOT NULL,
        top_id INTEGER,
        top_score REAL,
        second_id INTEGER,
        second_score REAL,
        top3 TEXT,
        model_version INTEGER,
        latency_ms REAL,
        cached INTEGER NOT NULL DEFAULT 0,
        helpful INTEGER,
        chosen_id INTEGER,
        feedback_ts REAL
    );
    CREATE INDEX queries_shop_ts ON queries (shop_id, ts);
    """,
    # 2: normalize_text(text), what the inbox counts and groups by (older rows: filled by fill_norms)
    """
    ALTER TABLE queries ADD COLUMN norm TEXT;
    CREATE INDEX queries_shop_norm ON queries (shop_id, norm);
    """,
    # 3: the encoder's vector of a logged text, per model version (log_embeddings.py)
    """
    CREATE TABLE embeddings (
        shop_id INTEGER NOT NULL,
        model_version INTEGER NOT NULL,
        norm TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (shop_id, model_version, norm)
    ) WITHOUT ROWID;
    """,
    # 4: the inbox (inbox_db.py): groups of unanswered texts, their members, the undo journal
    """
    CREATE TABLE inbox_state (
        shop_id INTEGER PRIMARY KEY,
        model_version INTEGER,
        store_revision INTEGER,
        seen_rowid INTEGER NOT NULL DEFAULT 0,
        seen_feedback_ts REAL NOT NULL DEFAULT 0,
        generation INTEGER NOT NULL DEFAULT 0,
        holdback TEXT NOT NULL DEFAULT '{}',
        updated_ts REAL
    );
    CREATE TABLE inbox_groups (
        id INTEGER PRIMARY KEY,
        shop_id INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        medoid TEXT,
        action_id INTEGER,
        created_ts REAL NOT NULL,
        updated_ts REAL NOT NULL
    );
    CREATE INDEX inbox_groups_shop ON inbox_groups (shop_id, status);
    CREATE TABLE inbox_members (
        shop_id INTEGER NOT NULL,
        norm TEXT NOT NULL,
        group_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        last_ts REAL,
        no_match INTEGER NOT NULL DEFAULT 0,
        suggest INTEGER NOT NULL DEFAULT 0,
        feedback INTEGER NOT NULL DEFAULT 0,
        chosen_id INTEGER,
        status TEXT NOT NULL DEFAULT 'open',
        action_id INTEGER,
        PRIMARY KEY (shop_id, norm)
    );
    CREATE INDEX inbox_members_group ON inbox_members (group_id);
    CREATE TABLE inbox_actions (
        id INTEGER PRIMARY KEY,
        shop_id INTEGER NOT NULL,
        ts REAL NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        undone_ts REAL
    );
    """,
]
COLUMNS = ("id", "ts", "shop_id", "source", "channel", "session", "text", "decision", "top_id", "top_score",
           "second_id", "second_score", "top3", "model_version", "latency_ms", "cached", "norm")
NORM_BATCH = 2000


def _norm_of(row: dict) -> str:
    """The row's normalised text: computed here, in the writer's thread, off the request path."""
    return row.get("norm") or normalize_text(row.get("text") or "")


def new_query_id() -> str:
    return "q_" + uuid.uuid4().hex


@dataclass
class LoggedQuery:
    id: str
    ts: float
    shop_id: int
    source: str
    channel: str | None
    session: str | None
    text: str
    decision: str
    top: list[tuple[int, float]]
    model_version: int | None
    latency_ms: float | None
    cached: bool
    helpful: bool | None
    chosen_id: int | None

    def to_dict(self) -> dict:
        return {"id": self.id, "time": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.ts)),
                "shop_id": self.shop_id, "source": self.source, "channel": self.channel, "session": self.session,
                "text": self.text, "decision": self.decision,
                "top": [{"id": i, "score": s} for i, s in self.top], "model_version": self.model_version,
                "latency_ms": self.latency_ms, "cached": self.cached, "helpful": self.helpful,
                "chosen_id": self.chosen_id}


def row_for(*, query_id: str, shop_id: int, text: str, decision: str, matches: list[tuple[int, float]],
            model_version: int | None, latency_ms: float, source: str = "served", channel: str | None = None,
            session: str | None = None, cached: bool = False, ts: float | None = None) -> dict:
    """A row for `QueryLog.write`; `matches` is [(standard id, score), ...] best first."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    top = [(int(i), round(float(s), 4)) for i, s in matches[:3]]
    first, second = (top + [(None, None), (None, None)])[:2]
    return {"id": query_id, "ts": time.time() if ts is None else ts, "shop_id": shop_id, "source": source,
            "channel": channel, "session": session, "text": text, "decision": decision,
            "top_id": first[0], "top_score": first[1], "second_id": second[0], "second_score": second[1],
            "top3": json.dumps(top), "model_version": model_version, "latency_ms": round(latency_ms, 3),
            "cached": int(cached)}


class QueryLog:
    """One connection to the log file; use one per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=10, isolation_level=None, check_same_thread=False)
        enable_wal(self.db)
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across an app crash
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        def tx():  # the version is read under the write lock: two processes opening a new file at once
            self.db.execute("BEGIN IMMEDIATE")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, sql.split(";")):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={number}")
            self.db.execute("COMMIT")

        self._retry(tx)

    def transaction(self, fn):
        """`fn()` inside BEGIN IMMEDIATE ... COMMIT, retried while another process writes; its result."""
        def tx():
            self.db.execute("BEGIN IMMEDIATE")
            result = fn()
            self.db.execute("COMMIT")
            return result

        return self._retry(tx)

    def _retry(self, fn, deadline_s: float = BUSY_RETRY_S):
        """Run `fn`, retrying while another process holds the write lock."""
        def attempt():
            try:
                return fn()
            except BaseException:  # a busy file or any other failure (a cancelled job too): nothing half-written stays
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

        return retry_while_busy(attempt, deadline_s)

    # -- writes -------------------------------------------------------------------------------
    def write(self, rows: list[dict]) -> int:
        """Insert rows (a row whose id is already logged is skipped); returns how many were new."""
        if not rows:
            return 0
        sql = f"INSERT OR IGNORE INTO queries ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        values = [tuple(_norm_of(r) if c == "norm" else r.get(c) for c in COLUMNS) for r in rows]
        return self.transaction(lambda: self.db.executemany(sql, values).rowcount)

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these query ids are logged already (a resumed import skips them)."""
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update(r[0] for r in self.db.execute(
                f"SELECT id FROM queries WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def fill_norms(self, shop_id: int) -> int:
        """Compute `norm` for rows logged before it existed; returns how many were filled."""
        filled = 0
        while True:
            rows = self.db.execute("SELECT id, text FROM queries WHERE shop_id = ? AND norm IS NULL LIMIT ?",
                                   (shop_id, NORM_BATCH)).fetchall()
            if not rows:
                return filled
            values = [(normalize_text(text or ""), qid) for qid, text in rows]
            self.transaction(lambda: self.db.executemany("UPDATE queries SET norm = ? WHERE id = ?", values))
            filled += len(rows)

    def feedback(self, query_id: str, *, helpful: bool | None = None, chosen_id: int | None = None) -> bool:
        """Record feedback on a logged query; False when no such query was logged."""
        sets, params = ["feedback_ts = ?"], [time.time()]
        if helpful is not None:
            sets.append("helpful = ?")
            params.append(int(bool(helpful)))
        if chosen_id is not None:
            sets.append("chosen_id = ?")
            params.append(int(chosen_id))
        cursor = self._retry(lambda: self.db.execute(f"UPDATE queries SET {', '.join(sets)} WHERE id = ?",
                                                     (*params, query_id)))
        return cursor.rowcount > 0

    def merge_from(self, other: Path) -> int:
        """Copy the rows of another log file (a worker's --log-db) that this one lacks; returns how many."""
        other = Path(other)
        if not other.is_file():
            raise FileNotFoundError(f"no query log at {other}")
        source = QueryLog(other)  # brings its schema up to date
        source.close()
        before = self.count()

        def tx():
            self.db.execute("ATTACH DATABASE ? AS other", (str(other),))
            try:
                self.db.execute("BEGIN IMMEDIATE")
                cols = ", ".join(COLUMNS + ("helpful", "chosen_id", "feedback_ts"))  # norm: NULL ones filled later
                self.db.execute(f"INSERT OR IGNORE INTO main.queries ({cols}) SELECT {cols} FROM other.queries")
                self.db.execute("COMMIT")
            finally:
                self.db.execute("DETACH DATABASE other")

        self._retry(tx)
        return self.count() - before

    def prune(self, older_than_days: float) -> int:
        """Delete rows older than the retention period; returns how many."""
        cutoff = time.time() - older_than_days * 86400
        cursor = self._retry(lambda: self.db.execute("DELETE FROM queries WHERE ts < ?", (cutoff,)))
        return cursor.rowcount

    # -- reads --------------------------------------------------------------------------------
    def rows(self, shop_id: int | None = None, since: float | None = None, limit: int | None = None,
             newest_first: bool = True) -> list[LoggedQuery]:
        where, params = self._where(shop_id, since)
        sql = (f"SELECT id, ts, shop_id, source, channel, session, text, decision, top3, model_version, latency_ms, "
               f"cached, helpful, chosen_id FROM queries {where} ORDER BY ts {'DESC' if newest_first else 'ASC'}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        out = []
        for r in self.db.execute(sql, params):
            out.append(LoggedQuery(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                                   [tuple(x) for x in json.loads(r[8] or "[]")], r[9], r[10], bool(r[11]),
                                   None if r[12] is None else bool(r[12]), r[13]))
        return out

    def count(self, shop_id: int | None = None, since: float | None = None) -> int:
        where, params = self._where(shop_id, since)
        return self.db.execute(f"SELECT count(*) FROM queries {where}", params).fetchone()[0]

    def execute(self, sql: str, params=()) -> list[tuple]:
        """Read-only SQL for the statistics module (querystats.py), the log's only other reader."""
        return self.db.execute(sql, params).fetchall()

    @staticmethod
    def _where(shop_id: int | None, since: float | None) -> tuple[str, list]:
        clauses, params = [], []
        if shop_id is not None:
            clauses.append("shop_id = ?")
            params.append(shop_id)
        if since is not None:
            clauses.append("ts >= ?")
            params.append(since)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


class QueryLogWriter:
    """Writes rows in batches from a thread of its own; `submit` never touches the disk."""

    def __init__(self, path: Path, *, interval_s: float = 0.2, batch: int = 500):
        self.path = Path(path)
        self.interval_s = interval_s
        self.batch = batch
        self.errors = 0
        self.last_error = ""
        self._queue: queue.Queue = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._stop = threading.Event()
        QueryLog(self.path).close()  # create / migrate the file now, so errors show at start
        self._thread = threading.Thread(target=self._run, name="querylog-writer", daemon=True)
        self._thread.start()

    def submit(self, row: dict) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(row)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted row is written; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 60.0) -> None:
        self.flush(timeout)
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        log = QueryLog(self.path)
        held: list[dict] = []
        try:
            while not (self._stop.is_set() and not held and self._queue.empty()):
                try:
                    held.append(self._queue.get(timeout=self.interval_s))
                    deadline = time.monotonic() + self.interval_s
                    while len(held) < self.batch and time.monotonic() < deadline:
                        try:
                            held.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
                        except queue.Empty:
                            break
                except queue.Empty:
                    pass
                if not held:
                    continue
                try:
                    log.write(held)
                except sqlite3.Error as exc:  # kept and tried again: nothing is dropped
                    self.errors += 1
                    self.last_error = str(exc)
                    time.sleep(self.interval_s)
                    continue
                with self._idle:
                    self._pending -= len(held)
                    self._idle.notify_all()
                held = []
        finally:
            log.close()
