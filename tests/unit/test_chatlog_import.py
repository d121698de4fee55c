"""Chat-log import: mapping guess, sender filter, masking, repeats, encodings (UTF-8, GBK, XLSX),
cancel and resume, bad files; the imported rows in the log and in the inbox. Tiny model."""

from __future__ import annotations

import time

import pytest

from desktop_app.core.chatlog_import import import_chat_log
from desktop_app.core.chatlog_read import (ChatMapping, guess_consumer_values, guess_mapping, parse_time, preview,
                                           read_chat_table)
from desktop_app.core.inbox import Inbox
from desktop_app.core.io_formats import FileFormatError
from desktop_app.core.matcher import Matcher
from desktop_app.core.querylog import QueryLog
from desktop_app.core.reporter import Reporter

HEADER = ["会话ID", "发送时间", "发送方", "消息内容"]
CHAT = [
    ["s1", "2026-03-01 10:00:01", "买家", "在吗"],
    ["s1", "2026-03-01 10:00:05", "客服", "亲，在的，请问有什么可以帮您"],
    ["s1", "2026-03-01 10:00:09", "买家", "我的手机号13812345678，优惠券怎么用不了"],
    ["s1", "2026-03-01 10:00:20", "买家", "在吗"],                    # a repeat in the same session
    ["s2", "2026/3/1 11:02", "顾客", "发票怎么开"],
    ["s2", "2026/3/1 11:03", "客服机器人", "您好，发票在订单详情页申请"],
    ["s2", "yesterday", "顾客", "订单123456789012没收到货"],          # a time nobody can read
    ["s3", "1772334000", "买家", "在吗"],                             # another session: kept
    ["s3", "1772334060", "买家", ""],
]
CONSUMER_ROWS = 5  # 7 consumer rows, less one repeat and one empty


def write_csv(path, rows, encoding="utf-8-sig"):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


@pytest.fixture
def matcher(store, tiny_shop):
    from desktop_app.core.pipeline import ensure_model

    ensure_model(store, tiny_shop.id)
    return Matcher.open(store, tiny_shop.id)


@pytest.fixture
def log(tmp_path):
    log = QueryLog(tmp_path / "querylog.sqlite")
    yield log
    log.close()


def run_import(store, log, matcher, path, **kw):
    table = read_chat_table(path)
    p = preview(table)
    return import_chat_log(store, log, matcher, table, p.mapping, p.consumer_values, **kw)


def test_guesses_chinese_and_english_headers():
    assert guess_mapping(HEADER) == ChatMapping(text=3, time=1, sender=2, session=0)
    assert guess_mapping(["Conversation ID", "Role", "Message", "Timestamp"]) == ChatMapping(2, 3, 1, 0)
    assert guess_mapping(["买家昵称", "内容"]) == ChatMapping(text=1, session=0)  # the consumer stands for a session
    assert guess_consumer_values(["买家", "客服", "客服机器人", "顾客", "系统消息", "Customer"]) == ["买家", "顾客", "Customer"]


@pytest.mark.parametrize("when, expected", [
    ("2026-03-01 10:00:01", (2026, 3, 1, 10, 0, 1)),
    ("2026/3/1 11:02", (2026, 3, 1, 11, 2, 0)),
    ("2026年3月1日 11时02分", (2026, 3, 1, 11, 2, 0)),
    ("2026-03-01T10:00:01", (2026, 3, 1, 10, 0, 1)),
])
def test_parse_time(when, expected):
    assert time.localtime(parse_time(when))[:6] == expected


def test_parse_time_numbers_and_nonsense():
    assert parse_time("1772334000") == 1772334000.0 and parse_time("1772334000123") == 1772334000.123
    assert time.localtime(parse_time("46082.5"))[:5] == (2026, 3, 1, 12, 0)  # an Excel day number
    assert parse_time("yesterday") is None and parse_time("") is None and parse_time("2026-02-30") is None


def test_csv_import_filters_masks_dedups_and_resumes(store, matcher, log, tmp_path):
    path = write_csv(tmp_path / "chat.csv", [HEADER, *CHAT])
    summary = run_import(store, log, matcher, path)
    assert summary.imported == CONSUMER_ROWS and not summary.cancelled
    assert (summary.other_senders, summary.repeats, summary.empty, summary.bad_times) == (2, 1, 1, 1)
    assert sum(summary.decisions.values()) == CONSUMER_ROWS and summary.masked == 2
    rows = log.rows(matcher.shop_id)
    texts = sorted(r.text for r in rows)
    assert "我的手机号[手机号]，优惠券怎么用不了" in texts and "订单[订单号]没收到货" in texts
    assert not any("客服" in t or "亲" in t or "13812345678" in t for t in texts)
    assert texts.count("在吗") == 2  # once per session
    assert {r.source for r in rows} == {"imported"} and {r.channel for r in rows} == {"import:chat.csv"}
    assert {r.decision for r in rows} <= {"answer", "suggest", "no_match"}
    (first,) = [r for r in rows if r.session == "s1" and r.text == "在吗"]
    assert time.localtime(first.ts)[:6] == (2026, 3, 1, 10, 0, 1)
    # The same file again logs nothing twice.
    again = run_import(store, log, matcher, path)
    assert (again.imported, again.already) == (0, CONSUMER_ROWS) and log.count() == CONSUMER_ROWS


def test_gbk_csv_and_xlsx(store, matcher, log, tmp_path):
    gbk = run_import(store, log, matcher, write_csv(tmp_path / "gbk.csv", [HEADER, *CHAT], encoding="gbk"))
    assert gbk.imported == CONSUMER_ROWS
    assert any(r.text == "发票怎么开" for r in log.rows(matcher.shop_id))
    xlsx_path = write_xlsx(tmp_path / "chat.xlsx", [HEADER, *CHAT])
    # The same messages in another export (an overlapping period, another format) are not logged twice.
    assert run_import(store, log, matcher, xlsx_path).already == CONSUMER_ROWS and log.count() == CONSUMER_ROWS
    other = QueryLog(tmp_path / "other.sqlite")
    xlsx = run_import(store, other, matcher, xlsx_path)
    assert xlsx.imported == CONSUMER_ROWS and xlsx.bad_times == 1
    assert sorted(r.text for r in other.rows()) == sorted(r.text for r in log.rows())
    other.close()


def test_explicit_mapping_and_no_sender_column(store, matcher, log, tmp_path):
    table = read_chat_table(write_csv(tmp_path / "odd.csv", [["a", "b"], ["x", "怎么退货"], ["y", "运费多少"]]))
    assert preview(table).mapping.text is None and preview(table).warnings
    with pytest.raises(ValueError, match="message text"):
        import_chat_log(store, log, matcher, table, ChatMapping(), None)
    summary = import_chat_log(store, log, matcher, table, ChatMapping(text=table.column("b")), None)
    assert summary.imported == 2
    table = read_chat_table(write_csv(tmp_path / "chat.csv", [HEADER, *CHAT]))
    with pytest.raises(ValueError, match="consumer"):
        import_chat_log(store, log, matcher, table, guess_mapping(table.headers), [])
    with pytest.raises(FileFormatError, match="no column 'nope'"):
        table.column("nope")


class CancelAfterFirstBatch(Reporter):
    def progress(self, done, total=None):
        self.cancel()


def test_cancel_keeps_what_was_written_and_the_next_import_goes_on(store, matcher, log, tmp_path):
    rows = [HEADER] + [[f"s{i}", "", "买家", f"第{i}个问题怎么办"] for i in range(30)]
    path = write_csv(tmp_path / "big.csv", rows)
    table = read_chat_table(path)
    p = preview(table)
    first = import_chat_log(store, log, matcher, table, p.mapping, p.consumer_values, CancelAfterFirstBatch(), batch=8)
    assert first.cancelled and first.imported == 8 and log.count() == 8
    rest = import_chat_log(store, log, matcher, table, p.mapping, p.consumer_values, batch=8)
    assert not rest.cancelled and (rest.already, rest.imported) == (8, 22) and log.count() == 30


def test_bad_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(FileFormatError, match="no header"):
        read_chat_table(tmp_path / "empty.csv")
    (tmp_path / "bin.csv").write_bytes("会话,内容\n".encode() + b"\xff\xfe\x00\x81\x00garbage\n")
    with pytest.raises(FileFormatError):
        read_chat_table(tmp_path / "bin.csv")
    (tmp_path / "chat.txt").write_text("hi")
    with pytest.raises(FileFormatError, match="unsupported"):
        read_chat_table(tmp_path / "chat.txt")
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really")
    with pytest.raises(FileFormatError, match="xlsx"):
        read_chat_table(tmp_path / "broken.xlsx")


def test_imported_unanswered_texts_group_without_encoding(store, matcher, log, tmp_path):
    path = write_csv(tmp_path / "chat.csv", [HEADER, *CHAT])
    summary = run_import(store, log, matcher, path)
    inbox = Inbox(store, log, matcher.shop_id)
    result = inbox.update(matcher)
    unanswered = summary.decisions["suggest"] + summary.decisions["no_match"]
    assert unanswered > 0 and result.encoded == 0  # the import stored the vectors it computed
    assert inbox.counts().messages == unanswered
