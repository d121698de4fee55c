"""The shop store: one class over one SQLite file (sqlite-utils), the only place that writes SQL.

Every edit of a shop's questions bumps the shop's `revision`, so the index (and the GUI's
"model out of date" badge) can tell cheaply whether anything changed since they last looked.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from .migrations import apply_migrations
from .normalize import normalize_text
from .sqlite_wal import enable_wal
from .store_io import ImportExportMixin
from .store_models import ModelDataMixin
from .store_negatives import NegativesMixin
from .store_records import (  # noqa: F401 - the store's records and errors, imported from here
    Conflict, ConflictError, ImportReport, IndexEntry, MAX_TEXT_LENGTH, ModelVersion, Negative,
    NotFoundError, SOURCES, STATUSES, Shop, SimilarQuestion, StandardQuestion,
    StoreError, TestQuestion, ValidationError, _DryRun, _now, check_text,
    similar_label, standard_label,
)


# ----------------------------------------------------------------------------- store
class Store(ImportExportMixin, ModelDataMixin, NegativesMixin):
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
            enable_wal(conn)  # the GUI reads while a training child writes
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

    def touch(self, shop_id: int) -> None:
        """Bump the revision without an edit: something served answers depend on changed (the
        active version's thresholds, calibrated again), so caches and open matchers follow."""
        with self._tx():
            self._bump(shop_id)

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

    def _unmark_negative(self, shop_id: int, norm: str) -> None:
        """A text that becomes a shop question stops being a negative: the latest decision wins."""
        self.db.execute("DELETE FROM negatives WHERE shop_id = ? AND norm = ?", [shop_id, norm])

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
            self._unmark_negative(shop_id, norm)
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
                self._unmark_negative(current.shop_id, norm)
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
        self._unmark_negative(shop_id, norm)
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
                self._unmark_negative(current.shop_id, norm)
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
