"""The shared .xlsx helpers: safe opening within limits, date parsing, formula detection, text-only writing."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from hourbook.common.xlsx import (
    OLE2_MAGIC,
    SpreadsheetRefused,
    cell_text,
    check_xlsx_bytes,
    is_formula,
    open_xlsx,
    parse_date,
    set_text,
    set_value,
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
    assert cell_text(dt.datetime(2025, 3, 1)) == "2025-03-01"
    assert cell_text(None) == ""
