"""Safe reading and writing of .xlsx workbooks, for every import and export (DOMAIN.md, Batch upload).

Model-free. Reading refuses, with a clear Chinese message and before openpyxl parses anything, what is
not a plain .xlsx within the limits: a renamed file, an old .xls or an encrypted workbook (both OLE2
compound files), a corrupt zip, a zip bomb (declared uncompressed sizes are summed from the central
directory; Python's zipfile never inflates an entry past its declared size), encrypted zip entries and
XML with a DOCTYPE. The workbook is then opened read-only, with formulae kept as formulae so they can be
refused.

Writing: `set_text` stores a string as text even when it begins with = + - @ (never a formula), for
exports of user-entered values.
"""

import datetime as dt
import io
import re
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
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
    """A cell's value as stripped text; numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


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
