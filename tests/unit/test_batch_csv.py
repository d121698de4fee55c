"""The batch test's CSV export, without Qt."""

from __future__ import annotations

import csv

from desktop_app.core.batch_csv import batch_rows, write_batch_csv
from desktop_app.core.matcher import Match, QueryResult


def _results():
    return [
        QueryResult("发票怎么开", "answer", [Match(1, "怎么开发票", "售后", "", 0.98765),
                                         Match(2, "退货运费谁出", "售后", "", 0.5)]),
        QueryResult("你们几点下班", "no_match", [Match(3, "充电座找不到怎么办", "清洁", "", 0.31)]),
        QueryResult("空店铺", "no_match", []),
    ]


def test_rows_without_expected_answers():
    rows = batch_rows(_results())
    assert rows[0] == ["query", "top_match", "score", "decision", "second_match", "second_score"]
    assert rows[1] == ["发票怎么开", "怎么开发票", "0.9877", "answer", "退货运费谁出", "0.5000"]
    assert rows[2] == ["你们几点下班", "充电座找不到怎么办", "0.3100", "no_match", "", ""]
    assert rows[3] == ["空店铺", "", "", "no_match", "", ""]


def test_rows_with_expected_answers_and_correctness():
    rows = batch_rows(_results(), ["怎么开发票", "", ""], [True, True, False])
    assert rows[0] == ["query", "expected", "top_match", "score", "decision", "second_match", "second_score",
                       "correct"]
    assert rows[1][:3] == ["发票怎么开", "怎么开发票", "怎么开发票"] and rows[1][-1] == "1"
    assert rows[2][1] == "" and rows[3][-1] == "0"


def test_file_is_utf8_with_bom_for_excel(tmp_path):
    path = tmp_path / "out.csv"
    write_batch_csv(path, _results(), ["怎么开发票", "", ""], [True, True, False])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == batch_rows(_results(), ["怎么开发票", "", ""], [True, True, False])
