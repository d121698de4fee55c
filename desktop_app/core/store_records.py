"""The store's records, errors and text rules (`Store` and its callers import them from store.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

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
class Negative:
    """A message the operator marked as matching nothing: the matcher holds it as a known off-topic
    neighbour, so queries close to it are not answered (before any retraining)."""

    id: int
    shop_id: int
    text: str
    norm: str
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
