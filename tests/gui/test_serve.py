"""The Serve switch (a real server child on a free port, real HTTP) and the Statistics view."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from .fixtures_panels import tiny_model, tiny_shop, untuned  # noqa: F401 - fixtures

START_TIMEOUT_MS = 120_000


def _post(url: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def _health(address: str) -> dict | None:
    try:
        with urllib.request.urlopen(address + "/health", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def _switch(qtbot, home, **kwargs):
    from desktop_app.gui.widgets.serve_switch import ServeSwitch

    switch = ServeSwitch(home, **kwargs)
    qtbot.addWidget(switch)
    switch.show()
    return switch


def _wait_state(qtbot, switch, state: str, timeout: int = START_TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: switch.state == state, timeout=timeout)


# ----------------------------------------------------------------------------- the switch
def test_the_switch_serves_real_requests_shows_the_rate_copies_the_token_and_stops(qtbot, store, tiny_shop, untuned):
    from PySide6.QtGui import QGuiApplication

    from desktop_app.server.token import api_token

    switch = _switch(qtbot, store.home, port=0)  # port 0: the child binds a free port
    assert switch.state == "off" and not switch.address_label.isVisible()
    switch.toggle.click()
    assert switch.state == "starting" and switch.process is not None
    _wait_state(qtbot, switch, "on")
    assert switch.address.startswith("http://127.0.0.1:") and not switch.address.endswith(":0")
    assert switch.address_label.text() == switch.address and switch.copy_button.isVisible()
    assert switch.process.pid != os.getpid()  # the server is a child, never in the GUI process

    assert _health(switch.address)["status"] == "ok"
    status, answer = _post(f"{switch.address}/v1/shops/{tiny_shop.id}/query", {"text": "发票怎么开"}, api_token())
    assert status == 200 and answer["decision"] in ("answer", "suggest", "no_match") and answer["matches"]

    qtbot.waitUntil(lambda: switch.status.get("requests", 0) >= 1, timeout=15_000)  # every 2 s
    assert switch.status["requests_per_minute"] >= 1
    assert switch.rate_label.text() == f"{switch.status['requests_per_minute']} requests/min"

    rebuilt = _switch(qtbot, store.home, port=0)  # the window rebuilt in another language takes the server over
    address = switch.address
    rebuilt.adopt(switch)
    assert rebuilt.state == "on" and rebuilt.address == address and rebuilt.address_label.text() == address
    assert switch.state == "off" and switch.process is None and _health(address)["status"] == "ok"
    switch = rebuilt
    qtbot.waitUntil(lambda: switch.status.get("requests", 0) >= 1, timeout=15_000)

    with qtbot.waitSignal(switch.token_copied, timeout=10_000):
        switch.copy_button.click()
    assert QGuiApplication.clipboard().text() == api_token()
    assert api_token() not in switch.rate_label.text() + switch.error_label.text()

    process = switch.process
    switch.toggle.click()  # off
    assert switch.state == "stopping"
    _wait_state(qtbot, switch, "off", timeout=30_000)
    assert switch.process is None and not process.alive() and process.exitcode() == 0
    assert switch.last_error == ""
    assert _health(address) is None and switch.address == ""
    assert not (Path(store.home) / "serve-child.json").exists()


def test_a_port_in_use_is_a_clear_message_and_the_switch_goes_back_off(qtbot, store):
    from desktop_app.core import serve_settings

    with socket.socket() as other:  # some other program holds the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        switch = _switch(qtbot, store.home, port=port)
        switch.start()
        _wait_state(qtbot, switch, "off", timeout=60_000)
    assert switch.last_error == f"Port {port} is in use by another program"
    assert switch.error_label.isVisible() and not switch.toggle.isChecked()
    assert switch.port_action.isEnabled()  # the way out: another port (Menu ▸ Port…), saved
    assert switch.set_port(port + 1 if port < 65535 else port - 1) and switch.port is None
    assert serve_settings.load(store.home).port != port and switch.last_error == ""
    assert not switch.set_port(0) and "port" in switch.last_error  # refused by ServeSettings


def test_a_server_already_running_is_found_shown_and_can_be_stopped(qtbot, store, tiny_shop, untuned):
    """The first switch plays the earlier session's kept server; a second one finds it."""
    first = _switch(qtbot, store.home, port=0)
    first.start()
    _wait_state(qtbot, first, "on")
    address = first.address
    port = int(address.rsplit(":", 1)[1])
    record = json.loads((Path(store.home) / "serve-child.json").read_text())
    assert record == {"pid": first.process.pid, "host": "127.0.0.1", "port": port}

    second = _switch(qtbot, store.home, port=port)
    second.start()  # the port is taken by StandardQ: said so, no crash
    _wait_state(qtbot, second, "off", timeout=60_000)
    assert second.last_error == f"Port {port} is in use: StandardQ is already serving there"

    second.probe_existing()  # what the window does at start-up
    _wait_state(qtbot, second, "external", timeout=15_000)
    assert second.address == address and second.toggle.isChecked() and second.copy_button.isVisible()

    second.toggle.click()  # stops the kept server (SIGTERM: a clean shutdown)
    _wait_state(qtbot, second, "off", timeout=30_000)
    assert _health(address) is None
    qtbot.waitUntil(lambda: first.process is None, timeout=10_000)
    assert first.state == "off" and "stopped unexpectedly" not in first.last_error


@pytest.mark.skipif(sys.platform == "win32", reason="the kept server is stopped with SIGTERM here")
def test_a_kept_server_survives_the_apps_exit(tmp_path):
    """ServeProcess.detach: the app's process exits at once and the server keeps answering."""
    home = tmp_path / "home_kept"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from desktop_app.gui.serve_process import ServeProcess
        if __name__ == "__main__":
            p = ServeProcess({str(home)!r}, port=0)
            p.start(keep_running=True)
            end = time.monotonic() + 90
            while time.monotonic() < end:
                for kind, payload in p.messages():
                    if kind == "ready":
                        print(payload[1], flush=True)
                        p.detach()
                        sys.exit(0)
                    if kind == "error":
                        sys.exit("error: " + payload)
                time.sleep(0.05)
            sys.exit("not ready")
    """)
    out, err = tmp_path / "app.out", tmp_path / "app.err"
    with open(out, "w") as stdout, open(err, "w") as stderr:  # files: the server inherits them, and lives on
        app = subprocess.Popen([sys.executable, "-c", script], stdout=stdout, stderr=stderr)
        assert app.wait(timeout=120) == 0, err.read_text()  # the app's exit did not wait for the server
    port = int(out.read_text().split()[-1])
    from desktop_app.gui import serve_process

    found = serve_process.find_running(home, "127.0.0.1", port)
    try:
        assert found is not None and found["pid"], "the kept server is gone with the app"
    finally:
        if found and found["pid"]:
            assert serve_process.stop_running(found["pid"], "127.0.0.1", port)
    assert serve_process.probe("127.0.0.1", port) is None


# ----------------------------------------------------------------------------- the statistics view
def _shop_with_log(store, rows_per_day):
    """A shop of four standard questions and a query log: rows_per_day = {days ago: [(text, decision, sq index)]}."""
    from desktop_app.core.io_formats import ImportRow
    from desktop_app.core.querylog import FILE_NAME, QueryLog, new_query_id, row_for

    shop = store.create_shop("stats")
    questions = ["怎么开发票", "退货运费谁出", "充电座找不到怎么办", "尘盒多久清理一次"]
    store.import_rows(shop.id, [ImportRow(row=i, standard_question=q, similar_question="", category="售后")
                                for i, q in enumerate(questions)])
    ids = {sq.text: sq.id for sq in store.standards(shop.id)}
    ids = [ids[q] for q in questions]
    noon = time.mktime(time.localtime()[:3] + (12, 0, 0, 0, 0, -1))
    rows, query_ids = [], []
    for days_ago, items in rows_per_day.items():
        for n, (text, decision, index) in enumerate(items):
            qid = new_query_id()
            query_ids.append(qid)
            matches = [] if index is None else [(ids[index], 0.9), (ids[(index + 1) % 4], 0.5)]
            rows.append(row_for(query_id=qid, shop_id=shop.id, text=text, decision=decision, matches=matches,
                                model_version=1, latency_ms=5.0 + n, ts=noon - days_ago * 86400 + n))
    log = QueryLog(Path(store.home) / FILE_NAME)
    log.write(rows)
    log.feedback(query_ids[0], helpful=True)
    log.feedback(query_ids[1], chosen_id=ids[1])
    log.close()
    return shop, ids


def _stats_view(qtbot, store, shop):
    from desktop_app.gui.widgets.stats_view import StatsView

    view = StatsView(store.home, shop.id, shop.name)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.busy(), timeout=30_000)
    return view


def test_statistics_show_numbers_plot_and_tables_from_a_real_query_log(qtbot, store):
    shop, ids = _shop_with_log(store, {
        0: [("发票怎么开", "answer", 0), ("能开发票吗", "answer", 0), ("运费谁出", "suggest", 1),
            ("今天股市怎么样", "no_match", None)],
        2: [("发票抬头怎么填", "answer", 0), ("今天股市怎么样", "no_match", None), ("退货邮费", "answer", 1)],
        40: [("很久以前的问题", "no_match", None)],  # outside the last 7 days
    })
    view = _stats_view(qtbot, store, shop)
    assert view.period_code() == "7d" and view.stack.currentIndex() == 1
    assert view.queries_number.value.text() == "7"
    assert view.answer_number.value.text() == "57.1%" and view.answer_number.detail.text() == "4"
    assert view.suggest_number.value.text() == "14.3%"
    assert view.no_match_number.value.text() == "28.6%"
    assert view.latency_number.value.text() == "6.0 ms"
    assert view.feedback_number.value.text() == "1"
    hits = [[view.hits_table.item(r, c).text() for c in range(5)] for r in range(view.hits_table.rowCount())]
    assert hits == [["怎么开发票", "售后", "3", "0", "0"], ["退货运费谁出", "售后", "1", "1", "1"]]
    never = {view.never_table.item(r, 0).text() for r in range(view.never_table.rowCount())}
    assert never == {"充电座找不到怎么办", "尘盒多久清理一次"}
    assert view.unmatched_table.item(0, 0).text() == "今天股市怎么样" and view.unmatched_table.item(0, 1).text() == "2"
    assert view.tabs.tabText(1) == "Never hit (2)"
    if view.plot:  # pyqtgraph: one stacked bar series per decision, over the 7 days
        assert len(view.plot["bars"]) == 3
        assert len(view.plot["bars"][0].opts["x"]) == 7

    with qtbot.waitSignal(view.question_requested) as opened:
        view.hits_table.cellDoubleClicked.emit(0, 0)
    assert opened.args == [ids[0]]

    view.period.setCurrentIndex(view.period.findData("today"))
    qtbot.waitUntil(lambda: not view.busy(), timeout=30_000)
    assert view.queries_number.value.text() == "4"
    view.period.setCurrentIndex(view.period.findData("all"))
    qtbot.waitUntil(lambda: not view.busy(), timeout=30_000)
    assert view.queries_number.value.text() == "8"


def test_statistics_of_an_empty_log_say_how_to_collect_questions(qtbot, store):
    shop = store.create_shop("empty")
    view = _stats_view(qtbot, store, shop)  # no log file at all
    assert view.stack.currentIndex() == 0 and "Start serving" in view.hint.text()
    assert not (Path(store.home) / "querylog.sqlite").exists()  # looking does not create it


def test_the_main_window_has_the_serve_switch_and_opens_the_statistics(qtbot, store, make_window):
    shop = store.create_shop("window")
    window = make_window(store)
    window.shop_bar.select(shop.id)
    assert window.serve_switch.state == "off" and window.serve_switch.isVisible()
    view = window.open_statistics()
    qtbot.waitUntil(lambda: not view.busy(), timeout=30_000)
    assert view.isVisible() and view.shop_id == shop.id and view.stack.currentIndex() == 0


def test_closing_the_window_stops_the_server_unless_kept(qtbot, store, make_window):
    from desktop_app.core import serve_settings
    from desktop_app.gui import serve_process

    first = make_window(store)
    first.serve_switch.port = 0
    first.serve_switch.start()
    _wait_state(qtbot, first.serve_switch, "on")
    process, address = first.serve_switch.process, first.serve_switch.address
    first.close()  # the app's exit: the server stops with it
    assert not process.alive() and process.exitcode() == 0 and _health(address) is None

    second = make_window(store)
    switch = second.serve_switch
    switch.port = 0
    switch.keep_action.setChecked(True)  # "Keep serving after StandardQ closes", saved in serve.json
    assert serve_settings.load(store.home).keep_running
    switch.start()
    _wait_state(qtbot, switch, "on")
    process, address = switch.process, switch.address
    port = int(address.rsplit(":", 1)[1])
    second.close()
    try:
        assert process.alive() and _health(address)["status"] == "ok"
        found = serve_process.find_running(store.home, "127.0.0.1", port)
        assert found and found["pid"] == process.pid  # what the next session finds
    finally:
        assert serve_process.stop_running(process.pid, "127.0.0.1", port)
    process.process.join(10)
    assert not process.alive()
