"""Mask personal data in consumer messages before they are logged.

Consumers paste phone numbers, order and parcel numbers, ID cards, e-mail addresses and street
addresses into chat. The query log keeps what was asked, not who asked it: each match below is
replaced by a tag, in this order (a longer pattern first, so an ID card is not read as a phone):

| tag | what |
|---|---|
| `[邮箱]` | e-mail addresses |
| `[身份证]` | 18-character resident ID numbers (region, a birth date 19xx / 20xx, 3 digits, a digit or X) |
| `[手机号]` | mainland mobile numbers, 11 digits from 13-19, optionally +86 / 86 and spaces or dashes |
| `[电话]` | landlines: an area code 0xx / 0xxx, a dash or space, 7-8 digits |
| `[单号]` | parcel numbers: 1-4 Latin letters then 8 or more digits (SF1234567890) |
| `[订单号]` | any other run of 10 or more digits (Taobao, JD and Pinduoduo order numbers) |
| `[地址]` | a road, street or lane name with a house number and what follows it (楼 / 栋 / 单元 / 室);
|  | the words before the road name go with it (up to 12 characters): more is masked, never less |

Shorter numbers (a model number, "2 个", a price) are kept: they carry the question's meaning.
"""

from __future__ import annotations

import re

_CJK = "\u4e00-\u9fff"
RULES: list[tuple[str, re.Pattern]] = [
    ("[邮箱]", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("[身份证]", re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                           r"(?![0-9A-Za-z])")),
    ("[手机号]", re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])")),
    ("[电话]", re.compile(r"(?<![0-9])0\d{2,3}[ -]\d{7,8}(?![0-9])")),
    ("[单号]", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,4}\d{8,}(?![0-9])")),
    ("[订单号]", re.compile(r"(?<![0-9])\d{10,}(?![0-9])")),
    ("[地址]", re.compile(rf"[{_CJK}]{{1,12}}(?:路|街|大道|道|巷|弄|胡同)\s*\d+\s*号"
                         rf"(?:\s*[\d一二三四五六七八九十]+\s*(?:号楼|楼|栋|幢|座|单元|层|室|号))*")),
]


def mask(text: str) -> str:
    """`text` with personal data replaced by tags (see the module docstring)."""
    for tag, pattern in RULES:
        text = pattern.sub(tag, text)
    return text
