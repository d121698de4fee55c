"""Import, export and test questions: the Store's parts that take or give many rows at once."""

from __future__ import annotations

from typing import Any, Iterable

from .normalize import normalize_text
from .store_records import (Conflict, ConflictError, ImportReport, NotFoundError, StoreError, TestQuestion,
                            ValidationError, _DryRun, _now, check_text)


class ImportExportMixin:
    """Mixed into Store: uses its connection (`db`), `_rows`, `_tx`, `_bump` and the other parts."""

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
