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


def per_class(pairs, limit: int):
    """The first `limit` rows of each class, in file order (a stratified subset)."""
    seen: dict[str, int] = {}
    out = []
    for text, cls in pairs:
        if seen.get(cls, 0) < limit:
            seen[cls] = seen.get(cls, 0) + 1
            out.append((text, cls))
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


def dialogflow_zh(seed: int = 0, test_fraction: float = 0.25) -> dict | None:
    """{'train', 'test'}: a stratified split of the 314 utterances (a quarter of each intent tested)."""
    import json
    import random

    path = SHARED / "dialogflow-zh-support" / "rasa_nlu_data.json"
    if _missing(path):
        return None
    rows = json.loads(path.read_text(encoding="utf-8"))["rasa_nlu_data"]["common_examples"]
    by_class: dict[str, list[str]] = {}
    for r in rows:
        by_class.setdefault(r["intent"], []).append(r["text"])
    rng = random.Random(seed)
    out: dict[str, list] = {"train": [], "test": []}
    for cls, texts in sorted(by_class.items()):
        texts = list(texts)
        rng.shuffle(texts)
        n_test = max(1, round(test_fraction * len(texts)))
        out["test"] += [(t, cls) for t in texts[:n_test]]
        out["train"] += [(t, cls) for t in texts[n_test:]]
    return out


def banking77(per_class_train: int | None = None, per_class_test: int | None = None, seed: int = 0) -> dict | None:
    """{'train', 'test'} from the CSVs, optionally a stratified subset of each (first rows per class
    after a seeded shuffle)."""
    import random

    folder = SHARED / "banking77"
    if _missing(folder / "train.csv"):
        return None
    out = {}
    for split, limit in (("train", per_class_train), ("test", per_class_test)):
        with (folder / f"{split}.csv").open(encoding="utf-8") as f:
            rows = [(r["text"], r["category"]) for r in csv.DictReader(f)]
        if limit is not None:
            random.Random(seed).shuffle(rows)
            rows = per_class(rows, limit)
        out[split] = rows
    return out
