"""The shared .xlsx helpers: safe opening within limits, date parsing, formula detection, text-only writing."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from hourbook.common.xlsx import (
    MAX_BLANK_ROWS,
    MAX_CELL_CHARS,
    MAX_CELL_ELEMENTS,
    MAX_ROW_ELEMENTS,
    MAX_SHEETS,
    OLE2_MAGIC,
    SheetReader,
    SpreadsheetRefused,
    cell_text,
    check_xlsx_bytes,
    is_formula,
    open_xlsx,
    parse_date,
    set_text,
    set_value,
)
from hourbook.testing.hostile_xlsx import (
    many_sheets,
    rewrite_parts,
    row_bomb,
    to_shared_strings,
    with_dimension,
    xml_work_meter,
)


def _xlsx(*rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025/3/1", dt.date(2025, 3, 1)),
        ("2025年3月1日", dt.date(2025, 3, 1)),
        ("2025 年 3 月 1 日", dt.date(2025, 3, 1)),
        (" 2025-3-1 ", dt.date(2025, 3, 1)),
        (dt.datetime(2025, 3, 1, 0, 0), dt.date(2025, 3, 1)),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
        (None, None),
        ("   ", None),
    ],
)
def test_parse_date_accepts(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025-02-30", "2025.3.1", "01/03/2025", "20250301", 45000, 3.5, True])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("text", ["=SUM(1,2)", "+1", "-1", "@cmd", '=HYPERLINK("http://x")'])
def test_set_text_never_writes_a_formula(text):
    wb = Workbook()
    set_text(wb.active["A1"], text)
    set_value(wb.active["A2"], text)
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    for cell in (ws["A1"], ws["A2"]):
        assert cell.data_type == "s" and cell.value == text
        assert cell.quotePrefix  # Excel shows it as text, even after the cell is edited
    assert (
        "<f>" not in zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    )


def test_set_value_formats_dates():
    wb = Workbook()
    set_value(wb.active["A1"], dt.date(2025, 3, 1))
    assert wb.active["A1"].number_format == "yyyy-mm-dd"


def test_open_xlsx_keeps_formulas_visible():
    wb = open_xlsx(_xlsx(["=SUM(1,2)", 3, "text"]))
    cells = next(wb.active.iter_rows())
    assert [is_formula(cell) for cell in cells] == [True, False, False]
    wb.close()


def test_limits_are_parameters():
    data = _xlsx(["x"])
    check_xlsx_bytes(data)
    with pytest.raises(SpreadsheetRefused, match="文件超过 0 MB"):
        check_xlsx_bytes(data, max_bytes=len(data) - 1)
    with pytest.raises(SpreadsheetRefused, match="解压后超过"):
        check_xlsx_bytes(data, max_uncompressed=1000)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"hello", "不是 Excel 工作簿"),
        (OLE2_MAGIC + b"\x00" * 100, "旧版 Excel"),
        (OLE2_MAGIC + "EncryptedPackage".encode("utf-16-le"), "已加密"),
        (b"PK\x03\x04garbage", "已损坏"),
    ],
)
def test_refusals(data, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        open_xlsx(data)


def test_encrypted_zip_entry_refused():
    data = bytearray(_xlsx(["x"]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    # Set the "encrypted" general-purpose flag on the first central-directory entry.
    offset = bytes(data).index(b"PK\x01\x02")
    data[offset + 8] |= 0x1
    assert archive.infolist()
    with pytest.raises(SpreadsheetRefused, match="已加密"):
        check_xlsx_bytes(bytes(data))


def test_cell_text():
    assert cell_text(8.0) == "8"
    assert cell_text(7.5) == "7.5"
    assert cell_text(" 讲座 ") == "讲座"
    assert cell_text("\u200b讲座\ufeff") == "讲座"
    assert cell_text("\u200b\u200b") == ""  # only invisible characters: empty (issue 8, item 11)
    assert cell_text(dt.datetime(2025, 3, 1)) == "2025-03-01"
    assert cell_text(None) == ""


# Work bounds (issue 8, item 9): refused before openpyxl parses anything, whatever the machine's load.


def _sheet_rows(data: bytes, sheet: str = "xl/worksheets/sheet1.xml", rows: bytes = b"") -> bytes:
    return rewrite_parts(
        data,
        lambda name, content: (
            content.replace(b"</sheetData>", rows + b"</sheetData>") if name == sheet else content
        ),
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: row_bomb(_xlsx(["名称"])), "行或单元格过多"),
        (lambda: many_sheets(1000), f"工作簿有 {MAX_SHEETS} 个以上工作表"),
        (lambda: many_sheets(MAX_SHEETS + 1), "个以上工作表"),
        (lambda: _sheet_rows(_xlsx(["x"]), rows=b"<row/>" * MAX_ROW_ELEMENTS), "行或单元格过多"),
        (
            lambda: _sheet_rows(_xlsx(["x"]), rows=b"<row>" + b"<c/>" * MAX_CELL_ELEMENTS + b"</row>"),
            "行或单元格过多",
        ),
        (lambda: to_shared_strings(_xlsx(["x" * 10], ["y"])), None),
        (
            lambda: to_shared_strings(
                _xlsx(["内容"]), grow=lambda text: text + "内" * (MAX_CELL_CHARS + 8000)
            ),
            "单元格超过 32,767 个字",
        ),
        (
            lambda: rewrite_parts(
                to_shared_strings(_xlsx(["x"])),
                lambda name, content: content.replace(
                    b"</sst>", b"<si><t>s</t></si>" * MAX_CELL_ELEMENTS + b"</sst>"
                ),
            ),
            "文字单元格过多",
        ),
    ],
    ids=[
        "row bomb",
        "1000 sheets",
        "21 sheets",
        "rows",
        "cells",
        "ordinary strings",
        "long string",
        "strings",
    ],
)
def test_work_bounds_refuse_before_openpyxl_parses(build, message):
    data = build()
    with xml_work_meter() as work:
        if message is None:
            open_xlsx(data).close()
        else:
            with pytest.raises(SpreadsheetRefused, match=message):
                open_xlsx(data)
            assert work.elements == 0  # openpyxl parsed nothing of it


def test_a_sheet_at_the_bounds_opens():
    data = _sheet_rows(_xlsx(["x"]), rows=b"<row/>" * (MAX_ROW_ELEMENTS - 1))
    open_xlsx(data).close()


def _read_all(data: bytes, **kwargs) -> tuple[SheetReader, list]:
    wb = open_xlsx(data)
    try:
        reader = SheetReader(wb.worksheets[0], values_only=True, **kwargs)
        return reader, list(reader)
    finally:
        wb.close()


def test_reader_ignores_a_stale_dimension():
    """A 10-row sheet declaring A1:B3: openpyxl's read-only mode alone yields 3 rows (issue 8, item 20)."""
    data = with_dimension(_xlsx(*[[f"r{n}", n] for n in range(1, 11)]), "A1:B3")
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert len(list(wb.worksheets[0].values)) == 3  # what went wrong
    _reader, rows = _read_all(data)
    assert [number for number, _row in rows] == list(range(1, 11))
    assert rows[-1][1][:2] == ("r10", 10)


def test_reader_ignores_a_dimension_of_the_whole_grid():
    """A declared A1:XFD1048576 does not make openpyxl invent a million blank rows of 16,384 cells."""
    data = with_dimension(_xlsx(["a", 1], ["b", 2]), "A1:XFD1048576")
    reader, rows = _read_all(data)
    assert [row[:2] for _number, row in rows] == [("a", 1), ("b", 2)]
    assert reader.rows_read == 2 and all(len(row) <= 64 for _number, row in rows)


def test_blank_rows_are_bounded_and_counted():
    """Rows missing from the XML (a cell at row 1,000,000) are blank rows openpyxl makes up: the reader
    stops after MAX_BLANK_ROWS of them."""
    data = _sheet_rows(
        _xlsx(["x"]), rows=b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>y</t></is></c></row>'
    )
    with pytest.raises(SpreadsheetRefused, match="空行过多"):
        _read_all(data)
    reader = SheetReader(open_xlsx(data).worksheets[0])
    with pytest.raises(SpreadsheetRefused):
        list(reader)
    assert reader.blank_rows == MAX_BLANK_ROWS + 1
    assert reader.rows_read == MAX_BLANK_ROWS + 2  # the header row, then the blank ones until refused


def test_blank_rows_within_the_bound_are_skipped():
    reader, rows = _read_all(_xlsx(["a"], [None], [" \u200b"], ["b"]))
    assert [(number, row[0]) for number, row in rows] == [(1, "a"), (4, "b")]
    assert reader.blank_rows == 2


def test_cell_over_the_character_bound_is_refused_with_its_address():
    # openpyxl cuts what it writes to 32,767 characters: the long cell is made in the shared strings.
    data = to_shared_strings(
        _xlsx(["a", "b"], ["c", "x"]), grow=lambda text: "x" * (MAX_CELL_CHARS + 1) if text == "x" else text
    )
    with pytest.raises(SpreadsheetRefused, match="第 2 行 B 列的内容超过 32,767 个字"):
        _read_all(data)


def test_sheet_character_bound():
    data = _xlsx(*[["x" * 100] for _ in range(20)])
    reader, _rows = _read_all(data, max_chars=2000)
    with pytest.raises(SpreadsheetRefused, match="文字超过 1,000 个字"):
        _read_all(data, max_chars=1000)
    assert reader.chars_read == 2000


def _relocated(data: bytes, target: str = "xl/elsewhere/data.xml") -> bytes:
    """The workbook with its first sheet moved to another part name (the relationships say where it is)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info).replace(b"worksheets/sheet1.xml", target.removeprefix("xl/").encode())
            name = target if info.filename == "xl/worksheets/sheet1.xml" else info.filename
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_sheet_moved_to_another_part_is_counted_too():
    """The relationships, not the part's name, tell openpyxl where a sheet is: every XML part is counted."""
    moved = _relocated(_xlsx(["x"], ["y"]))
    wb = open_xlsx(moved)
    assert [row[0] for _n, row in SheetReader(wb.worksheets[0], values_only=True)] == ["x", "y"]
    wb.close()
    with xml_work_meter() as work, pytest.raises(SpreadsheetRefused, match="行或单元格过多"):
        open_xlsx(row_bomb(moved, megabytes=2, sheet="xl/elsewhere/data.xml"))
    assert work.elements == 0
