"""A batch test's results as a CSV file: one row per question, its top two matches and decision."""

from __future__ import annotations

import csv
import os
from typing import Sequence


def batch_rows(results: Sequence, expected: Sequence[str] | None = None,
               correct: Sequence[bool] | None = None) -> list[list[str]]:
    """The header and one row per `QueryResult`; with `expected` (and `correct`), those columns too."""
    head = ["query", "top_match", "score", "decision", "second_match", "second_score"]
    if expected is not None:
        head[1:1] = ["expected"]
        head.append("correct")
    rows = [head]
    for i, r in enumerate(results):
        first = r.matches[0] if r.matches else None
        second = r.matches[1] if len(r.matches) > 1 else None
        row = [r.query, first.standard_question if first else "", f"{first.score:.4f}" if first else "",
               r.decision, second.standard_question if second else "", f"{second.score:.4f}" if second else ""]
        if expected is not None:
            row[1:1] = [expected[i]]
            row.append("1" if correct[i] else "0")
        rows.append(row)
    return rows


def write_batch_csv(path: str | os.PathLike, results: Sequence, expected: Sequence[str] | None = None,
                    correct: Sequence[bool] | None = None) -> None:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(batch_rows(results, expected, correct))
