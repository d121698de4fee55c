"""Question files (.csv, .xlsx, .json): parsing, checking and writing; the store does the merging.

Every problem in a file is reported with file, row and column, all at once, so an operator
fixes the file in one pass instead of re-importing after every single mistake.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterable

EXPORT_COLUMNS = ["standard_question", "similar_question", "category", "answer",
                  "enabled", "source", "status"]
MAX_TEXT_LENGTH = 500  # same limit as the store's, checked here so the message can name the row
MAX_FILE_BYTES = 50 * 1024 * 1024
FORMATS = (".csv", ".xlsx", ".json")

# Recognised headers, compared after _header_key (case, width, spaces and BOM do not matter).
_ALIASES = {"standard_question": ("标准问", "标准问题"), "similar_question": ("相似问", "相似问题"),
            "category": ("类目", "分类"), "answer": ("答案", "回复"), "enabled": ("启用", "是否启用"),
            "source": ("来源",), "status": ("状态",)}
_HEADER_NAMES = {alias: col for col, aliases in _ALIASES.items() for alias in (col, *aliases)}
# Headers seen in the FAQ exports of other platforms (Alibaba 智能对话机器人 / 小蜜, Tencent, Dialogflow
# sheets...), used only for a column that the names above do not already give.
FOREIGN_HEADERS = {
    "standard_question": ("问题", "标准问法", "知识标题", "知识点", "问题标题", "主问题", "faq问题",
                          "question", "title", "intent", "faq"),
    "similar_question": ("相似问法", "相似问题列表", "扩展问", "扩展问题", "相似说法", "相似问句", "同义问",
                         "similar", "similar questions", "training phrase", "training phrases", "utterance",
                         "utterances", "examples"),
    "answer": ("回答", "答案内容", "回复内容", "答复", "response", "reply", "responses"),
    "category": ("类别", "分类名称", "类目名称", "目录", "知识分类", "分组", "知识分组", "group", "topic"),
}
_BOOLS = {**dict.fromkeys(("true", "1", "yes", "y", "是"), True),
          **dict.fromkeys(("false", "0", "no", "n", "否"), False)}
_SOURCES = {**{s: s for s in ("manual", "imported", "rules", "llm", "log")},
            "人工": "manual", "导入": "imported", "规则": "rules", "大模型": "llm", "日志": "log"}
_STATUSES = {**{s: s for s in ("accepted", "pending", "rejected")},
             "已接受": "accepted", "待审核": "pending", "已拒绝": "rejected"}
_LINES = re.compile(r"\r\n|\r|\n")


class FileFormatError(Exception):
    """A problem in a file; `errors` holds every problem found (this one first)."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str,
                 errors: list[FileFormatError] | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message
        self.errors = errors or [self]
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", column '{self.column}'" if self.column else ""
        more = len(self.errors) - 1
        return f"{where}: {self.message}" + (f" (and {more} more error{'s' * (more > 1)})" if more else "")

    @classmethod
    def of(cls, errors: list[FileFormatError]) -> FileFormatError:
        first = errors[0]
        return cls(first.file, first.row, first.column, first.message, errors)


@dataclass
class ImportRow:
    row: int                  # source row number for messages
    standard_question: str    # stripped, otherwise as written (the store normalises for comparison)
    similar_question: str | None
    category: str | None = None
    answer: str | None = None
    enabled: bool | None = None
    source: str | None = None
    status: str | None = None


# ----------------------------------------------------------------------------- reading
def read_rows(path: Path) -> tuple[list[ImportRow], list[str]]:
    """Rows of a file (multi-line similar cells expanded) and warnings about ignored columns.
    Other platforms' headers are understood as the application's import dialog guesses them."""
    path = Path(path)
    headers, cells = read_table(path)
    return _convert(headers, cells, guessed_mapping(headers), path.name, first_data_row(path))


def _recognised(headers: list[str]) -> dict[int, str]:
    """Our own header names. map_columns insists on a standard-question column, so when the file
    has none, a placeholder one is appended to let it name the other columns."""
    for candidate in (headers, [*headers, "standard_question"]):
        try:
            columns, _ = map_columns(candidate, None, "")
        except FileFormatError:  # no standard question column, or two columns meaning the same
            continue
        return {i: col for col, i in columns.items() if i < len(headers)}
    return {}


def guess_columns(headers: list[str]) -> dict[int, str]:
    """Column index -> our column: our own names first, then other platforms' (FOREIGN_HEADERS)."""
    foreign = {_header_key(n): col for col, names in FOREIGN_HEADERS.items() for n in names}
    guessed = _recognised(headers)
    for i, header in enumerate(headers):
        col = foreign.get(_header_key(header))
        if i not in guessed and col and col not in guessed.values():
            guessed[i] = col
    return guessed


def guessed_mapping(headers: list[str]) -> dict[str, str] | None:
    """A mapping for `rows_from_table` when other platforms' headers name columns; None when our
    own names say it all (then unknown columns are warned about as usual)."""
    guessed = guess_columns(headers)
    if guessed == _recognised(headers):
        return None
    return {headers[i]: col for i, col in guessed.items()}


def first_data_row(path: Path) -> int:
    """Source row number of read_table's first data row: JSON counts list items, sheets count the header."""
    return 1 if Path(path).suffix.lower() == ".json" else 2


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Raw headers and data cells as strings, for any supported format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise FileFormatError(path.name, None, None,
                              f"unsupported file type '{suffix}' (use .csv, .xlsx or .json)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileFormatError(path.name, None, None, f"cannot be read: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise FileFormatError(path.name, None, None, f"is {size / 2**20:.0f} MB, over the "
                              f"{MAX_FILE_BYTES // 2**20} MB limit; split it into smaller files")
    table = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}[suffix](path)
    if not table or not any(h.strip() for h in table[0]):
        raise FileFormatError(path.name, 1, None, "has no header row (is the file empty?)")
    width = len(table[0])
    return table[0], [(r + [""] * width)[:width] for r in table[1:]]


def decode_text(data: bytes, file_label: str, hint: str = "save it as UTF-8") -> str:
    """A text file's bytes as UTF-8 (with or without BOM) or GB18030, the encodings Chinese
    spreadsheets and editors save; FileFormatError naming the line where decoding failed."""
    failures = []
    for encoding in ("utf-8-sig", "gb18030"):  # strict: a wrong guess must fail, not give mojibake
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(exc.start)
    pos = max(failures)  # report where the likelier encoding broke down: the one that got further
    raise FileFormatError(file_label, data.count(b"\n", 0, pos) + 1, None,
                          f"is neither UTF-8 nor GB18030 text (byte 0x{data[pos]:02x} at offset {pos} "
                          f"cannot be decoded); {hint}")


def read_text_lines(path: Path) -> list[str]:
    """The lines of a plain text file (UTF-8 or GB18030), as written."""
    path = Path(path)
    return decode_text(path.read_bytes(), path.name).splitlines()


def _read_csv(path: Path) -> list[list[str]]:
    text = decode_text(path.read_bytes(), path.name, "save it as 'CSV UTF-8'")
    if "\x00" in text:  # UTF-16 without BOM, or a binary file, decodes "fine" as GB18030
        raise FileFormatError(path.name, text.count("\n", 0, text.index("\x00")) + 1, None,
                              "contains NUL bytes (UTF-16 or not a text file?); save it as 'CSV UTF-8'")
    # strict: an unclosed quote would otherwise swallow the rest of the file into one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:  # the row being read is the one after the last complete row
        raise FileFormatError(path.name, len(rows) + 1, None, f"is not valid CSV ({exc}, "
                              f"at line {reader.line_num}); check its quotes") from exc
    return rows


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for broken files
        raise FileFormatError(path.name, None, None, f"is not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = wb.worksheets[0]
        sheet.reset_dimensions()  # other tools often write a wrong <dimension>; read-only mode trusts it
        rows: list[list[str]] = []
        for cells in sheet.iter_rows():
            # Place each row by the sheet's own row number so messages match what Excel shows.
            number = next((c.row for c in cells if getattr(c, "row", None)), len(rows) + 1)
            rows.extend([] for _ in range(number - 1 - len(rows)))
            rows.append([_cell_text(c.value) for c in cells])
        return rows
    finally:
        wb.close()


def _read_json(path: Path) -> list[list[str]]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileFormatError(path.name, None, None, f"is not UTF-8 (byte offset {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise FileFormatError(path.name, None, None, f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                              f"column {exc.colno}") from exc
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise FileFormatError(path.name, None, None, 'must hold a list of row objects (or {"rows": [...]})')
    # Columns: every key, in order of first appearance (objects may leave keys out).
    headers = list(dict.fromkeys(k for item in data if isinstance(item, dict) for k in item))
    table: list[list[str]] = [headers or list(EXPORT_COLUMNS)]  # [] is an empty import, not an error
    errors = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            errors.append(FileFormatError(path.name, i, None, f"is a {type(item).__name__}, not an object"))
            continue
        row = []
        for key in headers:
            value = item.get(key)
            if isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
                value = "\n".join(map(_cell_text, value))  # ["a", "b"]: two lines, i.e. two similars
            elif isinstance(value, (list, dict)):
                errors.append(FileFormatError(path.name, i, key, "holds a nested object; expected text"))
            row.append(_cell_text(value))
        table.append(row)
    if errors:
        raise FileFormatError.of(errors)
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 1.0 means 1
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _header_key(header: str) -> str:
    key = unicodedata.normalize("NFKC", header.replace("\ufeff", "")).strip().casefold()
    return re.sub(r"[\s\-]+", "_", key)


def map_columns(headers: list[str], mapping: dict[str, str] | None,
                file_label: str) -> tuple[dict[str, int], list[str]]:
    """Canonical column name -> index in headers, and warnings about the columns left out."""
    wanted: dict[str, str | None] = _HEADER_NAMES
    if mapping is not None:  # the user's choice; targets may be canonical or Chinese names
        present = {_header_key(h) for h in headers}
        wanted = {}
        for src, dst in mapping.items():
            target = _HEADER_NAMES.get(_header_key(dst)) if dst else None  # empty target: skip the column
            if dst and target is None:
                raise FileFormatError(file_label, 1, src, f"is mapped to '{dst}', which is not one of "
                                      f"{', '.join(EXPORT_COLUMNS)}")
            if _header_key(src) not in present:
                raise FileFormatError(file_label, 1, src, "is in the column mapping but not in the file")
            wanted[_header_key(src)] = target
    columns: dict[str, int] = {}
    warnings = []
    for i, header in enumerate(headers):
        key = _header_key(header)
        target = wanted.get(key)
        if target and target in columns:
            raise FileFormatError(file_label, 1, header.strip(), f"means {target}, like column "
                                  f"'{headers[columns[target]].strip()}'; keep only one of them")
        if target:
            columns[target] = i
        elif header.strip() and key not in wanted:  # unnamed columns: spreadsheet leftovers, no noise
            warnings.append(f"{file_label}: column '{header.strip()}' is not recognised and was ignored")
    if "standard_question" not in columns:
        raise FileFormatError(file_label, 1, None, "has no standard question column (expected "
                              f"'standard_question' or '标准问'; found {', '.join(map(repr, headers))})")
    return columns, warnings


def rows_from_table(headers: list[str], cells: list[list[str]], mapping: dict[str, str] | None,
                    file_label: str, *, first_row: int = 2) -> list[ImportRow]:
    """ImportRows from read_table's output; mapping maps a source header to a canonical column
    (None: recognise English/Chinese headers). first_row is the source number of cells[0]."""
    return _convert(headers, cells, mapping, file_label, first_row)[0]


def _convert(headers, cells, mapping, file_label, first_row) -> tuple[list[ImportRow], list[str]]:
    columns, warnings = map_columns(headers, mapping, file_label)
    rows: list[ImportRow] = []
    errors: list[FileFormatError] = []
    for number, raw in enumerate(cells, first_row):
        values = {col: raw[i] if i < len(raw) else "" for col, i in columns.items()}
        if not any(v.strip() for v in values.values()):
            continue  # blank separator rows are common in hand-edited sheets

        def fail(col: str, message: str) -> None:
            errors.append(FileFormatError(file_label, number, headers[columns[col]].strip(), message))

        def text(col: str, label: str) -> str:
            value = values.get(col, "").strip()
            if len(value) > MAX_TEXT_LENGTH:
                fail(col, f"{label} is {len(value)} characters long; the limit is {MAX_TEXT_LENGTH}")
            return value

        def choice(col: str, table: dict, what: str):
            value = values.get(col, "").strip()
            if value and value.casefold() not in table:
                fail(col, f"'{value}' is not {what}")
            return table.get(value.casefold()) if value else None

        standard = text("standard_question", "the standard question")
        # Only the similar column is split: other platforms export all similars of one
        # standard question in one cell, one per line. Answers keep their line breaks.
        similars = [s.strip() for s in _LINES.split(values.get("similar_question", "")) if s.strip()]
        for s in similars:
            if len(s) > MAX_TEXT_LENGTH:
                fail("similar_question", f"a similar question is {len(s)} characters long; "
                     f"the limit is {MAX_TEXT_LENGTH}")
        if not standard:
            fail("standard_question", "the standard question is empty but the row has other values")
        common = dict(
            category=text("category", "the category") or None,
            answer=values.get("answer") if values.get("answer", "").strip() else None,
            enabled=choice("enabled", _BOOLS, "a yes/no value"),
            source=choice("source", _SOURCES, f"a source ({', '.join(dict.fromkeys(_SOURCES.values()))})"),
            status=choice("status", _STATUSES, f"a status ({', '.join(dict.fromkeys(_STATUSES.values()))})"),
        )
        rows.extend(ImportRow(number, standard, s, **common) for s in similars or [None])
    if errors:
        raise FileFormatError.of(errors)
    return rows, warnings


# ----------------------------------------------------------------------------- writing
def write_rows(path: Path, rows: Iterable[dict]) -> None:
    """Write every EXPORT_COLUMNS column, format from the extension, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise FileFormatError(path.name, None, None,
                              f"cannot export to '{suffix}' files (use .csv, .xlsx or .json)")
    records = [{c: _out_value(c, r.get(c)) for c in EXPORT_COLUMNS} for r in rows]
    # Write next to the target and rename over it: a crash leaves the old file or none, never half.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if suffix == ".xlsx":
            os.close(fd)
            _write_xlsx(tmp, records, path.name)
        else:
            with os.fdopen(fd, "w", encoding="utf-8-sig" if suffix == ".csv" else "utf-8", newline="") as f:
                if suffix == ".csv":  # BOM: otherwise Excel reads UTF-8 as the local code page
                    writer = csv.writer(f)
                    writer.writerow(EXPORT_COLUMNS)
                    writer.writerows([_cell_text(r[c]) for c in EXPORT_COLUMNS] for r in records)
                else:
                    json.dump(records, f, ensure_ascii=False, indent=2)
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _out_value(column: str, value: object) -> object:
    if value is None or value == "":
        return None
    if column == "enabled":  # the store hands SQLite's 0/1
        return _BOOLS[value.strip().casefold()] if isinstance(value, str) else bool(value)
    return value if isinstance(value, str) else str(value)


def _write_xlsx(tmp: str, records: list[dict], name: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("questions")
    ws.append(EXPORT_COLUMNS)
    for number, record in enumerate(records, 2):
        row = []
        for column in EXPORT_COLUMNS:
            value = record[column]
            if isinstance(value, str):  # XML turns \r\n into \n anyway; say so up front
                value = _LINES.sub("\n", value)
            try:
                cell = WriteOnlyCell(ws, value=value)
            except IllegalCharacterError as exc:
                raise FileFormatError(name, number, column,
                                      "holds a control character Excel cannot store") from exc
            if isinstance(value, str):
                cell.data_type = "s"  # text starting with '=' stays text, never becomes a formula
            row.append(cell)
        ws.append(row)
    wb.save(tmp)


# ----------------------------------------------------------------------------- batch test files (query / expected)
QUERY_HEADERS = ("query", "question", "问题", "用户问题", "顾客问题", "咨询")
EXPECTED_HEADERS = ("expected", "standard_question", "标准问", "标准问题", "期望", "期望标准问")
BATCH_FORMATS = (".txt", ".csv", ".xlsx", ".json")
MAX_BATCH_QUESTIONS = 100_000


def read_batch_file(path) -> tuple[list[str], list[str] | None]:
    """Questions of a batch test file, and their expected standard questions when the file has them.

    `.txt`: one question per line (UTF-8 or GB18030). `.csv` / `.xlsx` / `.json`: a `query` / `问题`
    column and an optional `expected` / `标准问` column; an empty expected cell means the question
    should match nothing. Raises io_formats.FileFormatError with a message fit for the operator.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in BATCH_FORMATS:
        raise FileFormatError(path.name, None, None,
                              f"unsupported file type '{suffix}' (use .txt, .csv, .xlsx or .json)")
    if suffix == ".txt":
        queries = [line.strip() for line in read_text_lines(path) if line.strip()]
        expected = None
    else:
        headers, cells = read_table(path)
        keys = [_header_key(h) for h in headers]
        q_col = next((keys.index(h) for h in QUERY_HEADERS if h in keys), None)
        e_col = next((keys.index(h) for h in EXPECTED_HEADERS if h in keys), None)
        if q_col is None:
            if len(headers) == 1:  # a one-column sheet: its header is the first question
                q_col, cells = 0, [[headers[0]], *cells]
            else:
                raise FileFormatError(path.name, 1, None, "has no question column (name it 'query' or '问题'; "
                                      "an optional 'expected' or '标准问' column holds the right answers)")
        rows = [r for r in cells if r[q_col].strip()]
        queries = [r[q_col].strip() for r in rows]
        expected = [r[e_col].strip() for r in rows] if e_col is not None else None
    if not queries:
        raise FileFormatError(path.name, None, None, "holds no questions")
    if len(queries) > MAX_BATCH_QUESTIONS:
        raise FileFormatError(path.name, None, None, f"holds {len(queries)} questions; the limit is "
                              f"{MAX_BATCH_QUESTIONS}")
    return queries, expected
