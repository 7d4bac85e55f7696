"""Safe reading and writing of .xlsx workbooks, for every import and export (DOMAIN.md, Batch upload).

Model-free. Reading refuses, with a clear Chinese message and before openpyxl parses anything, what is
not a plain .xlsx within the limits: a renamed file, an old .xls or an encrypted workbook (both OLE2
compound files), a corrupt zip, a zip bomb (declared uncompressed sizes are summed from the central
directory; Python's zipfile never inflates an entry past its declared size), encrypted zip entries and
XML with a DOCTYPE. The workbook is then opened read-only, with formulae kept as formulae so they can be
refused.

Bytes are not the only bound (issue 8, item 9): 48 MB of `<row/>` compress to 150 KB, and openpyxl parses a
whole sheet just to open it when the sheet declares no dimension. So before openpyxl sees the file, a scan
at C speed that stops at the first bound passed counts the sheets (MAX_SHEETS), each sheet's row and cell
elements (MAX_ROW_ELEMENTS, MAX_CELL_ELEMENTS) and the shared strings, longest included (MAX_CELL_CHARS).
While reading, `SheetReader` bounds the work again: the rows read (blank ones included, MAX_BLANK_ROWS), the
columns (MAX_COLUMNS), the characters of each cell and of the sheet (MAX_CELL_CHARS, MAX_SHEET_CHARS). It
also ignores the sheet's declared `<dimension>` (issue 8, item 20): openpyxl's read-only mode trusts it and
silently drops the rows beyond a stale one. Every .xlsx reader of the project reads through it.

Writing: `set_text` stores a string as text even when it begins with = + - @ (never a formula), for
exports of user-entered values.
"""

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from hourbook.common.text import clean_text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
# Work bounds (issue 8, item 9). Every import reads one sheet of at most 5,000 rows of a dozen columns; the
# bounds leave room for blank formatted rows and a few extra sheets, and keep a refused file's cost under 2 s.
MAX_SHEETS = 20
MAX_ROW_ELEMENTS = 12_000  # <row> elements in one sheet's XML
MAX_CELL_ELEMENTS = 120_000  # <c> elements in one sheet's XML; <si> shared strings in the workbook
MAX_BLANK_ROWS = 5_000  # blank rows read from one sheet (rows missing from the XML included)
MAX_COLUMNS = 64  # columns read from a sheet; headers further right are not looked for
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHEET_CHARS = 12_000_000  # characters read from one sheet: 5,000 rows with every field at its maximum
DATE_FORMAT = "yyyy-mm-dd"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML workbook is an OLE2 file holding this stream (MS-OFFCRYPTO); its name is UTF-16LE.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

MSG_EMPTY_FILE = _("文件是空的")
MSG_TOO_LARGE = _("文件超过 %(limit)s MB，请拆分后分批上传")
MSG_UNCOMPRESSED_TOO_LARGE = _(
    "工作簿解压后超过 %(limit)s MB，系统拒绝处理；请删除多余的工作表、图片或格式后重新保存"
)
MSG_ENCRYPTED = _("工作簿设置了打开密码（已加密），系统无法读取；请在 Excel 中取消密码后另存为 .xlsx 再上传")
MSG_XLS = _("这是旧版 Excel（.xls）文件；请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再上传")
MSG_NOT_XLSX = _("文件不是 Excel 工作簿（.xlsx）；请下载导入模板填写后上传，不要只修改文件扩展名")
MSG_CORRUPT = _("工作簿已损坏，无法读取；请在 Excel 中打开并另存为 .xlsx 后再上传")
MSG_TOO_MANY_SHEETS = _(
    "工作簿有 %(count)s 个以上工作表，系统拒绝处理；请只保留导入用的工作表（不超过 %(limit)s 个）"
)
MSG_SHEET_TOO_BIG = _(
    "工作表的行或单元格过多（超过 %(rows)s 行或 %(cells)s 个单元格），系统拒绝处理；"
    "请删除多余的空行、空列和格式后重新保存，数据多时请拆分为多个文件分批上传"
)
MSG_TOO_MANY_STRINGS = _(
    "工作簿中的文字单元格过多（超过 %(limit)s 个），系统拒绝处理；请拆分为多个文件分批上传"
)
MSG_STRING_TOO_LONG = _("工作簿中有单元格超过 %(limit)s 个字，系统拒绝处理；请检查并缩短内容后重新上传")
MSG_CELL_TOO_LONG = _("第 %(row)s 行 %(column)s 列的内容超过 %(limit)s 个字，系统拒绝处理；请缩短后重新上传")
MSG_TOO_MANY_BLANK_ROWS = _(
    "工作表中的空行过多（超过 %(limit)s 行），系统拒绝处理；请删除数据之间和之后的空行后重新保存"
)
MSG_SHEET_TOO_MUCH_TEXT = _("工作表的文字超过 %(limit)s 个字，系统拒绝处理；请拆分为多个文件分批上传")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetRefused(Exception):
    """The file as a whole cannot be read; `message` is for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


def check_xlsx_bytes(
    data: bytes, *, max_bytes: int = MAX_FILE_BYTES, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
) -> None:
    """Refuse anything but a sound .xlsx within the limits, without letting openpyxl parse it."""
    if not data:
        raise SpreadsheetRefused(MSG_EMPTY_FILE)
    if len(data) > max_bytes:
        raise SpreadsheetRefused(MSG_TOO_LARGE % {"limit": max_bytes // (1024 * 1024)})
    if data.startswith(OLE2_MAGIC):
        raise SpreadsheetRefused(MSG_ENCRYPTED if _ENCRYPTED_STREAM in data else MSG_XLS)
    if not data.startswith(ZIP_MAGIC):
        raise SpreadsheetRefused(MSG_NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetRefused(MSG_CORRUPT) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise SpreadsheetRefused(MSG_CORRUPT)
        if sum(info.file_size for info in entries) > max_uncompressed:
            raise SpreadsheetRefused(
                MSG_UNCOMPRESSED_TOO_LARGE % {"limit": max_uncompressed // (1024 * 1024)}
            )
        names = {info.filename for info in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise SpreadsheetRefused(MSG_NOT_XLSX)
        for info in entries:
            if info.flag_bits & 0x1:  # an encrypted zip entry
                raise SpreadsheetRefused(MSG_ENCRYPTED)
            if info.filename.endswith((".xml", ".rels", ".vml")) and _has_doctype(archive, info):
                raise SpreadsheetRefused(MSG_CORRUPT)
        _check_work(archive, entries)


_ELEMENT = re.compile(rb"<(?:\w+:)?(sheet|row|c|si)[\s/>]")
_STRING_ELEMENT = re.compile(rb"<(?:\w+:)?si[\s/>]")
# A shared string of MAX_CELL_CHARS characters: 3 bytes each in UTF-8 for Chinese, with room for the
# formatting of rich-text runs. Longer is refused before openpyxl loads the table (it loads all of it).
_MAX_STRING_BYTES = MAX_CELL_CHARS * 3 + 16 * 1024
_SCAN_CHUNK = 1 << 20


def _check_work(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse, before openpyxl parses anything, a workbook past the work bounds (issue 8, item 9).

    Counts elements in the raw XML at C speed and stops at the first bound passed, so a refusal costs at
    most one pass over 50 MB, whatever the file holds. Every XML part is counted, wherever the package's
    relationships put it: sheets (<sheet> in the workbook part), rows and cells per part, shared strings.
    """
    sheets = 0
    for info in entries:
        if not info.filename.endswith(".xml"):
            continue
        counts = _count_elements(archive, info)
        sheets += counts[b"sheet"]
        if sheets > MAX_SHEETS:
            raise SpreadsheetRefused(MSG_TOO_MANY_SHEETS % {"count": MAX_SHEETS, "limit": MAX_SHEETS})
        if counts[b"row"] > MAX_ROW_ELEMENTS or counts[b"c"] > MAX_CELL_ELEMENTS:
            raise SpreadsheetRefused(
                MSG_SHEET_TOO_BIG % {"rows": f"{MAX_ROW_ELEMENTS:,}", "cells": f"{MAX_CELL_ELEMENTS:,}"}
            )
        if counts[b"si"] > MAX_CELL_ELEMENTS:
            raise SpreadsheetRefused(MSG_TOO_MANY_STRINGS % {"limit": f"{MAX_CELL_ELEMENTS:,}"})
        if counts[b"si"] and _longest_string(archive, info) > _MAX_STRING_BYTES:
            raise SpreadsheetRefused(MSG_STRING_TOO_LONG % {"limit": f"{MAX_CELL_CHARS:,}"})


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) pieces of an entry, each cut just before a "<", so no element name is split."""
    try:
        with archive.open(info) as part:
            offset, carry = 0, b""
            while chunk := part.read(_SCAN_CHUNK):
                buffer = carry + chunk
                cut = buffer.rfind(b"<")
                if cut <= 0:
                    cut = len(buffer)
                yield offset, buffer[:cut]
                offset += cut
                carry = buffer[cut:]
            if carry:
                yield offset, carry
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, NotImplementedError) as exc:
        raise SpreadsheetRefused(MSG_CORRUPT) from exc


def _count_elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[bytes, int]:
    """How many <sheet>, <row>, <c> and <si> elements the part holds, counting no further than just past
    a bound (MAX_SHEETS, MAX_ROW_ELEMENTS, MAX_CELL_ELEMENTS)."""
    counts = {b"sheet": 0, b"row": 0, b"c": 0, b"si": 0}
    for _offset, piece in _chunks(archive, info):
        names = _ELEMENT.findall(piece)
        for name in counts:
            counts[name] += names.count(name)
        if (
            counts[b"sheet"] > MAX_SHEETS
            or counts[b"row"] > MAX_ROW_ELEMENTS
            or max(counts[b"c"], counts[b"si"]) > MAX_CELL_ELEMENTS
        ):
            break
    return counts


def _longest_string(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The longest stretch, in bytes, from one <si> to the next (or to the end), stopping once past the bound."""
    longest, previous = 0, None
    for offset, piece in _chunks(archive, info):
        for match in _STRING_ELEMENT.finditer(piece):
            position = offset + match.start()
            if previous is not None:
                longest = max(longest, position - previous)
            previous = position
            if longest > _MAX_STRING_BYTES:
                return longest
        if previous is not None:
            longest = max(longest, offset + len(piece) - previous)
            if longest > _MAX_STRING_BYTES:
                return longest
    return longest


def _has_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Office XML never declares a DOCTYPE; one is an entity-expansion attempt (defence beside expat's own)."""
    try:
        with archive.open(info) as part:
            head = part.read(2048)
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError, NotImplementedError) as exc:
        raise SpreadsheetRefused(MSG_CORRUPT) from exc
    return b"<!DOCTYPE" in head.upper()


# What openpyxl raises on a damaged package or damaged XML.
READ_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
)


def open_xlsx(
    data: bytes, *, max_bytes: int = MAX_FILE_BYTES, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
) -> Workbook:
    """Check the bytes, then open them read-only with formulae kept (data_only=False). Close it after use."""
    check_xlsx_bytes(data, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except READ_ERRORS as exc:
        raise SpreadsheetRefused(MSG_CORRUPT) from exc


class SheetReader:
    """The rows of one read-only sheet, read within the work bounds; counts what it read.

    Iterating yields (row number, row) for every row that holds something in the first `max_col` columns
    (cells, or plain values with `values_only`). Blank rows are skipped but counted: more than
    `max_blank_rows` of them refuse the file, as does a cell over `max_cell_chars` characters or a sheet
    over `max_chars`. A caller stops early for its own limit (5,000 data rows) by leaving the loop.
    The sheet's declared dimension is ignored, so every row present is read (issue 8, item 20).
    """

    def __init__(
        self,
        ws,
        *,
        min_row: int = 1,
        max_row: int | None = None,
        max_col: int = MAX_COLUMNS,
        values_only: bool = False,
        max_blank_rows: int = MAX_BLANK_ROWS,
        max_cell_chars: int = MAX_CELL_CHARS,
        max_chars: int = MAX_SHEET_CHARS,
    ):
        self.ws = ws
        self.min_row, self.max_row = min_row, max_row
        self.max_col = min(max_col, MAX_COLUMNS)
        self.values_only = values_only
        self.max_blank_rows = max_blank_rows
        self.max_cell_chars = max_cell_chars
        self.max_chars = max_chars
        self.rows_read = 0
        self.blank_rows = 0
        self.chars_read = 0
        if hasattr(ws, "reset_dimensions"):  # read-only: never trust the declared <dimension>
            ws.reset_dimensions()

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        rows = self.ws.iter_rows(
            min_row=self.min_row, max_row=self.max_row, max_col=self.max_col, values_only=self.values_only
        )
        for row_number, row in enumerate(rows, start=self.min_row):
            self.rows_read += 1
            blank = True
            for column, item in enumerate(row, start=1):
                value = item if self.values_only else getattr(item, "value", None)
                if value is None:
                    continue
                if isinstance(value, str):
                    if len(value) > self.max_cell_chars:
                        raise SpreadsheetRefused(
                            MSG_CELL_TOO_LONG
                            % {
                                "row": row_number,
                                "column": get_column_letter(column),
                                "limit": f"{self.max_cell_chars:,}",
                            }
                        )
                    self.chars_read += len(value)
                    if blank and clean_text(value):
                        blank = False
                else:
                    blank = False
            if self.chars_read > self.max_chars:
                raise SpreadsheetRefused(MSG_SHEET_TOO_MUCH_TEXT % {"limit": f"{self.max_chars:,}"})
            if blank:
                self.blank_rows += 1
                if self.blank_rows > self.max_blank_rows:
                    raise SpreadsheetRefused(MSG_TOO_MANY_BLANK_ROWS % {"limit": f"{self.max_blank_rows:,}"})
                continue
            yield row_number, row


_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def has_formula_cells(data: bytes) -> bool:
    """Whether any worksheet of the (already checked) workbook holds a formula element (<f>).

    Lets a reader take openpyxl's faster values-only path when there is nothing to refuse; workbooks with
    formulas are read cell by cell so every formula is reported with its row and column.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if _FORMULA_ELEMENT.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def is_formula(cell) -> bool:
    """A formula cell (openpyxl's data type "f", or a formula object of an array or data table)."""
    if getattr(cell, "data_type", None) == "f":
        return True
    return type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
)


def parse_date(value) -> dt.date | None:
    """A date cell, or text like 2025-03-01, 2025/3/1 or 2025年3月1日. None for an empty cell.

    Raises ValueError for anything else (numbers that are not date cells included).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month, day = (int(part) for part in match.groups())
                return dt.date(year, month, day)  # ValueError for 2025-02-30
    raise ValueError(f"not a date: {value!r}")


def cell_text(value) -> str:
    """A cell's value as text without surrounding spaces and invisible characters (`common.text`);
    numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(value)


def set_text(cell, value: str) -> None:
    """Store `value` as text, never as a formula, even when it begins with = + - @ (CSV/formula injection)."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True


def set_value(cell, value) -> None:
    """Write an exported value: strings as text (see `set_text`), dates with the yyyy-mm-dd format."""
    if isinstance(value, str):
        set_text(cell, value)
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
