"""SQLite files that several processes open and write at once: WAL mode, retries while busy."""
from __future__ import annotations

import sqlite3
import time


def retry_while_busy(fn, deadline_s: float = 30.0, first_wait_s: float = 0.01, max_wait_s: float = 0.5):
    """`fn()`, called again (waiting longer each time) while SQLite says another process holds
    the file ("locked", "busy"), until `deadline_s` has passed; any other error is raised at once."""
    end, wait = time.monotonic() + deadline_s, first_wait_s
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > end:
                raise
        time.sleep(wait)
        wait = min(wait * 2, max_wait_s)


def enable_wal(conn: sqlite3.Connection, deadline_s: float = 30.0) -> None:
    """Switch `conn`'s file to WAL, retrying while another process holds it.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is locked" at once
    instead of calling the busy handler when another process is creating the same file: two server
    processes (or the GUI and a training child) opening a new file together would fail without this.
    """
    retry_while_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"), deadline_s, first_wait_s=0.005, max_wait_s=0.2)
