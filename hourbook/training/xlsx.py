"""Reading an ARP list and writing exports, as .xlsx, safely.

Reading: size limits before and after decompression (DOMAIN.md: 5 MB file, 50 MB uncompressed, 5,000 rows),
read-only mode, formula cells refused by row. Writing: cells that begin with = + - @ are written as text,
never as formulae (DOMAIN.md, Batch upload).
"""

import io
import zipfile
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000
ARP_HEADER = "员工ARP编号"

MSG_TOO_LARGE = _("文件不能超过 5 MB")
MSG_TOO_LARGE_UNCOMPRESSED = _("文件解压后超过 50 MB，请拆分后上传")
MSG_TOO_MANY_ROWS = _("文件不能超过 5000 行")
MSG_NOT_XLSX = _("请上传 .xlsx 格式的 Excel 文件")
MSG_ROW_FORMULA = _("第 %(row)s 行 · 员工ARP编号：不能是公式，请填写编号本身")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxError(ValueError):
    """The file cannot be read; `errors` lists what is wrong (by row where it can)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_header(text: str) -> bool:
    return "编号" in text or "姓名" in text or text.upper() in ("ARP", "ARP NO", "ARP NO.")


def read_arp_list(uploaded) -> list[tuple[int, str]]:
    """(row number, ARP) pairs of the first sheet: the column headed 员工ARP编号, or the first column.

    A first row that reads like headers (员工ARP编号, 员工姓名…) is skipped.
    """
    if uploaded.size > MAX_FILE_BYTES:
        raise XlsxError([str(MSG_TOO_LARGE)])
    data = uploaded.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise XlsxError([str(MSG_TOO_LARGE_UNCOMPRESSED)])
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except XlsxError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise XlsxError([str(MSG_NOT_XLSX)]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, str]] = []
        errors: list[str] = []
        column = 0
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise XlsxError([str(MSG_TOO_MANY_ROWS)])
            cells = list(row)
            if number == 1:
                headers = [_cell_text(getattr(c, "value", None)) for c in cells]
                if any(_is_header(h) for h in headers):
                    column = next((i for i, h in enumerate(headers) if "ARP" in h.upper()), 0)
                    continue
            if column >= len(cells):
                continue
            cell = cells[column]
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                errors.append(str(MSG_ROW_FORMULA % {"row": number}))
                continue
            text = _cell_text(value)
            if text:
                rows.append((number, text))
        if errors:
            raise XlsxError(errors)
        return rows
    finally:
        workbook.close()


FORMULA_STARTS = ("=", "+", "-", "@")


def write_row(sheet, values: Iterable) -> None:
    """Append a row; strings that could start a formula are stored as text."""
    sheet.append([str(v) if isinstance(v, Promise) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"


def new_workbook(title: str, headers: list[str]) -> tuple[Workbook, object]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    write_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return workbook, sheet


def fit_columns(sheet, widths: dict[int, int] | None = None, default: int = 14) -> None:
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(index, default)


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


def _content_disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
