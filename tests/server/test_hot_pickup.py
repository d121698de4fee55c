"""The server follows the store and the active model version while requests flow; two processes
(two servers over one data directory) log into one file without losing a row."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time

from desktop_app.core.querylog import QueryLog
from desktop_app.core.store import Store

from .conftest import Client


def _hammer(client, stop, results, text="吸力变弱了"):
    while not stop.is_set():
        results.append(client.post("/v1/shops/tiny/query", {"text": text}))


def test_an_edit_is_matched_at_once_while_requests_flow(server):
    stop, results = threading.Event(), []
    worker = threading.Thread(target=_hammer, args=(server, stop, results))
    worker.start()
    try:
        store = Store(server.home)  # another connection, as the GUI's
        shop = store.shop("tiny")
        new = store.add_standard(shop.id, "滚刷多久换一次", category="配件")
        status, body = server.post("/v1/shops/tiny/query", {"text": "滚刷多久换一次"})
        assert status == 200 and body["matches"][0]["id"] == new.id
        store.update_standard(new.id, enabled=False)
        body = server.post("/v1/shops/tiny/query", {"text": "滚刷多久换一次"})[1]
        assert all(m["id"] != new.id for m in body["matches"])  # the cache did not serve the old answer
    finally:
        stop.set()
        worker.join()
    assert results and all(status == 200 for status, _ in results)


def test_a_model_activation_is_picked_up_without_failing_requests(server, tiny_model):
    from desktop_app.core.config import TrainConfig
    from desktop_app.core.pipeline import activate, retrain
    from desktop_app.core.reporter import Reporter

    store = Store(server.home)
    shop = store.shop("tiny")
    before = store.active_version(shop.id)
    stop, results = threading.Event(), []
    worker = threading.Thread(target=_hammer, args=(server, stop, results))
    worker.start()
    try:
        config = TrainConfig(base_model=str(tiny_model), epochs=1, batch_size=8, lr=1e-3, val_min_total=2)
        new_id = retrain(store, shop.id, config, Reporter()).version.id
        assert store.active_version(shop.id).id == new_id != before.id
        deadline = time.time() + 60
        while time.time() < deadline:
            body = server.post("/v1/shops/tiny/query", {"text": f"吸力变弱了{time.time()}"})[1]
            if body["model_version"] == new_id:
                break
            time.sleep(0.05)
        assert body["model_version"] == new_id
        activate(store, before.id)  # a rollback is picked up the same way
        deadline = time.time() + 60
        while time.time() < deadline:
            body = server.post("/v1/shops/tiny/query", {"text": f"吸力变弱了{time.time()}"})[1]
            if body["model_version"] == before.id:
                break
            time.sleep(0.05)
        assert body["model_version"] == before.id
    finally:
        stop.set()
        worker.join()
    assert len(results) > 5 and all(status == 200 for status, _ in results), \
        [r for r in results if r[0] != 200][:3]


def _second_server(home, port_queue, stop_event):
    from desktop_app.server.run import serve

    serve(home, port=0, stop=stop_event, on_ready=lambda host, port: port_queue.put(port))


def test_two_server_processes_share_the_data_directory(server):
    ctx = mp.get_context("spawn")
    ports, stop = ctx.Queue(), ctx.Event()
    other = ctx.Process(target=_second_server, args=(server.home, ports, stop))
    other.start()
    try:
        second = Client(f"http://127.0.0.1:{ports.get(timeout=120)}", server.token)
        sent = {"a": 0, "b": 0}

        def fire(client, key):
            for i in range(40):
                assert client.post("/v1/shops/tiny/query", {"text": f"{key}发票怎么开{i}"})[0] == 200
                sent[key] += 1

        threads = [threading.Thread(target=fire, args=(server, "a")), threading.Thread(target=fire, args=(second, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop.set()
        other.join(60)
    assert other.exitcode == 0
    # the second server flushed on its way out; the first flushes within its writer's interval
    deadline = time.time() + 10
    log = QueryLog(server.home / "querylog.sqlite")
    while time.time() < deadline and log.count() < 80:
        time.sleep(0.1)
    texts = {r.text for r in log.rows()}
    assert sent == {"a": 40, "b": 40}
    assert all(f"a发票怎么开{i}" in texts and f"b发票怎么开{i}" in texts for i in range(40))
