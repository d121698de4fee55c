"""The matching API's server in a child process, for the GUI's Serve switch (no Qt here).

The server (uvicorn, the batcher, onnxruntime) never runs in the GUI process: its imports and the
encoder's session creation hold the GIL for seconds. `ServeProcess` starts
`desktop_app.server.run.serve` in a spawned child, as core/jobs.py does for a retrain, and talks to
it through two shared flags and a Queue:

- `stop`: set by the GUI to stop the server (it finishes in-flight requests and writes every
  queued query-log row); the GUI terminates the child only when it does not end in time.
- `keep`: set while the operator wants the server to outlive the application. A child whose
  parent is gone (the app closed, or crashed) stops by itself unless `keep` is set.
- The flags are `SharedFlag`s (a byte of shared memory, polled), not multiprocessing Events:
  an Event's set() waits until every process sleeping in its wait() has woken, and waits forever
  when one of them died there (a server stopped by SIGTERM or terminated), which froze the GUI.
- the queue carries ("ready", (host, port)), ("status", {...}) every 2 s, ("error", message) and
  ("stopped", None) back to the GUI, which polls it with a timer (`messages()` never blocks).

While it serves, the child keeps `serve-child.json` (pid, host, port) in the data directory
(removed when it ends), so the next session of the app can find a kept server (`find_running`)
and stop it (`stop_running`); a server on the port without that file (`standardq serve`, another
data directory) is shown, not stopped.

Limitations, as they are:
- A kept server is a multiprocessing child that the app does not join at exit: it is taken off
  multiprocessing's list of children (a private list; without that, Python's exit would wait for
  it). On Linux and macOS it runs in a session of its own (os.setsid), so closing the terminal the
  app was started from, or Ctrl+C there, does not stop it. Windows has no setsid: a kept server
  there keeps running after the window closes, but closing the console of a console-started app
  ends it too.
- A later session stops a kept server with SIGTERM, which uvicorn turns into a clean shutdown on
  Linux and macOS. On Windows os.kill terminates the process: up to the last 0.2 s of query-log
  rows can be lost.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

PID_FILE = "serve-child.json"
STOP_GRACE_S = 15.0  # the server's own graceful shutdown takes up to 10 s with requests in flight
PROBE_TIMEOUT_S = 1.0


class SharedFlag:
    """An Event-like flag in shared memory: set() / clear() / is_set() / wait(timeout) (polled every
    50 ms). Setting it never waits on the other process, dead or alive."""

    POLL_S = 0.05

    def __init__(self, ctx) -> None:
        self._value = ctx.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def clear(self) -> None:
        self._value.value = 0

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float | None = None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                return False
            time.sleep(self.POLL_S if left is None else min(self.POLL_S, left))
        return True


# ----------------------------------------------------------------------------- the child's side
class _ErrorCatcher(logging.Handler):
    """Keeps uvicorn's last error record: on a failed bind it logs the OSError and exits."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.last = record.getMessage()


def _child_logging(home: Path) -> _ErrorCatcher:
    folder = home / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / "serve.log", maxBytes=1_000_000, backupCount=2,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)
    except OSError:  # no log file: the GUI still gets the errors through the queue
        pass
    catcher = _ErrorCatcher()
    logging.getLogger("uvicorn.error").addHandler(catcher)
    return catcher


def port_in_use_message(host: str, port: int) -> str:
    """Why a port cannot be used: another StandardQ serving there, or some other program."""
    if probe(host, port) is not None:
        return f"port {port} is in use: StandardQ is already serving on http://{_url_host(host)}:{port}"
    return f"port {port} on {host} is in use by another program: choose another port, or stop that program"


def _port_free(host: str, port: int) -> bool:
    if port == 0:
        return True
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if sys.platform != "win32":  # as uvicorn binds: a port in TIME_WAIT is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _child(home: str, host: str | None, port: int | None, stop, keep, queue) -> None:
    from ..core import serve_settings

    home_path = Path(home)
    catcher = _child_logging(home_path)
    if hasattr(os, "setsid"):
        try:  # its own session: a terminal's Ctrl+C or hang-up meant for the app does not reach it
            os.setsid()
        except OSError:
            pass
    # SIGTERM (a later session's stop_running, a logout) stops the server cleanly: uvicorn catches
    # it, shuts down, then raises it again once done, which with the default handler would kill
    # the process before serve() writes the queued query-log rows. This handler makes that second
    # delivery harmless.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    parent_gone = threading.Event()
    parent = mp.parent_process()

    def send(kind, payload=None) -> None:
        if not parent_gone.is_set():
            try:
                queue.put((kind, payload))
            except (OSError, ValueError):
                pass

    def watch_parent() -> None:
        parent.join()  # returns when the app's process ends
        parent_gone.set()
        queue.cancel_join_thread()  # nobody reads any more: exiting must not wait to flush to it
        if not keep.is_set():
            stop.set()

    if parent is not None:
        threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
    pid_file = home_path / PID_FILE
    wrote_pid = []

    def ready(h, p) -> None:
        try:
            pid_file.write_text(json.dumps({"pid": os.getpid(), "host": h, "port": p}), encoding="utf-8")
            wrote_pid.append(True)
        except OSError:
            log.warning("could not write %s", pid_file)
        send("ready", (h, p))

    try:
        from ..server.run import RemoteRefused, serve
    except BaseException as exc:  # noqa: BLE001 - a broken install: say so
        send("error", f"the server could not be loaded: {exc}")
        return
    bind_host, bind_port = host or "127.0.0.1", port or 0
    try:
        settings = serve_settings.load(home_path)
        bind_host = host or settings.host
        bind_port = settings.port if port is None else port
        if not _port_free(bind_host, bind_port):
            send("error", port_in_use_message(bind_host, bind_port))
            return
        serve(home_path, host=host, port=port, stop=stop, on_ready=ready,
              on_status=lambda status: send("status", status))
        send("stopped")
    except RemoteRefused as exc:
        send("error", str(exc))
    except SystemExit:  # uvicorn's way of saying it could not start (the reason went to its log)
        message = catcher.last or "the server could not start"
        if "address already in use" in message.lower() or "only one usage" in message.lower():
            message = port_in_use_message(bind_host, bind_port)
        send("error", message)
    except BaseException as exc:  # noqa: BLE001 - the GUI must hear about it
        log.exception("the server failed")
        send("error", f"{exc}" or type(exc).__name__)
    finally:
        if wrote_pid:
            try:
                pid_file.unlink()
            except OSError:
                pass
        if not parent_gone.is_set():
            queue.close()
            queue.join_thread()  # what was put reaches the GUI before the process ends


# ----------------------------------------------------------------------------- the GUI's side
class ServeProcess:
    """One server child: start, read its messages, stop (or leave it running)."""

    def __init__(self, home: Path, *, host: str | None = None, port: int | None = None) -> None:
        self.home = Path(home)
        self.host = host
        self.port = port
        ctx = mp.get_context("spawn")
        self.stop_event = SharedFlag(ctx)
        self.keep_event = SharedFlag(ctx)
        self.queue = ctx.Queue()
        self.process = ctx.Process(target=_child, name="standardq-serve",
                                   args=(str(self.home), host, port, self.stop_event, self.keep_event, self.queue),
                                   daemon=False)  # a daemon child would be killed at the app's exit
        self.stop_requested_at: float | None = None
        self.detached = False

    def start(self, keep_running: bool = False) -> None:
        self.set_keep_running(keep_running)
        self.process.start()

    def set_keep_running(self, keep: bool) -> None:
        (self.keep_event.set if keep else self.keep_event.clear)()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def exitcode(self) -> int | None:
        return self.process.exitcode

    def messages(self) -> list[tuple[str, object]]:
        """What the child sent since the last call; never blocks."""
        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except (queue_mod.Empty, OSError, ValueError, EOFError):
                return out

    def request_stop(self) -> None:
        """Ask the server to stop (returns at once; `stop_overdue` says when to terminate it)."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
        self.stop_event.set()

    def stop_overdue(self, grace_s: float = STOP_GRACE_S) -> bool:
        return self.stop_requested_at is not None and time.monotonic() - self.stop_requested_at > grace_s

    def terminate(self) -> None:
        if self.process.is_alive():
            log.warning("the server did not stop in time: terminated")
            self.process.terminate()
            self.process.join(5)

    def stop(self, timeout_s: float = STOP_GRACE_S) -> bool:
        """Stop and wait (at the app's exit); terminate after `timeout_s`. True when it ended by itself."""
        self.request_stop()
        self.process.join(timeout_s)
        clean = not self.process.is_alive()
        if not clean:
            self.terminate()
        self._close_queue()
        return clean

    def detach(self) -> None:
        """Leave the server running after the app exits: not joined, not terminated."""
        self.keep_event.set()
        self.detached = True
        # multiprocessing joins every non-daemon child at exit; this one must not be waited for.
        children = getattr(mp.process, "_children", None)
        if isinstance(children, set):
            children.discard(self.process)  # see the module's docstring
        self._close_queue()

    def _close_queue(self) -> None:
        try:
            self.queue.cancel_join_thread()
            self.queue.close()
        except (OSError, ValueError):
            pass


# ----------------------------------------------------------------------------- a server already there
def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def address(host: str, port: int) -> str:
    return f"http://{_url_host(host)}:{port}"


def probe(host: str, port: int, timeout_s: float = PROBE_TIMEOUT_S) -> dict | None:
    """GET /health: StandardQ's answer ({"status": "ok", "version": ...}), or None."""
    connect = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    try:
        with urllib.request.urlopen(address(connect, port) + "/health", timeout=timeout_s) as response:
            data = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return data if isinstance(data, dict) and data.get("status") == "ok" and "version" in data else None


def find_running(home: Path, host: str, port: int) -> dict | None:
    """A StandardQ server on host:port: {"host", "port", "version", "pid"}; pid is set when it is
    this data directory's kept server (its serve-child.json names that port), else None."""
    health = probe(host, port)
    if health is None:
        return None
    pid = None
    try:
        record = json.loads((Path(home) / PID_FILE).read_text(encoding="utf-8"))
        if int(record.get("port", -1)) == port:
            pid = int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {"host": host, "port": port, "version": health.get("version"), "pid": pid}


def stop_running(pid: int, host: str, port: int, timeout_s: float = STOP_GRACE_S) -> bool:
    """Stop a kept server of an earlier session (SIGTERM: uvicorn shuts down cleanly); True when
    it no longer answers within `timeout_s`."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return probe(host, port) is None
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if probe(host, port, timeout_s=0.5) is None:
            return True
        time.sleep(0.2)
    return False
