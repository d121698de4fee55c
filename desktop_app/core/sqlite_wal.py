"""Opening an SQLite file in WAL mode from several processes at once."""
from __future__ import annotations

import sqlite3
import time


def enable_wal(conn: sqlite3.Connection, deadline_s: float = 30.0) -> None:
    """Switch `conn`'s file to WAL, retrying while another process holds it.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is locked" at once
    instead of calling the busy handler when another process is creating the same file: two server
    processes (or the GUI and a training child) opening a new file together would fail without this.
    """
    end, wait = time.monotonic() + deadline_s, 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > end:
                raise
            time.sleep(wait)
            wait = min(wait * 2, 0.2)
