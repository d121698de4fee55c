"""The query log: masking, batched writes, feedback, retention, statistics, two writers at once."""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest

from desktop_app.core.masking import mask
from desktop_app.core.querylog import QueryLog, QueryLogWriter, new_query_id, row_for
from desktop_app.core.querystats import parse_since, shop_stats


@pytest.mark.parametrize("text, expected", [
    ("我的手机是13812345678快点发货", "我的手机是[手机号]快点发货"),
    ("电话 +86 138-1234-5678", "电话 [手机号]"),
    ("订单号123456789012345678 怎么还没到", "订单号[订单号] 怎么还没到"),
    ("顺丰单号SF1234567890123", "顺丰单号[单号]"),
    ("身份证11010519491231002X", "身份证[身份证]"),
    ("邮箱 a.b@qq.com 收不到", "邮箱 [邮箱] 收不到"),
    ("寄到建国路88号3栋2单元501室谢谢", "[地址]谢谢"),  # the words before the road go too
    ("座机010-12345678", "座机[电话]"),
    # meaning-bearing numbers stay
    ("扫地机器人X200吸力变小", "扫地机器人X200吸力变小"),
    ("买了2个，花了399元", "买了2个，花了399元"),
    ("型号 T10 Pro 2024款", "型号 T10 Pro 2024款"),
])
def test_mask(text, expected):
    assert mask(text) == expected


def _row(shop_id=1, decision="answer", top=((7, 0.9), (8, 0.6)), text="在吗", ts=None, latency=3.0, **kw):
    return row_for(query_id=new_query_id(), shop_id=shop_id, text=text, decision=decision, matches=list(top),
                   model_version=1, latency_ms=latency, ts=ts, **kw)


def test_write_read_feedback_prune(tmp_path):
    log = QueryLog(tmp_path / "q.sqlite")
    old = _row(ts=time.time() - 200 * 86400)
    rows = [_row(), _row(decision="no_match", top=(), text="你好"), old]
    log.write(rows)
    log.write(rows)  # a retried batch is not written twice
    assert log.count() == 3
    assert log.count(shop_id=1, since=time.time() - 86400) == 2
    got = log.rows(shop_id=1, limit=1)[0]
    assert got.top == [(7, 0.9), (8, 0.6)] or got.top == []
    assert log.feedback(rows[0]["id"], helpful=False, chosen_id=8)
    assert not log.feedback("q_unknown", helpful=True)
    (first,) = [r for r in log.rows() if r.id == rows[0]["id"]]
    assert first.helpful is False and first.chosen_id == 8
    assert log.prune(180) == 1 and log.count() == 2


def test_row_validation():
    with pytest.raises(ValueError):
        _row(decision="maybe")
    with pytest.raises(ValueError):
        _row(source="somewhere")


def test_writer_batches_off_the_caller_and_loses_nothing_on_close(tmp_path):
    writer = QueryLogWriter(tmp_path / "q.sqlite", interval_s=0.05)
    t0 = time.perf_counter()
    for i in range(2000):
        writer.submit(_row(text=f"问题{i}"))
    assert time.perf_counter() - t0 < 2.0  # submit does not touch the disk
    writer.close()
    assert QueryLog(tmp_path / "q.sqlite").count() == 2000


def _write_many(path, shop_id, n):
    writer = QueryLogWriter(path, interval_s=0.01, batch=7)
    for i in range(n):
        writer.submit(_row(shop_id=shop_id, text=f"{shop_id}-{i}"))
    writer.close()


def test_two_processes_write_one_file(tmp_path):
    path = tmp_path / "q.sqlite"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(path, shop, 300)) for shop in (1, 2)]
    for p in procs:
        p.start()
    reader = QueryLog(path) if path.exists() else None
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    log = reader or QueryLog(path)
    assert log.count(shop_id=1) == 300 and log.count(shop_id=2) == 300


def test_stats(tmp_path):
    log = QueryLog(tmp_path / "q.sqlite")
    day = 86400
    now = time.time()
    rows = [_row(top=((1, 0.9),), ts=now - 2 * day, latency=2.0),
            _row(top=((1, 0.91),), ts=now - day, latency=4.0),
            _row(decision="suggest", top=((2, 0.7), (1, 0.65)), ts=now, latency=6.0),
            _row(decision="no_match", top=((2, 0.3),), text="快递到哪了", ts=now, latency=8.0),
            _row(decision="no_match", top=((2, 0.3),), text="快递到哪了", ts=now, latency=10.0),
            _row(shop_id=2, ts=now)]
    log.write(rows)
    log.feedback(rows[2]["id"], helpful=False, chosen_id=3)
    lookup = {1: {"text": "怎么退货", "category": "售后"}, 2: {"text": "吸力变小", "category": ""},
              3: {"text": "发货时间", "category": ""}, 4: {"text": "保修多久", "category": ""}}
    s = shop_stats(log, 1, lookup)
    assert (s["queries"], s["answered"], s["suggested"], s["no_match"]) == (5, 2, 1, 2)
    assert s["answer_rate"] == 0.4
    hits = {h["id"]: h for h in s["hits"]}
    assert hits[1]["answered"] == 2 and hits[2]["suggested"] == 1 and hits[3]["chosen"] == 1
    assert [n["id"] for n in s["never_hit"]] == [4]
    assert s["unmatched"][0] == {"text": "快递到哪了", "count": 2, "decision": "no_match"}
    assert s["latency_ms"]["p50"] == 6.0 and 9.5 < s["latency_ms"]["p99"] <= 10.0
    assert s["feedback"] == {"helpful": 0, "unhelpful": 1}
    assert sum(d["queries"] for d in s["per_day"]) == 5 and len(s["per_day"]) >= 2
    recent = shop_stats(log, 1, lookup, since=now - 3600)
    assert recent["queries"] == 3


def test_parse_since():
    now = 1_000_000.0
    assert parse_since("7d", now) == now - 7 * 86400
    assert parse_since("12h", now) == now - 12 * 3600
    assert parse_since("", now) is None
    assert parse_since("2026-12-01") > 0
    with pytest.raises(ValueError, match="7d"):
        parse_since("last week", now)


def test_merge_worker_logs(tmp_path):
    main, worker = QueryLog(tmp_path / "main.sqlite"), QueryLog(tmp_path / "worker.sqlite")
    shared = _row(text="两边都有")
    main.write([shared])
    worker.write([shared, _row(text="只在工作进程")])
    worker.feedback(shared["id"], helpful=True)
    assert main.merge_from(tmp_path / "worker.sqlite") == 1
    assert main.merge_from(tmp_path / "worker.sqlite") == 0
    assert {r.text for r in main.rows()} == {"两边都有", "只在工作进程"}
    with pytest.raises(FileNotFoundError):
        main.merge_from(tmp_path / "none.sqlite")
