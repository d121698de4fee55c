"""The README's screenshots of windows that need no training, in Chinese, offscreen.

    .venv/bin/python scripts/screenshots.py [--out resources/screenshots] [--lang zh|en]

Writes editor.png (main window on the demo shop), import.png (the import dialog's preview of a
file from another platform), augment.png (the generation dialog after a rules preview) and
review.png (the review queue after a rules run), query_twin.png (the query panel, untuned
model, on twin standard questions: a similar question copied under a second one with a question
mark), serve_switch.png (the status bar while a real server child answers real requests) and
statistics.png (the Statistics view over a generated query log: a few hundred rows over 7 days),
chatlog_import.png (File ▸ Import chat log… on a day of demo chats) and inbox.png (the inbox
tab after that import). The inbox groups by the model's own thresholds, and an untuned encoder's
put nearly every text in one group: the README's inbox.png is of a retrained demo shop,
`standardq --home DIR demo` (or `train`) first, then `--only inbox --home DIR`.
The retrain progress and the query panel come from a real retrain:
`bench/gui_stall.py --screenshots resources/screenshots`. The report's three
(report_summary.png, report_curves.png, report_doctor.png) are of a retrained demo shop after
"Calibrate for the traffic" on two weeks of generated log: `--only report --home DIR`.
Needs CJK fonts for the Chinese text (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def settle(app, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_idle(app, dialog, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while dialog.busy() and time.monotonic() < end:
        settle(app, 0.05)


def twin_query(app, store, shop_id: int, path: Path) -> None:
    """The query panel suggesting between twins: a similar question under a second standard
    question too, with a question mark (the store allows it; the data doctor flags it)."""
    from desktop_app.core.pipeline import ensure_model
    from desktop_app.gui.widgets.query_panel import QueryPanel

    first, second = store.standards(shop_id)[:2]
    similar = store.similars(standard_id=first.id)[0]
    store.add_similar(second.id, similar.text + "？")
    ensure_model(store, shop_id)
    panel = QueryPanel(store)
    panel.resize(900, 560)
    panel.show()
    ready, done = [], []
    panel.model_ready.connect(lambda *_: ready.append(True))
    panel.query_done.connect(done.append)
    panel.set_shop(shop_id)
    end = time.monotonic() + 300
    while not ready and time.monotonic() < end:
        settle(app, 0.05)
    panel.query_now(similar.text)
    end = time.monotonic() + 30
    while not done and time.monotonic() < end:
        settle(app, 0.05)
    settle(app)
    panel.grab().save(str(path))
    panel.close()


UNMATCHED = ["在吗", "在吗", "在吗", "发货了吗", "发货了吗", "你好", "有优惠券吗", "能便宜点吗", "今天天气怎么样",
             "你们有实体店吗", "快递到哪了", "人工客服", "可以用花呗吗", "明天能到吗"]


def write_demo_log(store, shop_id: int, days: int = 7, seed: int = 7) -> int:
    """A plausible query log for the Statistics view: what consumers asked over `days` days,
    popular questions asked far more than the rest (some never), greetings and off-topic texts
    unanswered. Generated, not served: the decisions follow set shares, not a model."""
    import random

    from desktop_app.core.querylog import FILE_NAME, QueryLog, new_query_id, row_for

    rng = random.Random(seed)
    standards = [sq for sq in store.standards(shop_id) if sq.enabled]
    rng.shuffle(standards)
    asked = standards[: int(len(standards) * 0.8)]  # the rest is never hit
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(asked))]
    texts = {sq.id: [s.text for s in store.similars(standard_id=sq.id)] or [sq.text] for sq in asked}
    rows, answered, chosen = [], [], []
    midnight = time.mktime(time.localtime()[:3] + (0, 0, 0, 0, 0, -1))
    for day in range(days):
        start = midnight - (days - 1 - day) * 86400
        for _ in range(rng.randint(38, 58) + 4 * day):
            ts = start + rng.uniform(8, 23) * 3600
            if ts > time.time():
                ts = time.time() - rng.uniform(0, 3600)
            roll = rng.random()
            if roll < 0.14:
                text, decision, matches = rng.choice(UNMATCHED), "no_match", []
                if rng.random() < 0.25:
                    decision, matches = "suggest", [(rng.choice(standards).id, 0.55)]
            else:
                sq = rng.choices(asked, weights)[0]
                text = rng.choice(texts[sq.id])
                other = rng.choice(standards).id
                if roll < 0.86:
                    decision, matches = "answer", [(sq.id, rng.uniform(0.86, 0.97)), (other, 0.6)]
                else:
                    decision, matches = "suggest", [(sq.id, rng.uniform(0.7, 0.85)), (other, 0.68)]
            latency = rng.lognormvariate(1.6, 0.25) if rng.random() > 0.02 else rng.uniform(15, 30)
            qid = new_query_id()
            rows.append(row_for(query_id=qid, shop_id=shop_id, text=text, decision=decision, matches=matches,
                                model_version=1, latency_ms=latency, channel="chat", ts=ts,
                                cached=rng.random() < 0.2))
            if decision == "answer":
                answered.append(qid)
            elif decision == "suggest" and matches and rng.random() < 0.3:  # the agent picked the right one
                chosen.append((qid, matches[0][0]))
    log = QueryLog(Path(store.home) / FILE_NAME)
    log.write(rows)
    for qid in rng.sample(answered, len(answered) // 12):
        log.feedback(qid, helpful=rng.random() < 0.9)
    for qid, standard_id in chosen:
        log.feedback(qid, chosen_id=standard_id)
    log.close()
    return len(rows)


# A day of chats with the demo shop: what consumers asked that its questions do not cover yet (value
# added tax invoices, voice assistants, sale days, batteries, height, colours...), paraphrased and
# repeated as people do, some greetings, and a few the shop covers in other words. Written for
# the project; (text, times asked).
INBOX_CHATS = [
    ("能开增值税专用发票吗", 5), ("能开专票吗", 3), ("可以开专票吗", 2), ("公司采购能开专票吗", 1),
    ("会不会从楼梯上掉下去", 4), ("楼梯口会不会摔下去", 2), ("有防跌落功能吗", 3),
    ("能用小爱同学控制吗", 4), ("支持小爱同学吗", 3), ("可以连小爱音箱吗", 1), ("支持天猫精灵吗", 2),
    ("双十一有活动吗", 3), ("双十一有优惠吗", 2), ("双11会降价吗", 2),
    ("电池可以自己换吗", 3), ("电池能自己换吗", 2), ("电池坏了换一块多少钱", 1),
    ("机身有多高", 3), ("机器多高，沙发底下能进去吗", 2), ("床底下能钻进去吗", 2),
    ("有白色的吗", 2), ("有没有白色款", 2), ("有其他颜色吗", 1),
    ("可以预约清扫吗", 3), ("能预约打扫吗", 2), ("能定时打扫吗", 1),
    ("在吗", 6), ("在不在", 2), ("你好", 3), ("有人吗", 2),
    ("扫完地图不见了", 2), ("App上看不到机器了", 2), ("声音大不大，会吵到宝宝吗", 2),
    ("猫会不会被吓到", 1), ("能扫瓷砖缝里的灰吗", 1), ("实体店在哪里", 1),
]
STAFF_REPLIES = ["亲，在的，请问有什么可以帮您？", "好的亲，我帮您查一下", "亲，稍等哦"]


def write_demo_chats(path: Path, seed: int = 17) -> Path:
    """INBOX_CHATS as a chat export (sessions, times, the consumer and the agent), for the import."""
    import csv
    import random

    rng = random.Random(seed)
    messages = [text for text, times in INBOX_CHATS for _ in range(times)]
    rng.shuffle(messages)
    start = time.mktime(time.localtime()[:3] + (0, 0, 0, 0, 0, -1)) - 86400 + 9 * 3600  # yesterday 09:00
    rows = [["会话ID", "发送时间", "发送方", "消息内容"]]
    for i, text in enumerate(messages):
        ts = start + i * 560 + rng.uniform(0, 300)
        session = f"s{1000 + i}"
        rows.append([session, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)), "买家", text])
        rows.append([session, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts + 40)), "客服",
                     rng.choice(STAFF_REPLIES)])
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def report_screens(app, store, shop_id: int, out: Path) -> None:
    """report_summary.png, report_curves.png, report_doctor.png: the evaluation report of the active
    version after "Calibrate for the traffic" on two weeks of generated query log (written when the
    data directory has none)."""
    from desktop_app.core.querylog import FILE_NAME
    from desktop_app.gui.widgets.report_dialog import ReportDialog

    if not (Path(store.home) / FILE_NAME).exists():
        write_demo_log(store, shop_id, days=14)
    dialog = ReportDialog(store, shop_id)
    dialog.resize(1000, 780)
    dialog.show()
    settle(app)
    dialog.calibrate_now()
    wait_idle(app, dialog, 300)
    for tab, name in ((0, "report_summary.png"), (1, "report_curves.png"), (3, "report_doctor.png")):
        dialog.tabs.setCurrentIndex(tab)
        settle(app, 1.0)  # the plots draw after the tab is shown
        dialog.grab().save(str(out / name))
    dialog.close()


def inbox_screens(app, store, shop_id: int, out: Path) -> None:
    """chatlog_import.png: the chat-log import dialog on a day of demo chats; inbox.png: the inbox
    tab after importing them (the untuned model matched and grouped them)."""
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.core.pipeline import ensure_model
    from desktop_app.gui.app import Shell

    QMessageBox.information = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)  # "imported": no wait
    ensure_model(store, shop_id)
    chats = write_demo_chats(Path(store.home) / "demo_chats.csv")
    window = Shell(store).open(remember=False, build_models=False)
    window.resize(1280, 800)
    window.shop_bar.select(shop_id)
    panel = window.inbox.panel
    end = time.monotonic() + 300
    while (panel.view is None or panel.busy()) and time.monotonic() < end:
        settle(app, 0.1)
    dialog = window.inbox.import_chat_log(chats)
    dialog.resize(940, 720)
    end = time.monotonic() + 60
    while dialog.table is None and time.monotonic() < end:
        settle(app, 0.1)
    settle(app, 0.5)
    dialog.grab().save(str(out / "chatlog_import.png"))
    finished = []
    dialog.finished.connect(finished.append)
    dialog.start_import()
    end = time.monotonic() + 300
    while not finished and time.monotonic() < end:
        settle(app, 0.1)
    settle(app, 0.5)
    end = time.monotonic() + 300
    while (panel.busy() or not panel.view or not panel.view.groups) and time.monotonic() < end:
        settle(app, 0.1)
    window.tabs.setCurrentWidget(panel)
    panel.table.selectRow(0)
    settle(app, 0.8)
    window.grab().save(str(out / "inbox.png"))
    window.shutdown()
    window.close()


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def serve_and_statistics(app, store, shop_id: int, out: Path) -> None:
    """serve_switch.png: a real server child answering real requests; statistics.png: the view."""
    import json
    import urllib.request

    from desktop_app.gui.app import Shell
    from desktop_app.gui.widgets.stats_view import StatsView
    from desktop_app.server.token import api_token

    window = Shell(store).open(remember=False, build_models=False)
    window.resize(1280, 800)
    window.shop_bar.select(shop_id)
    switch = window.serve_switch
    if not _port_free(8765):
        switch.port = 0  # 8765 is taken on this machine: any free port
    switch.start()
    end = time.monotonic() + 120
    while switch.state == "starting" and time.monotonic() < end:
        settle(app, 0.1)
    if switch.state != "on":
        raise SystemExit(f"the server did not start: {switch.last_error}")
    token = api_token()
    for query in ["吸尘变弱了是不是滤网堵了", "在吗", "发票怎么开", "尘盒多久清理一次", "充电座找不到", "能便宜点吗"] * 4:
        request = urllib.request.Request(f"{switch.address}/v1/shops/{shop_id}/query", method="POST",
                                         data=json.dumps({"text": query}).encode(),
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=60).read()
        settle(app, 0.05)
    end = time.monotonic() + 10
    while switch.status.get("requests", 0) < 24 and time.monotonic() < end:
        settle(app, 0.1)
    settle(app, 0.3)
    bar = window.statusBar()
    left = max(0, switch.mapTo(bar, switch.rect().topLeft()).x() - 12)
    bar.grab(bar.rect().adjusted(left, 0, 0, 0)).save(str(out / "serve_switch.png"))  # its right part
    switch.stop()
    end = time.monotonic() + 30
    while switch.state != "off" and time.monotonic() < end:
        settle(app, 0.1)
    window.shutdown()
    window.close()

    write_demo_log(store, shop_id)
    view = StatsView(store.home, shop_id, store.shop(shop_id).name)
    view.resize(1100, 800)
    view.show()
    end = time.monotonic() + 60
    while view.busy() and time.monotonic() < end:
        settle(app, 0.05)
    settle(app, 0.5)
    view.grab().save(str(out / "statistics.png"))
    view.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--home", help="a data directory to use instead of a new one (e.g. one where the demo shop "
                                  "was retrained: the inbox groups by the model's own thresholds)")
    p.add_argument("--only", choices=("serve", "inbox", "report"),
                   help="serve: only serve_switch.png and statistics.png; inbox: only chatlog_import.png and "
                        "inbox.png; report: only the report's three (a trained demo shop's --home)")
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="standardq_shots_"))
    os.environ["STANDARDQ_CONFIG"] = str(home / "config")  # no stored API key shows up

    from desktop_app.cli import ensure_demo_shop
    from desktop_app.core.augment.rules import AugmentSettings
    from desktop_app.core.store import Store
    from desktop_app.gui import i18n
    from desktop_app.gui.app import Shell, create_application

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    i18n.install_translators("zh_CN" if args.lang == "zh" else "en")
    store = Store(home)
    shop, _ = ensure_demo_shop(store)
    if args.only == "report":  # the demo shop if it was retrained, else the first trained shop
        trained = [s.id for s in [shop] + store.shops() if store.active_version(s.id) is not None]
        if not trained:
            raise SystemExit(f"no trained shop in {home}: `standardq --home {home} demo` first")
        report_screens(app, store, trained[0], out)
        store.close()
        print(f"screenshots in {out}")
        return 0
    if args.only == "inbox":
        inbox_screens(app, store, shop.id, out)
        store.close()
        print(f"screenshots in {out}")
        return 0
    if args.only == "serve":
        from desktop_app.core.pipeline import ensure_model

        ensure_model(store, shop.id)
        serve_and_statistics(app, store, shop.id, out)
        store.close()
        print(f"screenshots in {out}")
        return 0
    AugmentSettings(["扫地机器人", "扫地机", "洗地机", "X10"], [["尘盒", "集尘盒", "垃圾盒"]]).save(store, shop.id)
    window = Shell(store).open(remember=False, build_models=False)
    window.resize(1280, 800)
    window.shop_bar.select(shop.id)
    window.questions.select_first()
    settle(app)
    window.grab().save(str(out / "editor.png"))

    foreign = home / "faq_from_another_platform.csv"
    foreign.write_text("问题,相似问法,回复内容,分组\n"
                       "尘盒多久清理一次,\"尘盒要多久倒一次\n集尘盒多久清\",建议每次清扫后清理尘盒。,清洁\n"
                       "可以开专票吗,能开增值税专用发票吗,可以，请在订单页申请并填写税号。,发票\n"
                       "机器不回充怎么办,不会自己回去充电,请检查充电座周围是否有遮挡。,充电\n", encoding="utf-8")
    dialog = window.import_file(foreign)
    settle(app, 1.0)
    dialog.grab().save(str(out / "import.png"))
    dialog.reject()

    dialog = window.open_augment()
    dialog.encoder_check.setChecked(False)  # no model in this throwaway home: the text checks only
    dialog.start_preview()
    wait_idle(app, dialog)
    settle(app)
    dialog.grab().save(str(out / "augment.png"))
    dialog.scope_all.setChecked(True)
    dialog.rules_n.setValue(10)
    dialog.start_run()
    wait_idle(app, dialog)
    dialog.reject()
    review = window.open_review()
    review.resize(1000, 640)
    settle(app)
    review.view.selectRow(2)
    settle(app)
    review.grab().save(str(out / "review.png"))
    review.reject()
    window.shutdown()
    twin_query(app, store, shop.id, out / "query_twin.png")
    serve_and_statistics(app, store, shop.id, out)  # after twin_query: it built the model the server needs
    inbox_screens(app, store, shop.id, out)  # after the statistics' generated log: its unanswered texts join
    store.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
