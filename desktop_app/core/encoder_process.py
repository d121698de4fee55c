"""An OnnxEncoder that lives in a child process, for the GUI.

Parsing e5's 17 MB tokenizer.json (about 1.1 s) and creating an onnxruntime session both hold
Python's GIL, so done in a worker thread of the GUI process they still freeze the window. Here
they happen in a spawned child; the GUI process only sends texts over a pipe and reads vectors
back (a round trip costs about 0.1 ms against a query's few milliseconds of encoding), and while
it waits for them the GIL is free.

Same interface as runtime.OnnxEncoder as far as Matcher and the report need it: dim, prefix,
max_length, variant, meta, encode(texts, batch_size), encode_one(text). Calls from several threads
are serialised. The child ends when the encoder is closed or garbage collected (its pipe closes),
or with the GUI process.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import weakref
from pathlib import Path

POLL_S = 0.5  # how often a waiting call checks that the child is still alive


class EncoderProcessError(RuntimeError):
    """The child could not open the encoder, or stopped."""


def _serve(folder: str, variant: str, threads: int | None, conn) -> None:
    """Child main: open the encoder, say so, then answer (method, args, kwargs) until EOF or None."""
    try:
        from .runtime import OnnxEncoder

        encoder = OnnxEncoder(Path(folder), variant=variant, threads=threads)
        conn.send(("ready", {"dim": encoder.dim, "prefix": encoder.prefix, "max_length": encoder.max_length,
                             "meta": encoder.meta}))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        method, args, kwargs = message
        try:
            if method not in ("encode", "encode_one"):
                raise ValueError(f"unknown method {method!r}")
            conn.send(("ok", getattr(encoder, method)(*args, **kwargs)))
        except Exception as exc:  # noqa: BLE001 - one bad call does not end the child
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _close(conn, proc) -> None:
    try:
        conn.send(None)
    except (OSError, ValueError):
        pass
    try:
        conn.close()
    except OSError:
        pass
    # not joined: the child exits on its own (None or EOF) and multiprocessing reaps it later


class ProcessEncoder:
    def __init__(self, folder: Path, *, variant: str = "float32", threads: int | None = None) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(str(folder), variant, threads, child_conn),
                                 name="standardq-encoder", daemon=True)
        self._proc.start()
        child_conn.close()
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _close, self._conn, self._proc)
        self.folder, self.variant = Path(folder), variant
        with self._lock:
            status, info = self._receive()
        if status != "ready":
            self.close()
            raise EncoderProcessError(info)
        self.dim, self.prefix = int(info["dim"]), info["prefix"]
        self.max_length, self.meta = int(info["max_length"]), info["meta"]

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def alive(self) -> bool:
        return self._finalizer.alive and self._proc.is_alive()

    def encode(self, texts: list[str], batch_size: int = 64):
        return self._call("encode", list(texts), batch_size=batch_size)

    def encode_one(self, text: str):
        return self._call("encode_one", text)

    def close(self) -> None:
        self._finalizer()

    def _call(self, method: str, *args, **kwargs):
        with self._lock:
            if not self._finalizer.alive:
                raise EncoderProcessError("the encoder was closed")
            try:
                self._conn.send((method, args, kwargs))
            except (OSError, ValueError) as exc:
                raise EncoderProcessError(f"the encoder process has stopped ({exc})") from None
            status, value = self._receive()
        if status != "ok":
            raise EncoderProcessError(value)
        return value

    def _receive(self):
        """The child's next message; raises if it exits first (crashed, killed, out of memory)."""
        try:
            while not self._conn.poll(POLL_S):
                if not self._proc.is_alive():
                    raise EncoderProcessError(f"the encoder process exited (code {self._proc.exitcode})")
            return self._conn.recv()
        except (EOFError, OSError) as exc:
            raise EncoderProcessError(f"the encoder process has stopped ({type(exc).__name__})") from None
