"""File formats: encodings, headers, multi-line cells, error messages and lossless round trips."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app.core import io_formats
from desktop_app.core.io_formats import (
    EXPORT_COLUMNS, FileFormatError, ImportRow, guess_columns, read_rows, read_table, rows_from_table, write_rows,
)

CN_CSV = ("标准问,相似问,类目,答案,启用,来源,状态\n"
          "发什么快递,用什么快递,物流,默认中通,是,人工,已接受\n"
          "发什么快递,,物流,默认中通,,,\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_csv_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "data.csv"
    path.write_bytes(CN_CSV.encode(encoding))
    rows, warnings = read_rows(path)
    assert warnings == []
    assert rows == [
        ImportRow(2, "发什么快递", "用什么快递", "物流", "默认中通", True, "manual", "accepted"),
        ImportRow(3, "发什么快递", None, "物流", "默认中通", None, None, None),
    ]


@pytest.mark.parametrize("data", [
    bytes([0x81, 0xFF, 0x00, 0xFE]) * 40,                 # random-ish binary
    "标准问,相似问\n".encode("utf-16-le"),                   # UTF-16 without BOM decodes as GB18030
    "标准问,相似问\n".encode("utf-16"),                      # UTF-16 with BOM
])
def test_undecodable_csv_is_a_clear_error(tmp_path, data):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    assert str(exc.value).startswith("bad.csv, row 1: ")
    assert "UTF-8" in str(exc.value)


def test_undecodable_byte_offset_and_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("标准问,相似问\n在吗,在不在\n".encode("utf-8") + b"\xff\xfe\n")
    with pytest.raises(FileFormatError) as exc:
        read_table(path)
    assert exc.value.row == 3 and "0xff" in exc.value.message and "offset" in exc.value.message


def test_broken_csv_quotes_and_broken_xlsx(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('标准问,相似问\na,b\n"c,d\ne,f\n', encoding="utf-8")
    with pytest.raises(FileFormatError, match="data.csv, row 3: is not valid CSV"):
        read_rows(path)
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(FileFormatError, match="data.xlsx: is not a readable .xlsx"):
        read_rows(path)


def test_headers_tolerate_case_spaces_and_bom(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("\ufeff Standard_Question ,SIMILAR QUESTION, 备注 ,\n包邮吗,免运费吗,x,\n", encoding="utf-8")
    rows, warnings = read_rows(path)
    assert rows == [ImportRow(2, "包邮吗", "免运费吗")]
    assert len(warnings) == 1 and "'备注'" in warnings[0]  # the unnamed last column is silent


def test_multiline_similar_cells_expand_with_their_row_numbers(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('standard_question,similar_question,answer\n'
                    '包邮吗,"免运费吗\r\n包不包邮\n\n 邮费谁出 ","第一行\n第二行"\n'
                    '\n'
                    '退货,退货怎么弄,\n', encoding="utf-8")
    rows, _ = read_rows(path)
    assert [(r.row, r.similar_question) for r in rows] == [
        (2, "免运费吗"), (2, "包不包邮"), (2, "邮费谁出"), (4, "退货怎么弄")]
    assert rows[0].answer == "第一行\n第二行"  # answers are never split


def test_bad_values_are_all_reported_with_file_row_and_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("标准问,相似问,启用,状态,来源\n"
                    "a,b,是,待审核,规则\n"
                    "c,d,maybe,已接受,llm\n"
                    "e,f,y,later,LOG\n"
                    ",g,,,\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    err = exc.value
    assert (err.file, err.row, err.column) == ("data.csv", 3, "启用")
    assert str(err) == "data.csv, row 3, column '启用': 'maybe' is not a yes/no value (and 2 more errors)"
    assert [(e.row, e.column) for e in err.errors] == [(3, "启用"), (4, "状态"), (5, "标准问")]
    assert "'later' is not a status" in err.errors[1].message


def test_valid_synonyms(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("standard_question,similar_question,enabled,source,status\n"
                    "a,b,否,大模型,已拒绝\nc,d,N,Imported,PENDING\ne,f,0,日志,\n", encoding="utf-8")
    rows, _ = read_rows(path)
    assert [(r.enabled, r.source, r.status) for r in rows] == [
        (False, "llm", "rejected"), (False, "imported", "pending"), (False, "log", None)]


def test_missing_standard_question_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("编号,相似问\na,b\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    assert exc.value.row == 1 and "standard question column" in str(exc.value)


def test_read_rows_understands_other_platforms_headers(tmp_path):
    """What the application's import dialog maps, the command-line import reads too."""
    path = tmp_path / "other.csv"
    path.write_text("问题,相似问法,回复内容,备注\n怎么退货,如何退货,寄回即可,x\n", encoding="utf-8")
    assert guess_columns(["问题", "相似问法", "回复内容", "备注"]) == {
        0: "standard_question", 1: "similar_question", 2: "answer"}
    rows, warnings = read_rows(path)
    assert rows == [ImportRow(2, "怎么退货", "如何退货", answer="寄回即可")]
    assert warnings == ["other.csv: column '备注' is not recognised and was ignored"]
    # our own names win over a foreign one meaning the same column
    assert guess_columns(["标准问", "问题"]) == {0: "standard_question"}


def test_oversized_cell(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(f"标准问,相似问\na,{'长' * 501}\n{'长' * 500},ok\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    assert (exc.value.row, exc.value.column) == (2, "相似问") and len(exc.value.errors) == 1
    assert "501 characters" in str(exc.value)


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(io_formats, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.csv"
    path.write_text("standard_question\nabcdefghijk\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="big.csv: .*limit"):
        read_rows(path)


def test_xlsx_read_first_sheet_with_gaps_and_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["标准问", "相似问", "启用", "类目"])
    ws.append(["几天到", "多久能到\n几天能到", 1, 2024])
    ws.append([])
    ws.append(["在吗", None, True, None])
    wb.create_sheet("other").append(["ignored"])
    path = tmp_path / "data.xlsx"
    wb.save(path)
    rows, _ = read_rows(path)
    assert rows == [ImportRow(2, "几天到", "多久能到", "2024", None, True),
                    ImportRow(2, "几天到", "几天能到", "2024", None, True),
                    ImportRow(4, "在吗", None, None, None, True)]


def test_xlsx_write_is_a_plain_sheet_with_text_kept_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_rows(path, [{"standard_question": "=1+1", "similar_question": "a", "enabled": 1}])
    ws = load_workbook(path).worksheets[0]
    assert [c.value for c in ws[1]] == EXPORT_COLUMNS
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"  # not a formula
    assert ws["E2"].value is True


def test_json_read_list_and_rows_object(tmp_path):
    data = [{"标准问": "a", "相似问": ["b", "c"], "启用": False}, {"标准问": "d", "答案": None}]
    for i, payload in enumerate([data, {"rows": data}]):
        path = tmp_path / f"d{i}.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        rows, _ = read_rows(path)
        assert rows == [ImportRow(1, "a", "b", enabled=False), ImportRow(1, "a", "c", enabled=False),
                        ImportRow(2, "d", None)]


def test_json_errors_use_list_index(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"standard_question": "a"}, 3, {"standard_question": "b", "status": "x"}]))
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    assert exc.value.row == 2 and len(exc.value.errors) == 1
    path.write_text(json.dumps([{"standard_question": "a"}, {"standard_question": "b", "status": "x"}]))
    with pytest.raises(FileFormatError) as exc:
        read_rows(path)
    assert (exc.value.row, exc.value.column) == (2, "status")
    path.write_text("[{")
    with pytest.raises(FileFormatError, match="not valid JSON"):
        read_rows(path)


def test_json_write_format(tmp_path):
    path = tmp_path / "out.json"
    write_rows(path, [{"standard_question": "发货", "enabled": 0, "category": ""}])
    text = path.read_text(encoding="utf-8")
    assert "发货" in text and "\n  " in text  # ensure_ascii=False, indent 2
    assert json.loads(text) == [dict.fromkeys(EXPORT_COLUMNS) | {"standard_question": "发货", "enabled": False}]


EXPORTED = [
    {"standard_question": "发什么快递", "similar_question": "用什么快递", "category": "物流",
     "answer": '默认中通,偏远地区"顺丰"\n第二行', "enabled": True, "source": "manual", "status": "accepted"},
    {"standard_question": "发什么快递", "similar_question": "=寄什么快递", "category": "物流",
     "answer": '默认中通,偏远地区"顺丰"\n第二行', "enabled": True, "source": "llm", "status": "pending"},
    {"standard_question": "在吗", "similar_question": None, "category": None, "answer": None,
     "enabled": False, "source": None, "status": None},
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_round_trip_is_lossless(tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    write_rows(path, EXPORTED)
    rows, warnings = read_rows(path)
    assert warnings == []
    assert [{c: getattr(r, c) for c in EXPORT_COLUMNS} for r in rows] == EXPORTED
    assert [r.row for r in rows] == ([1, 2, 3] if suffix == ".json" else [2, 3, 4])
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_csv_export_has_bom_and_keeps_crlf_in_answers(tmp_path):
    path = tmp_path / "export.csv"
    write_rows(path, [{"standard_question": "a", "answer": "x\r\ny, z"}])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfstandard_question,")
    assert read_rows(path)[0][0].answer == "x\r\ny, z"


def test_write_unknown_extension_and_atomicity(tmp_path):
    with pytest.raises(FileFormatError, match="out.txt: .*'.txt'"):
        write_rows(tmp_path / "out.txt", [])
    path = tmp_path / "out.json"
    path.write_text("old", encoding="utf-8")

    def broken():
        yield {"standard_question": "a"}
        raise RuntimeError("crash while exporting")

    with pytest.raises(RuntimeError):
        write_rows(path, broken())
    assert path.read_text(encoding="utf-8") == "old" and list(tmp_path.iterdir()) == [path]


def test_mapping_for_foreign_headers(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text('问题,相似说法,备注\n怎么退货,"退货流程\n如何退货",x\n', encoding="gb18030")
    headers, cells = read_table(path)
    assert headers == ["问题", "相似说法", "备注"] and cells[0] == ["怎么退货", "退货流程\n如何退货", "x"]
    rows = rows_from_table(headers, cells, {"问题": "standard_question", "相似说法": "相似问", "备注": ""},
                           "other.csv")
    assert rows == [ImportRow(2, "怎么退货", "退货流程"), ImportRow(2, "怎么退货", "如何退货")]
    with pytest.raises(FileFormatError, match="not one of"):
        rows_from_table(headers, cells, {"问题": "question"}, "other.csv")
    with pytest.raises(FileFormatError, match="not in the file"):
        rows_from_table(headers, cells, {"标准": "standard_question"}, "other.csv")


def test_duplicate_meaning_columns_are_an_error(tmp_path):
    with pytest.raises(FileFormatError, match="keep only one"):
        rows_from_table(["standard_question", "标准问"], [["a", "b"]], None, "x.csv")


def test_limits_match_the_store():
    store = pytest.importorskip("desktop_app.core.store")
    assert io_formats.MAX_TEXT_LENGTH == store.MAX_TEXT_LENGTH
    assert set(io_formats._SOURCES.values()) == set(store.SOURCES)
    assert set(io_formats._STATUSES.values()) == set(store.STATUSES)
