"""The shop store: one class over one SQLite file (sqlite-utils), the only place that writes SQL.

Every edit of a shop's questions bumps the shop's `revision`, so the index (and the GUI's
"model out of date" badge) can tell cheaply whether anything changed since they last looked.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from .migrations import apply_migrations
from .normalize import normalize_text

MAX_TEXT_LENGTH = 500
SOURCES = ("manual", "imported", "rules", "llm", "log")
STATUSES = ("accepted", "pending", "rejected")


# ----------------------------------------------------------------------------- errors
class StoreError(Exception):
    """Base class of the store's errors: the message is meant for the operator."""


class NotFoundError(StoreError):
    pass


class ValidationError(StoreError):
    pass


@dataclass
class Conflict:
    text: str
    reason: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}'{self.text}' {self.reason}"


class _DryRun(Exception):
    """Raised inside import_rows(dry_run=True) to roll its transaction back."""


class ConflictError(StoreError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"conflict: {conflicts[0]}{more}")


# ----------------------------------------------------------------------------- records
@dataclass
class Shop:
    id: int
    name: str
    revision: int
    created_at: str


@dataclass
class StandardQuestion:
    id: int
    shop_id: int
    text: str
    category: str
    answer: str
    enabled: bool
    created_at: str
    updated_at: str
    similar_count: int = 0


@dataclass
class SimilarQuestion:
    id: int
    shop_id: int
    standard_id: int
    text: str
    source: str
    status: str
    created_at: str
    updated_at: str


@dataclass
class ModelVersion:
    id: int
    shop_id: int
    created_at: str
    base_model: str
    loss: str
    params: dict
    data_hash: str
    data_revision: int
    metrics: dict
    thresholds: dict
    onnx_dir: str | None
    index_path: str | None
    status: str
    active: bool
    files_removed: bool


@dataclass
class TestQuestion:
    """A consumer question held out for evaluation: never trained on, never in the index."""

    id: int
    shop_id: int
    text: str
    norm: str
    expected_id: int | None  # None: must match no standard question
    source: str
    created_at: str


@dataclass
class IndexEntry:
    """One vector of the index: a standard question's own text or one of its accepted similars."""

    label: int  # 2*id for a standard question, 2*id+1 for a similar question: stable across edits
    standard_id: int
    norm: str


@dataclass
class ImportReport:
    added_standard: int = 0
    added_similar: int = 0
    updated_standard: int = 0
    skipped_identical: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_text(text: str | None, what: str = "question") -> tuple[str, str]:
    """Strip and validate a question; returns (text, normalised text)."""
    text = (text or "").strip()
    norm = normalize_text(text)
    if not norm:
        raise ValidationError(f"the {what} is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            f"the {what} is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}"
        )
    return text, norm


def standard_label(standard_id: int) -> int:
    return 2 * standard_id


def similar_label(similar_id: int) -> int:
    return 2 * similar_id + 1


# ----------------------------------------------------------------------------- store
class Store:
    FILENAME = "standardq.db"

    def __init__(self, home: Path):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.path = self.home / self.FILENAME
        # One connection shared by the GUI thread and its workers: serialise its use.
        self._lock = threading.RLock()
        try:
            # Autocommit mode: transactions are explicit (see _tx), one per user action.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")  # the GUI reads while a training child writes
            conn.execute("PRAGMA foreign_keys=ON")
            self.db = sqlite_utils.Database(conn)
            apply_migrations(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        with self._lock:
            cur = self.db.execute(sql, list(params))
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

    def _bump(self, shop_id: int) -> None:
        self.db.execute("UPDATE shops SET revision = revision + 1 WHERE id = ?", [shop_id])

    # ------------------------------------------------------------------ shops
    def create_shop(self, name: str) -> Shop:
        name = (name or "").strip()
        if not name:
            raise ValidationError("the shop name is empty")
        with self._tx():
            if self._rows("SELECT id FROM shops WHERE name = ?", [name]):
                raise ConflictError([Conflict(name, "already exists as a shop")])
            self.db.execute("INSERT INTO shops (name, created_at) VALUES (?, ?)", [name, _now()])
        return self.shop(name)

    def shops(self) -> list[Shop]:
        return [Shop(**r) for r in self._rows("SELECT id, name, revision, created_at FROM shops ORDER BY name")]

    def shop(self, name_or_id: str | int) -> Shop:
        col = "id" if isinstance(name_or_id, int) else "name"
        rows = self._rows(f"SELECT id, name, revision, created_at FROM shops WHERE {col} = ?", [name_or_id])
        if not rows:
            names = ", ".join(s.name for s in self.shops()) or "none yet"
            raise NotFoundError(f"no shop named '{name_or_id}' (shops: {names})")
        return Shop(**rows[0])

    def rename_shop(self, shop_id: int, new_name: str) -> Shop:
        new_name = (new_name or "").strip()
        if not new_name:
            raise ValidationError("the shop name is empty")
        with self._tx():
            other = self._rows("SELECT id FROM shops WHERE name = ?", [new_name])
            if other and other[0]["id"] != shop_id:
                raise ConflictError([Conflict(new_name, "already exists as a shop")])
            self.db.execute("UPDATE shops SET name = ? WHERE id = ?", [new_name, shop_id])
        return self.shop(shop_id)

    def delete_shop(self, shop_id: int) -> None:
        self.shop(shop_id)
        with self._tx():
            self.db.execute("DELETE FROM shops WHERE id = ?", [shop_id])

    def shop_settings(self, shop_id: int) -> dict:
        row = self._rows("SELECT settings FROM shops WHERE id = ?", [shop_id])
        return json.loads(row[0]["settings"]) if row else {}

    def set_shop_settings(self, shop_id: int, settings: dict) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE shops SET settings = ? WHERE id = ?", [json.dumps(settings, ensure_ascii=False), shop_id]
            )

    # ------------------------------------------------------------------ conflicts
    def _owner_of(self, shop_id: int, norm: str) -> tuple[str, int, int] | None:
        """Who already holds this normalised text: ('standard', sq_id, sq_id) or ('similar', id, sq_id)."""
        r = self._rows("SELECT id FROM standard_questions WHERE shop_id = ? AND norm = ?", [shop_id, norm])
        if r:
            return ("standard", r[0]["id"], r[0]["id"])
        r = self._rows(
            "SELECT id, standard_id FROM similar_questions WHERE shop_id = ? AND norm = ?", [shop_id, norm]
        )
        if r:
            return ("similar", r[0]["id"], r[0]["standard_id"])
        return None

    def _standard_text(self, standard_id: int) -> str:
        return self._rows("SELECT text FROM standard_questions WHERE id = ?", [standard_id])[0]["text"]

    def _describe(self, owner: tuple[str, int, int]) -> str:
        kind, _, sq = owner
        if kind == "standard":
            return f"is already the standard question '{self._standard_text(sq)}'"
        return f"is already a similar question of '{self._standard_text(sq)}'"

    # ------------------------------------------------------------------ standard questions
    def add_standard(
        self, shop_id: int, text: str, category: str = "", answer: str = "", enabled: bool = True
    ) -> StandardQuestion:
        text, norm = check_text(text, "standard question")
        with self._tx():
            owner = self._owner_of(shop_id, norm)
            if owner:
                raise ConflictError([Conflict(text, self._describe(owner))])
            now = _now()
            cur = self.db.execute(
                """INSERT INTO standard_questions (shop_id, text, norm, category, answer, enabled, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [shop_id, text, norm, category or "", answer or "", int(enabled), now, now],
            )
            self._bump(shop_id)
        return self.standard(cur.lastrowid)

    def standard(self, standard_id: int) -> StandardQuestion:
        rows = self._rows(
            """SELECT s.id, s.shop_id, s.text, s.category, s.answer, s.enabled, s.created_at, s.updated_at,
                      (SELECT COUNT(*) FROM similar_questions m WHERE m.standard_id = s.id) AS similar_count
               FROM standard_questions s WHERE s.id = ?""",
            [standard_id],
        )
        if not rows:
            raise NotFoundError(f"no standard question with id {standard_id}")
        return self._sq(rows[0])

    @staticmethod
    def _sq(row: dict) -> StandardQuestion:
        row["enabled"] = bool(row["enabled"])
        return StandardQuestion(**row)

    def find_standard(self, shop_id: int, text: str) -> StandardQuestion | None:
        rows = self._rows(
            "SELECT id FROM standard_questions WHERE shop_id = ? AND norm = ?", [shop_id, normalize_text(text)]
        )
        return self.standard(rows[0]["id"]) if rows else None

    def standards(self, shop_id: int, search: str = "", category: str | None = None) -> list[StandardQuestion]:
        sql = """SELECT s.id, s.shop_id, s.text, s.category, s.answer, s.enabled, s.created_at, s.updated_at,
                        COUNT(m.id) AS similar_count
                 FROM standard_questions s LEFT JOIN similar_questions m ON m.standard_id = s.id
                 WHERE s.shop_id = ?"""
        params: list[Any] = [shop_id]
        if search:
            sql += " AND (s.norm LIKE ? OR s.category LIKE ?)"
            params += [f"%{normalize_text(search)}%", f"%{search.strip()}%"]
        if category is not None:
            sql += " AND s.category = ?"
            params.append(category)
        sql += " GROUP BY s.id ORDER BY s.id"
        return [self._sq(r) for r in self._rows(sql, params)]

    def update_standard(self, standard_id: int, **fields: Any) -> StandardQuestion:
        current = self.standard(standard_id)
        allowed = {"text", "category", "answer", "enabled"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
        sets: dict[str, Any] = {}
        with self._tx():
            if "text" in fields:
                text, norm = check_text(fields["text"], "standard question")
                owner = self._owner_of(current.shop_id, norm)
                if owner and owner[:2] != ("standard", standard_id):
                    raise ConflictError([Conflict(text, self._describe(owner))])
                sets.update(text=text, norm=norm)
            for key in ("category", "answer"):
                if key in fields:
                    sets[key] = fields[key] or ""
            if "enabled" in fields:
                sets["enabled"] = int(bool(fields["enabled"]))
            if sets:
                sets["updated_at"] = _now()
                assignments = ", ".join(f"{k} = ?" for k in sets)
                self.db.execute(
                    f"UPDATE standard_questions SET {assignments} WHERE id = ?", [*sets.values(), standard_id]
                )
                self._bump(current.shop_id)
        return self.standard(standard_id)

    def delete_standard(self, standard_id: int) -> None:
        sq = self.standard(standard_id)
        with self._tx():
            self.db.execute("DELETE FROM standard_questions WHERE id = ?", [standard_id])
            self._bump(sq.shop_id)

    def categories(self, shop_id: int) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT category FROM standard_questions WHERE shop_id = ? AND category != '' ORDER BY category",
            [shop_id],
        )
        return [r["category"] for r in rows]

    # ------------------------------------------------------------------ similar questions
    def add_similar(
        self, standard_id: int, text: str, source: str = "manual", status: str = "accepted"
    ) -> SimilarQuestion:
        sq = self.standard(standard_id)
        with self._tx():
            new_id = self._insert_similar(sq.shop_id, standard_id, text, source, status)
            self._bump(sq.shop_id)
        return self.similar(new_id)

    def _insert_similar(self, shop_id: int, standard_id: int, text: str, source: str, status: str) -> int:
        text, norm = check_text(text, "similar question")
        if source not in SOURCES:
            raise ValidationError(f"unknown source '{source}' (one of {', '.join(SOURCES)})")
        if status not in STATUSES:
            raise ValidationError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        owner = self._owner_of(shop_id, norm)
        if owner:
            raise ConflictError([Conflict(text, self._describe(owner))])
        now = _now()
        cur = self.db.execute(
            """INSERT INTO similar_questions (shop_id, standard_id, text, norm, source, status, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [shop_id, standard_id, text, norm, source, status, now, now],
        )
        return cur.lastrowid

    def similar(self, similar_id: int) -> SimilarQuestion:
        rows = self._rows(
            "SELECT id, shop_id, standard_id, text, source, status, created_at, updated_at FROM similar_questions WHERE id = ?",
            [similar_id],
        )
        if not rows:
            raise NotFoundError(f"no similar question with id {similar_id}")
        return SimilarQuestion(**rows[0])

    @staticmethod
    def _similar_filter(**values: Any) -> tuple[str, list[Any]]:
        sql, params = " WHERE 1=1", []
        for col, value in values.items():
            if value is not None:
                sql += f" AND {col} = ?"
                params.append(value)
        return sql, params

    def similars(
        self, standard_id: int | None = None, *, shop_id: int | None = None, status: str | None = None,
        source: str | None = None,
    ) -> list[SimilarQuestion]:
        where, params = self._similar_filter(standard_id=standard_id, shop_id=shop_id, status=status, source=source)
        sql = "SELECT id, shop_id, standard_id, text, source, status, created_at, updated_at FROM similar_questions"
        return [SimilarQuestion(**r) for r in self._rows(sql + where + " ORDER BY id", params)]

    def count_similars(self, shop_id: int, *, status: str | None = None, source: str | None = None) -> int:
        """How many similar questions match, without loading them (the status bar's review count)."""
        where, params = self._similar_filter(shop_id=shop_id, status=status, source=source)
        return self._rows("SELECT COUNT(*) AS n FROM similar_questions" + where, params)[0]["n"]

    def update_similar(self, similar_id: int, **fields: Any) -> SimilarQuestion:
        current = self.similar(similar_id)
        allowed = {"text", "status", "standard_id", "source"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
        sets: dict[str, Any] = {}
        with self._tx():
            if "text" in fields:
                text, norm = check_text(fields["text"], "similar question")
                owner = self._owner_of(current.shop_id, norm)
                if owner and owner[:2] != ("similar", similar_id):
                    raise ConflictError([Conflict(text, self._describe(owner))])
                sets.update(text=text, norm=norm)
            if "status" in fields:
                if fields["status"] not in STATUSES:
                    raise ValidationError(f"unknown status '{fields['status']}'")
                sets["status"] = fields["status"]
            if "source" in fields:
                if fields["source"] not in SOURCES:
                    raise ValidationError(f"unknown source '{fields['source']}'")
                sets["source"] = fields["source"]
            if "standard_id" in fields:  # move to another standard question of the same shop
                target = self.standard(int(fields["standard_id"]))
                if target.shop_id != current.shop_id:
                    raise ValidationError("a similar question can only move within its shop")
                sets["standard_id"] = target.id
            if sets:
                sets["updated_at"] = _now()
                assignments = ", ".join(f"{k} = ?" for k in sets)
                self.db.execute(
                    f"UPDATE similar_questions SET {assignments} WHERE id = ?", [*sets.values(), similar_id]
                )
                self._bump(current.shop_id)
        return self.similar(similar_id)

    def set_similar_status(self, similar_ids: Iterable[int], status: str) -> int:
        """Accept or reject many similar questions at once (the review queue)."""
        if status not in STATUSES:
            raise ValidationError(f"unknown status '{status}'")
        ids = list(similar_ids)
        if not ids:
            return 0
        with self._tx():
            shop_ids = set()
            for sid in ids:
                shop_ids.add(self.similar(sid).shop_id)
                self.db.execute(
                    "UPDATE similar_questions SET status = ?, updated_at = ? WHERE id = ?", [status, _now(), sid]
                )
            for shop_id in shop_ids:
                self._bump(shop_id)
        return len(ids)

    def delete_similar(self, similar_id: int) -> None:
        current = self.similar(similar_id)
        with self._tx():
            self.db.execute("DELETE FROM similar_questions WHERE id = ?", [similar_id])
            self._bump(current.shop_id)

    # ------------------------------------------------------------------ import / export
    def import_rows(self, shop_id: int, rows: Iterable[Any], *, skip_conflicts: bool = False,
                    dry_run: bool = False) -> ImportReport:
        """Merge rows (io_formats.ImportRow-like) into a shop in one transaction.

        Identical rows are skipped and counted; conflicts abort everything (nothing written)
        unless skip_conflicts, in which case they are reported and left out.
        dry_run: do the same work, then roll back and return the report with every conflict
        (the GUI's preview of an import; the counts are those of an import with skip_conflicts).
        """
        self.shop(shop_id)
        report = ImportReport()
        try:
            with self._tx():
                for row in rows:
                    try:
                        sq_id = self._import_standard(shop_id, row, report)
                    except (ConflictError, ValidationError) as exc:
                        report.conflicts.append(self._as_conflict(exc, row, row.standard_question))
                        continue
                    if row.similar_question:
                        try:
                            self._import_similar(shop_id, sq_id, row, report)
                        except (ConflictError, ValidationError) as exc:
                            report.conflicts.append(self._as_conflict(exc, row, row.similar_question))
                if dry_run:
                    raise _DryRun()  # rolls everything back
                if report.conflicts and not skip_conflicts:
                    raise ConflictError(report.conflicts)  # rolls the whole import back
                if report.added_standard or report.added_similar or report.updated_standard:
                    self._bump(shop_id)
        except _DryRun:
            pass
        return report

    @staticmethod
    def _as_conflict(exc: StoreError, row: Any, text: str) -> Conflict:
        if isinstance(exc, ConflictError):
            c = exc.conflicts[0]
            return Conflict(c.text, c.reason, getattr(row, "row", None))
        return Conflict(text, str(exc), getattr(row, "row", None))

    def _import_standard(self, shop_id: int, row: Any, report: ImportReport) -> int:
        text, norm = check_text(row.standard_question, "standard question")
        owner = self._owner_of(shop_id, norm)
        if owner and owner[0] == "similar":
            raise ConflictError([Conflict(text, self._describe(owner))])
        if owner:  # existing standard question: fill in what the file adds, never blank it
            sq_id = owner[1]
            current = self._rows("SELECT category, answer, enabled FROM standard_questions WHERE id = ?", [sq_id])[0]
            sets = {}
            if row.category and row.category != current["category"]:
                sets["category"] = row.category
            if row.answer and row.answer != current["answer"]:
                sets["answer"] = row.answer
            if row.enabled is not None and int(row.enabled) != current["enabled"]:
                sets["enabled"] = int(row.enabled)
            if sets:
                assignments = ", ".join(f"{k} = ?" for k in sets)
                self.db.execute(
                    f"UPDATE standard_questions SET {assignments}, updated_at = ? WHERE id = ?",
                    [*sets.values(), _now(), sq_id],
                )
                report.updated_standard += 1
            elif not row.similar_question:
                report.skipped_identical += 1
            return sq_id
        now = _now()
        cur = self.db.execute(
            """INSERT INTO standard_questions (shop_id, text, norm, category, answer, enabled, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [shop_id, text, norm, row.category or "", row.answer or "",
             1 if row.enabled is None else int(row.enabled), now, now],
        )
        report.added_standard += 1
        return cur.lastrowid

    def _import_similar(self, shop_id: int, sq_id: int, row: Any, report: ImportReport) -> None:
        text, norm = check_text(row.similar_question, "similar question")
        owner = self._owner_of(shop_id, norm)
        if owner and owner[0] == "similar" and owner[2] == sq_id:
            report.skipped_identical += 1  # same pair already there
            return
        if owner and owner[0] == "standard" and owner[1] == sq_id:
            raise ConflictError([Conflict(text, "is the same as its own standard question")])
        self._insert_similar(shop_id, sq_id, text, row.source or "imported", row.status or "accepted")
        report.added_similar += 1

    def export_rows(self, shop_id: int) -> list[dict]:
        """Every column, one row per similar question, a bare row for a standard question without any."""
        out = []
        for sq in self.standards(shop_id):
            base = {"standard_question": sq.text, "category": sq.category, "answer": sq.answer,
                    "enabled": sq.enabled}
            sims = self.similars(sq.id)
            if not sims:
                out.append({**base, "similar_question": None, "source": None, "status": None})
            for sim in sims:
                out.append({**base, "similar_question": sim.text, "source": sim.source, "status": sim.status})
        return out

    # ------------------------------------------------------------------ training data and index
    def index_entries(self, shop_id: int) -> list[IndexEntry]:
        """What the index must hold: enabled standard questions and their accepted similar questions."""
        entries = [
            IndexEntry(standard_label(r["id"]), r["id"], r["norm"])
            for r in self._rows(
                "SELECT id, norm FROM standard_questions WHERE shop_id = ? AND enabled = 1 ORDER BY id", [shop_id]
            )
        ]
        entries += [
            IndexEntry(similar_label(r["id"]), r["standard_id"], r["norm"])
            for r in self._rows(
                """SELECT m.id, m.standard_id, m.norm FROM similar_questions m
                   JOIN standard_questions s ON s.id = m.standard_id
                   WHERE m.shop_id = ? AND m.status = 'accepted' AND s.enabled = 1 ORDER BY m.id""",
                [shop_id],
            )
        ]
        return entries

    def standard_lookup(self, shop_id: int) -> dict[int, dict]:
        """id -> text/category/answer of every standard question, for building query results."""
        rows = self._rows("SELECT id, text, category, answer, enabled FROM standard_questions WHERE shop_id = ?", [shop_id])
        return {r["id"]: r for r in rows}

    def training_snapshot(self, shop_id: int) -> dict:
        """A frozen copy of what training reads, with a hash that identifies it."""
        shop = self.shop(shop_id)
        classes = []
        for sq in self._rows(
            "SELECT id, text, norm FROM standard_questions WHERE shop_id = ? AND enabled = 1 ORDER BY id", [shop_id]
        ):
            sims = self._rows(
                "SELECT norm, source FROM similar_questions WHERE standard_id = ? AND status = 'accepted' ORDER BY id",
                [sq["id"]],
            )
            classes.append({"id": sq["id"], "text": sq["norm"], "similar": [s["norm"] for s in sims],
                            "generated": [s["source"] in ("rules", "llm") for s in sims]})
        digest = hashlib.sha256(json.dumps(classes, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        return {"shop_id": shop_id, "revision": shop.revision, "data_hash": digest[:16], "classes": classes}

    # ------------------------------------------------------------------ test questions
    def add_test_question(self, shop_id: int, text: str, expected_id: int | None, source: str = "manual",
                          *, replace: bool = True) -> TestQuestion:
        """Hold out a consumer question for evaluation; `expected_id` None marks a "none" question.

        The same question again updates its expectation (replace=True) or is refused. A text the
        shop already holds as a standard or similar question is refused: it would be trained on.
        """
        with self._tx():
            return self._add_test_question(shop_id, text, expected_id, source, replace)

    def _add_test_question(self, shop_id, text, expected_id, source, replace) -> TestQuestion:
        text, norm = check_text(text, "test question")
        if source not in ("manual", "imported", "panel"):
            raise ValidationError(f"unknown source '{source}'")
        owner = self._owner_of(shop_id, norm)
        if owner is not None:
            raise ConflictError([Conflict(text, f"is already {self._describe(owner)}: a test question must "
                                                "be one the model never trains on")])
        if expected_id is not None:
            row = self._rows("SELECT shop_id FROM standard_questions WHERE id = ?", [expected_id])
            if not row or row[0]["shop_id"] != shop_id:
                raise NotFoundError(f"no standard question with id {expected_id} in this shop")
        existing = self._rows("SELECT id FROM test_questions WHERE shop_id = ? AND norm = ?", [shop_id, norm])
        if existing and not replace:
            raise ConflictError([Conflict(text, "is already a test question")])
        if existing:
            self.db.execute("UPDATE test_questions SET expected_id = ?, source = ? WHERE id = ?",
                            [expected_id, source, existing[0]["id"]])
            test_id = existing[0]["id"]
        else:
            test_id = self.db.execute(
                "INSERT INTO test_questions (shop_id, text, norm, expected_id, source, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", [shop_id, text, norm, expected_id, source, _now()]).lastrowid
        return TestQuestion(**self._rows("SELECT * FROM test_questions WHERE id = ?", [test_id])[0])

    def import_test_questions(self, shop_id: int, rows) -> int:
        """(text, expected standard question text or None) pairs in one transaction; returns how many.

        An unknown expected standard question or a text the shop trains on aborts the whole import.
        """
        count = 0
        with self._tx():
            for i, (text, expected) in enumerate(rows, 1):
                expected_id = None
                if expected is not None and normalize_text(expected):
                    found = self._rows("SELECT id FROM standard_questions WHERE shop_id = ? AND norm = ?",
                                       [shop_id, normalize_text(expected)])
                    if not found:
                        raise NotFoundError(f"row {i}: no standard question '{expected}' in this shop")
                    expected_id = found[0]["id"]
                try:
                    self._add_test_question(shop_id, text, expected_id, "imported", True)
                except StoreError as exc:
                    raise type(exc)(f"row {i}: {exc}") from None
                count += 1
        return count

    def test_questions(self, shop_id: int) -> list[TestQuestion]:
        return [TestQuestion(**r) for r in self._rows("SELECT * FROM test_questions WHERE shop_id = ? ORDER BY id",
                                                      [shop_id])]

    def delete_test_questions(self, shop_id: int, ids: Iterable[int] | None = None) -> int:
        """Remove the listed test questions of a shop (None: all); returns how many."""
        with self._tx():
            if ids is None:
                cur = self.db.execute("DELETE FROM test_questions WHERE shop_id = ?", [shop_id])
            else:
                ids = list(ids)
                marks = ", ".join("?" for _ in ids) or "NULL"
                cur = self.db.execute(f"DELETE FROM test_questions WHERE shop_id = ? AND id IN ({marks})",
                                      [shop_id, *ids])
        return cur.rowcount

    # ------------------------------------------------------------------ model versions
    def add_version(self, shop_id: int, **fields: Any) -> ModelVersion:
        values = {"shop_id": shop_id, "created_at": _now(), **fields}
        for key in ("params", "metrics", "thresholds"):
            if key in values:
                values[key] = json.dumps(values[key], ensure_ascii=False)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self._tx():
            cur = self.db.execute(f"INSERT INTO model_versions ({cols}) VALUES ({marks})", list(values.values()))
        return self.version(cur.lastrowid)

    def update_version(self, version_id: int, **fields: Any) -> ModelVersion:
        for key in ("params", "metrics", "thresholds"):
            if key in fields:
                fields[key] = json.dumps(fields[key], ensure_ascii=False)
        if fields:
            assignments = ", ".join(f"{k} = ?" for k in fields)
            with self._tx():
                self.db.execute(f"UPDATE model_versions SET {assignments} WHERE id = ?", [*fields.values(), version_id])
        return self.version(version_id)

    @staticmethod
    def _mv(row: dict) -> ModelVersion:
        for key in ("params", "metrics", "thresholds"):
            row[key] = json.loads(row[key] or "{}")
        row["active"] = bool(row["active"])
        row["files_removed"] = bool(row["files_removed"])
        return ModelVersion(**row)

    def version(self, version_id: int) -> ModelVersion:
        rows = self._rows("SELECT * FROM model_versions WHERE id = ?", [version_id])
        if not rows:
            raise NotFoundError(f"no model version {version_id}")
        return self._mv(rows[0])

    def versions(self, shop_id: int) -> list[ModelVersion]:
        return [self._mv(r) for r in self._rows("SELECT * FROM model_versions WHERE shop_id = ? ORDER BY id", [shop_id])]

    def active_version(self, shop_id: int) -> ModelVersion | None:
        rows = self._rows("SELECT * FROM model_versions WHERE shop_id = ? AND active = 1", [shop_id])
        return self._mv(rows[0]) if rows else None

    def activate_version(self, version_id: int) -> ModelVersion:
        mv = self.version(version_id)
        with self._tx():
            self.db.execute("UPDATE model_versions SET active = 0 WHERE shop_id = ?", [mv.shop_id])
            self.db.execute("UPDATE model_versions SET active = 1 WHERE id = ?", [version_id])
        return self.version(version_id)
