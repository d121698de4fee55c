"""A real uvicorn server on 127.0.0.1 (a free port) over a tiny shop, and a real HTTP client."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request

import pytest

from tests.unit.conftest import TINY_SHOP, tiny_model, tiny_shop  # noqa: F401 - fixtures reused


class Client:
    def __init__(self, base: str, token: str | None):
        self.base = base
        self.token = token

    def call(self, method: str, path: str, body=None, *, token: str | None = "default", raw: bytes | None = None,
             headers: dict | None = None):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        token = self.token if token == "default" else token
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)


@pytest.fixture
def served_home(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)
    return store.home


@contextlib.contextmanager
def running_server(home, **kwargs):
    """`serve(home, **kwargs)` on a free port in a thread; yields a Client, stops it on the way out."""
    from desktop_app.server.run import serve
    from desktop_app.server.token import api_token

    stop, ready, box = threading.Event(), threading.Event(), {}

    def on_ready(host, port):
        box["port"] = port
        ready.set()

    thread = threading.Thread(target=serve, args=(home,), kwargs=dict(port=0, stop=stop, on_ready=on_ready, **kwargs),
                              daemon=True)
    thread.start()
    assert ready.wait(60), "the server did not start"
    try:
        yield Client(f"http://127.0.0.1:{box['port']}", api_token())
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


@pytest.fixture
def server(served_home):
    with running_server(served_home) as client:
        client.home = served_home
        yield client
