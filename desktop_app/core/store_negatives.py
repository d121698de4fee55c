"""The shop's negatives: messages marked as matching nothing (the Store's part for them)."""

from __future__ import annotations

from typing import Iterable

from .store_records import Conflict, ConflictError, Negative, NotFoundError, ValidationError, _now, check_text

NEGATIVE_SOURCES = ("manual", "panel", "inbox", "imported")


class NegativesMixin:
    """Mixed into Store: uses its connection (`db`), `_rows`, `_tx`, `_bump` and `_owner_of`."""

    def add_negatives(self, shop_id: int, texts: Iterable[str], source: str = "manual") -> list[Negative]:
        """Mark messages as matching nothing, in one transaction; returns the new (or already
        marked) negatives. A text that is one of the shop's own questions is refused: it cannot
        both match a standard question and match nothing."""
        if source not in NEGATIVE_SOURCES:
            raise ValidationError(f"unknown source '{source}'")
        ids = []
        with self._tx():
            self.shop(shop_id)
            for raw in texts:
                text, norm = check_text(raw, "message")
                owner = self._owner_of(shop_id, norm)
                if owner is not None:
                    raise ConflictError([Conflict(text, self._describe(owner) + ": it cannot also match nothing")])
                found = self._rows("SELECT id FROM negatives WHERE shop_id = ? AND norm = ?", [shop_id, norm])
                if found:
                    ids.append(found[0]["id"])
                    continue
                ids.append(self.db.execute(
                    "INSERT INTO negatives (shop_id, text, norm, source, created_at) VALUES (?, ?, ?, ?, ?)",
                    [shop_id, text, norm, source, _now()]).lastrowid)
            self._bump(shop_id)
        return [self.negative(i) for i in dict.fromkeys(ids)]

    def add_negative(self, shop_id: int, text: str, source: str = "manual") -> Negative:
        return self.add_negatives(shop_id, [text], source)[0]

    def negative(self, negative_id: int) -> Negative:
        rows = self._rows("SELECT * FROM negatives WHERE id = ?", [negative_id])
        if not rows:
            raise NotFoundError(f"no negative with id {negative_id}")
        return Negative(**rows[0])

    def negatives(self, shop_id: int) -> list[Negative]:
        return [Negative(**r) for r in self._rows("SELECT * FROM negatives WHERE shop_id = ? ORDER BY id", [shop_id])]

    def find_negative(self, shop_id: int, text: str) -> Negative | None:
        _, norm = check_text(text, "message")
        rows = self._rows("SELECT * FROM negatives WHERE shop_id = ? AND norm = ?", [shop_id, norm])
        return Negative(**rows[0]) if rows else None

    def delete_negatives(self, shop_id: int, ids: Iterable[int]) -> int:
        """Unmark negatives of a shop (undo); returns how many were removed."""
        ids = list(ids)
        with self._tx():
            removed = 0
            for i in ids:
                removed += self.db.execute("DELETE FROM negatives WHERE id = ? AND shop_id = ?", [i, shop_id]).rowcount
            if removed:
                self._bump(shop_id)
        return removed
