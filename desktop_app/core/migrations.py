"""Numbered schema migrations, applied in order when the store opens.

Each migration runs once, inside a transaction, and is recorded in `_migrations`. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

MIGRATIONS: list[tuple[int, str, Callable[[sqlite_utils.Database], None]]] = []


def migration(number: int, name: str):
    def register(fn):
        MIGRATIONS.append((number, name, fn))
        return fn

    return register


@migration(1, "shops, questions, model versions")
def _m001(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE shops (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            revision INTEGER NOT NULL DEFAULT 0,   -- bumped by every edit of the shop's questions
            settings TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE standard_questions (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            norm TEXT NOT NULL,                    -- normalize_text(text): what uniqueness compares
            category TEXT NOT NULL DEFAULT '',
            answer TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (shop_id, norm)
        )"""
    )
    db.execute(
        """CREATE TABLE similar_questions (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
            standard_id INTEGER NOT NULL REFERENCES standard_questions(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            norm TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual'
                CHECK (source IN ('manual', 'imported', 'rules', 'llm', 'log')),
            status TEXT NOT NULL DEFAULT 'accepted'
                CHECK (status IN ('accepted', 'pending', 'rejected')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (shop_id, norm)
        )"""
    )
    db.execute("CREATE INDEX idx_similar_standard ON similar_questions(standard_id)")
    db.execute(
        """CREATE TABLE model_versions (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            base_model TEXT NOT NULL,
            loss TEXT NOT NULL,                     -- 'none' for the untuned base encoder
            params TEXT NOT NULL DEFAULT '{}',      -- hyperparameters (JSON)
            data_hash TEXT NOT NULL DEFAULT '',
            data_revision INTEGER NOT NULL DEFAULT 0,
            metrics TEXT NOT NULL DEFAULT '{}',
            thresholds TEXT NOT NULL DEFAULT '{}',
            onnx_dir TEXT,
            index_path TEXT,
            status TEXT NOT NULL DEFAULT 'training',  -- training / ready / failed / cancelled
            active INTEGER NOT NULL DEFAULT 0,
            files_removed INTEGER NOT NULL DEFAULT 0
        )"""
    )


@migration(2, "test questions: operator-labelled consumer questions held out for evaluation")
def _m002(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE test_questions (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            norm TEXT NOT NULL,
            -- the standard question it must match; NULL: it must match none ("none" questions)
            expected_id INTEGER REFERENCES standard_questions(id) ON DELETE CASCADE,
            source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'imported', 'panel')),
            created_at TEXT NOT NULL,
            UNIQUE (shop_id, norm)
        )"""
    )


@migration(3, "negatives: messages the operator marked as matching nothing, used when matching")
def _m003(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE negatives (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            norm TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual',  -- manual / panel / inbox / imported
            created_at TEXT NOT NULL,
            UNIQUE (shop_id, norm)
        )"""
    )


def apply_migrations(db: sqlite_utils.Database) -> list[int]:
    """Apply pending migrations; returns the numbers applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
    )
    done = {row[0] for row in db.execute("SELECT number FROM _migrations").fetchall()}
    applied = []
    for number, name, fn in sorted(MIGRATIONS, key=lambda m: m[0]):
        if number in done:
            continue
        # The store's connection is in autocommit mode, so DDL and the record commit together.
        db.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process may have applied it since.
            if db.execute("SELECT 1 FROM _migrations WHERE number = ?", [number]).fetchone():
                db.execute("COMMIT")
                continue
            fn(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?, datetime('now'))", [number, name])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
