"""Training data, index entries and model versions: the Store's parts the pipeline reads and writes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .store_records import IndexEntry, ModelVersion, NotFoundError, _now, similar_label, standard_label


class ModelDataMixin:
    """Mixed into Store: uses its connection (`db`), `_rows`, `_tx`, `_bump` and the other parts."""

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

    def active_version_id(self, shop_id: int) -> int | None:
        """Just the id: a version row carries its report (tens of KB of JSON), too much to read
        and parse for every served request."""
        rows = self._rows("SELECT id FROM model_versions WHERE shop_id = ? AND active = 1", [shop_id])
        return rows[0]["id"] if rows else None

    def serving_state(self, shop_id: int) -> tuple[int, int | None, str]:
        """(revision, active version id, settings JSON) in one small SELECT: what a served
        answer depends on besides its text."""
        rows = self._rows("SELECT revision, settings, (SELECT id FROM model_versions WHERE shop_id = shops.id"
                          " AND active = 1) AS active FROM shops WHERE id = ?", [shop_id])
        if not rows:
            raise NotFoundError(f"no shop {shop_id}")
        return rows[0]["revision"], rows[0]["active"], rows[0]["settings"]

    def activate_version(self, version_id: int) -> ModelVersion:
        mv = self.version(version_id)
        with self._tx():
            self.db.execute("UPDATE model_versions SET active = 0 WHERE shop_id = ?", [mv.shop_id])
            self.db.execute("UPDATE model_versions SET active = 1 WHERE id = ?", [version_id])
        return self.version(version_id)
