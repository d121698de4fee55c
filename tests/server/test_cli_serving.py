"""`standardq serve --show-token`, `log` and `stats` through the installed command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).parent / "standardq"


def run(home, *args):
    return subprocess.run([str(EXE), "--home", str(home), *args], capture_output=True, text=True, timeout=120)


def test_token_is_stable_and_remote_needs_a_flag(tmp_path):
    first = run(tmp_path, "serve", "--show-token")
    assert first.returncode == 0 and first.stdout.strip().startswith("sq-")
    assert run(tmp_path, "serve", "--show-token").stdout == first.stdout
    refused = run(tmp_path, "serve", "--host", "0.0.0.0", "--port", "1")
    assert refused.returncode == 1 and "--allow-remote" in refused.stderr


def test_log_and_stats_after_serving(server):
    server.post("/v1/shops/tiny/query", {"text": "发票怎么开"})
    server.post("/v1/shops/tiny/query", {"text": "今天中午吃什么好呢"})
    server.post("/v1/shops/tiny/query", {"text": "今天中午吃什么好呢"})
    import time

    time.sleep(0.6)  # the writer's interval
    log = run(server.home, "log", "--shop", "tiny", "--json")
    assert log.returncode == 0, log.stderr
    rows = json.loads(log.stdout)
    assert len(rows) == 3 and {r["text"] for r in rows} == {"发票怎么开", "今天中午吃什么好呢"}
    assert rows[-1]["top"][0]["standard_question"]
    stats = run(server.home, "stats", "--shop", "tiny", "--json")
    assert stats.returncode == 0, stats.stderr
    s = json.loads(stats.stdout)
    assert s["queries"] == 3 and s["latency_ms"]["p50"] is not None
    text = run(server.home, "stats", "--shop", "tiny")
    assert "3 queries" in text.stdout and "never hit" in text.stdout
    missing = run(server.home, "log", "--shop", "tiny", "--log-db", str(server.home / "none.sqlite"))
    assert missing.returncode == 1 and "no query log" in missing.stderr


def test_sigterm_writes_every_queued_row(served_home):
    """`standardq serve` stopped by SIGTERM (systemd, docker stop) loses no log row."""
    import os
    import signal
    import socket
    import time

    from desktop_app.core.querylog import QueryLog
    from desktop_app.server.token import api_token

    from .conftest import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(EXE), "--home", str(served_home), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    client = Client(f"http://127.0.0.1:{port}", api_token())
    try:
        deadline = time.time() + 60
        while True:
            try:
                if client.get("/health", token=None)[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline and proc.poll() is None, proc.stdout.read() if proc.poll() else "timeout"
            time.sleep(0.2)
        for i in range(30):
            assert client.post("/v1/shops/tiny/query", {"text": f"发票怎么开{i}"})[0] == 200
        os.kill(proc.pid, signal.SIGTERM)  # at once: rows are still queued in the writer
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert QueryLog(served_home / "querylog.sqlite").count() == 30
