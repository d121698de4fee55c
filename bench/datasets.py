"""Loaders for the third-party datasets in ../shared/datasets (development and benchmarks only).

Each returns None, with a message, when the folder is absent: the data is never copied here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def _missing(path: Path) -> bool:
    if not path.exists():
        print(f"skipped: {path} is absent (third-party data lives in ../shared/datasets)", file=sys.stderr)
        return True
    return False


def smp2019() -> dict | None:
    """{'train': [(text, class)], 'dev': [...], 'test': [...]}, class = domain.intent."""
    path = SHARED / "smp2019-ecdt" / "derived_splits_with_domain.tsv"
    if _missing(path):
        return None
    out: dict[str, list] = {"train": [], "dev": [], "test": []}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["split"]].append((row["text"], row["domain_intent"]))
    return out


def as_import_rows(pairs):
    """First utterance of each class is the standard question, the rest its similar questions."""
    from desktop_app.core.io_formats import ImportRow

    first: dict[str, str] = {}
    rows = []
    for i, (text, cls) in enumerate(pairs):
        if cls not in first:
            first[cls] = text
            rows.append(ImportRow(row=i + 2, standard_question=text, similar_question=None, category=cls))
        else:
            rows.append(ImportRow(row=i + 2, standard_question=first[cls], similar_question=text, category=cls))
    return rows, first
