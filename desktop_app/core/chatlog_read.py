"""Chat-log exports of shop platforms (CSV or XLSX): the table, a guessed column mapping, and which
senders are the consumer, for the import preview (chatlog_import.py imports them).

Exports differ per platform (Qianniu, JD Dongdong, Pinduoduo, Doudian, Weidian...) and per
version, so nothing is assumed about their layout: the headers are matched against the names
below (case, width, spaces and BOM do not matter, as in io_formats), and the operator corrects
the guess in the preview. Reading reuses io_formats.read_table: UTF-8 with or without BOM, or
GB18030 (which covers GBK), strict, with a message naming the line where decoding failed.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .io_formats import FileFormatError, _header_key, read_table

CHAT_FORMATS = (".csv", ".xlsx")
ROLES = ("text", "time", "sender", "session")
HEADERS = {
    "text": ("消息内容", "消息", "内容", "聊天内容", "消息文本", "文本", "对话内容", "咨询内容", "聊天记录",
             "问题", "买家问题", "用户问题", "顾客问题", "message", "content", "text", "msg", "message_content",
             "message_text", "body", "utterance", "question"),
    "time": ("时间", "发送时间", "消息时间", "日期", "时间戳", "聊天时间", "创建时间", "日期时间", "time", "timestamp",
             "date", "datetime", "send_time", "sent_at", "created_at", "created"),
    "sender": ("发送者", "发送方", "发送人", "发言人", "发言者", "说话人", "角色", "身份", "发送者角色", "发送者类型",
               "消息来源", "sender", "from", "role", "speaker", "author", "sender_type", "sender_role", "direction"),
    "session": ("会话id", "会话", "会话编号", "会话标识", "对话id", "聊天id", "session", "session_id",
                "conversation", "conversation_id", "chat_id", "dialog_id", "thread_id"),
}
# Columns naming the consumer (one conversation per consumer) stand in for a missing session column.
CONSUMER_ID_HEADERS = ("买家昵称", "买家", "买家id", "买家账号", "客户id", "客户昵称", "顾客", "顾客id", "用户id",
                       "用户昵称", "用户名", "会员名", "buyer", "buyer_id", "buyer_nick", "customer", "customer_id",
                       "user_id", "user", "nick")
CONSUMER_WORDS = ("买家", "顾客", "客户", "用户", "消费者", "访客", "游客", "会员", "customer", "buyer", "user",
                  "visitor", "consumer", "client", "guest")
STAFF_WORDS = ("客服", "卖家", "商家", "店铺", "店家", "掌柜", "机器人", "系统", "智能", "助手", "agent", "seller",
               "staff", "service", "bot", "system", "shop", "merchant", "support")
_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]*(\d{1,2})[:时点](\d{1,2})分?"
                   r"(?::?(\d{1,2})(?:\.\d+)?秒?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")


@dataclass
class ChatMapping:
    """Column index per role; `text` is required, the others optional (None: not in the file)."""

    text: int | None = None
    time: int | None = None
    sender: int | None = None
    session: int | None = None


@dataclass
class ChatTable:
    name: str
    headers: list[str]
    rows: list[list[str]]  # data rows, padded to the header's width; row i is the file's row i + 2

    def column(self, ref: str | int | None) -> int | None:
        """A column by header name (as written, or as the alias rules compare), or by 1-based number."""
        if ref is None or ref == "":
            return None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()
                                    and _header_key(ref) not in map(_header_key, self.headers)):
            index = int(ref) - 1
            if not 0 <= index < len(self.headers):
                raise FileFormatError(self.name, 1, None, f"has no column {ref} (it has {len(self.headers)})")
            return index
        keys = [_header_key(h) for h in self.headers]
        if _header_key(ref) not in keys:
            raise FileFormatError(self.name, 1, None, f"has no column '{ref}' (columns: {', '.join(self.headers)})")
        return keys.index(_header_key(ref))

    def values(self, column: int | None, limit: int = 50) -> list[tuple[str, int]]:
        """The distinct values of a column with their counts, most frequent first (for the sender filter)."""
        if column is None:
            return []
        return Counter(r[column].strip() for r in self.rows if r[column].strip()).most_common(limit)


@dataclass
class ChatPreview:
    table: ChatTable
    mapping: ChatMapping                       # guessed; the operator may change it
    sender_values: list[tuple[str, int]]       # of the guessed sender column
    consumer_values: list[str]                 # guessed among them
    sample: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_chat_table(path: Path) -> ChatTable:
    """The export's header and rows; FileFormatError with the file (and line) for a bad file."""
    path = Path(path)
    if path.suffix.lower() not in CHAT_FORMATS:
        raise FileFormatError(path.name, None, None, f"unsupported file type '{path.suffix}' (use .csv or .xlsx)")
    headers, rows = read_table(path)
    return ChatTable(path.name, [h.strip() for h in headers], rows)


def guess_mapping(headers: list[str]) -> ChatMapping:
    keys = [_header_key(h) for h in headers]
    found: dict[str, int] = {}
    for role in ROLES:  # a header's first role wins; the earliest alias in each list is preferred
        for alias in HEADERS[role]:
            key = _header_key(alias)
            if key in keys and keys.index(key) not in found.values():
                found[role] = keys.index(key)
                break
    if "session" not in found:
        for alias in CONSUMER_ID_HEADERS:
            key = _header_key(alias)
            if key in keys and keys.index(key) not in found.values():
                found["session"] = keys.index(key)
                break
    return ChatMapping(**found)


def guess_consumer_values(values: list[str]) -> list[str]:
    """The sender values that name the consumer (买家, 顾客, customer...) and no one on the shop's side."""
    out = []
    for value in values:
        key = _header_key(value)
        if any(w in key for w in CONSUMER_WORDS) and not any(w in key for w in STAFF_WORDS):
            out.append(value)
    return out


def preview(table: ChatTable, sample_rows: int = 20) -> ChatPreview:
    mapping = guess_mapping(table.headers)
    values = table.values(mapping.sender)
    consumer = guess_consumer_values([v for v, _ in values])
    warnings = []
    if mapping.text is None:
        warnings.append("no column looks like the message text: choose it")
    if mapping.sender is None:
        warnings.append("no sender column found: every message is imported, the shop's replies too, "
                        "unless a sender column is chosen")
    elif not consumer:
        warnings.append("none of the sender values looks like the consumer: choose which ones are")
    return ChatPreview(table, mapping, values, consumer, table.rows[:sample_rows], warnings)


def parse_time(cell: str) -> float | None:
    """A Unix time from the ways exports write times: '2024-05-01 12:00:00', '2024/5/1 12:00',
    '2024年5月1日 12时00分', ISO 8601, Unix seconds or milliseconds, an Excel day number; local
    time unless the text says otherwise; None when it is none of these."""
    cell = (cell or "").strip()
    if not cell:
        return None
    try:
        number = float(cell)
    except ValueError:
        number = None
    if number is not None:
        if 1e12 <= number < 1e14:
            return number / 1000.0
        if 1e9 <= number < 1e11:
            return number
        if 20000 <= number < 80000:  # Excel's day count from 1899-12-30, local time
            return time.mktime(datetime(1899, 12, 30).timetuple()) + number * 86400.0
        return None
    try:
        parsed = datetime.fromisoformat(cell.replace("Z", "+00:00"))
        return parsed.timestamp()  # naive: local time, as the export shows it
    except ValueError:
        pass
    m = _DATE.match(cell)
    if not m:
        return None
    try:
        parts = [int(p) if p else 0 for p in m.groups()]
        return datetime(*parts).timestamp()
    except ValueError:  # 2024-02-30
        return None
