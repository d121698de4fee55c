"""Run the API with uvicorn until stopped: Ctrl+C / SIGTERM, or `stop` (an Event) from the GUI's
child process. On the way out every queued query-log row is written."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import uvicorn

from ..core import serve_settings
from ..core.querylog import FILE_NAME, QueryLog
from .app import BundleCatalog, Service, StoreCatalog, create_app
from .token import api_token

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 6 * 3600


class RemoteRefused(ValueError):
    pass


def check_host(host: str, allow_remote: bool) -> None:
    """Refuse an address other computers reach unless allowed; warn when it is."""
    if host in serve_settings.LOOPBACK:
        return
    if not allow_remote:
        raise RemoteRefused(f"binding to {host} makes the API reachable from other computers: "
                            "pass --allow-remote if that is what you want")
    log.warning("the API listens on %s: other computers can reach it (the token still applies)", host)
    print(f"warning: listening on {host}: other computers can reach this API (the token still applies)")


def _prune_loop(path: Path, days: int, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            querylog = QueryLog(path)
            try:
                removed = querylog.prune(days)
            finally:
                querylog.close()
            if removed:
                log.info("query log: %d rows older than %d days removed", removed, days)
        except Exception as exc:  # noqa: BLE001 - retried at the next round
            log.warning("query log prune failed: %s", exc)
        stop.wait(PRUNE_EVERY_S)


def serve(home: Path, *, host: str | None = None, port: int | None = None, allow_remote: bool = False,
          log_db: Path | None = None, bundle: Path | None = None, stop=None, on_ready=None, on_status=None,
          status_every_s: float = 2.0, encoder_factory=None) -> None:
    """Serve until Ctrl+C / SIGTERM or `stop` is set (anything with is_set(): an Event, a shared flag).
    The query log is flushed in the server's own shutdown, before uvicorn re-raises the signal.

    `bundle`: serve that read-only model folder (model_bundle.py) instead of the data directory's
    shops. `on_ready(host, port)` once listening (port 0 picks a free one); `on_status(dict)` every
    `status_every_s` with requests_per_minute, requests (total) and last_error."""
    settings = serve_settings.load(home)
    host = host or settings.host
    port = settings.port if port is None else port
    check_host(host, allow_remote)
    log_db = Path(log_db) if log_db else Path(home) / FILE_NAME
    catalog = BundleCatalog(bundle, encoder_factory) if bundle else StoreCatalog(home, encoder_factory)
    service = Service(catalog, api_token(), log_db=log_db, mask_log=settings.mask_log)
    app = create_app(service)
    # access_log off: request lines would carry ?token= for the clients that send it that way
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning",
                                           timeout_graceful_shutdown=10))
    done = threading.Event()
    threading.Thread(target=_prune_loop, args=(log_db, settings.retention_days, done), daemon=True).start()
    if stop is not None:
        def watch():  # polls: a multiprocessing Event's set() hangs on a waiter that died waiting
            while not stop.is_set():
                if done.wait(0.2):
                    return
            server.should_exit = True
        threading.Thread(target=watch, daemon=True).start()
    if on_status is not None:
        def report():
            while not done.wait(status_every_s):
                on_status({"requests_per_minute": service.requests_per_minute(),
                           "requests": service.total_requests, "last_error": service.last_error})
        threading.Thread(target=report, daemon=True).start()
    if on_ready is not None:
        def ready():
            while not server.started and not done.is_set():
                time.sleep(0.05)
            if server.started:
                on_ready(host, server.servers[0].sockets[0].getsockname()[1] if server.servers else port)
        threading.Thread(target=ready, daemon=True).start()
    try:
        server.run()
    finally:
        done.set()
        service.close()  # the log writer flushes what is queued
