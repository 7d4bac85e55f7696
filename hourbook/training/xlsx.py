"""Reading an ARP list and writing exports as .xlsx, on top of `common.xlsx` (safe opening, text-only writing).

Reading: the shared limits and refusals (DOMAIN.md: 5 MB file, 50 MB uncompressed), at most 5,000 rows,
formula cells refused by row. Writing: strings go through `common.xlsx.set_value`, so a cell beginning
with = + - @ is text, never a formula.
"""

import io
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hourbook.common.xlsx import (
    MAX_FILE_BYTES,
    MSG_CORRUPT,
    READ_ERRORS,
    SheetReader,
    SpreadsheetRefused,
    cell_text,
    is_formula,
    open_xlsx,
    set_value,
)

MAX_ROWS = 5000

MSG_TOO_LARGE = _("文件不能超过 5 MB")
MSG_TOO_MANY_ROWS = _("名单不能超过 5000 行")
MSG_ROW_FORMULA = _("第 %(row)s 行 · 员工ARP编号：不能是公式，请填写编号本身")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxError(Exception):
    """The file cannot be used; `errors` lists what is wrong (by row where it can)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _is_header(text: str) -> bool:
    return "编号" in text or "姓名" in text or text.upper() in ("ARP", "ARP NO", "ARP NO.")


def read_arp_list(uploaded) -> list[tuple[int, str]]:
    """(row number, ARP) pairs of the first sheet: the column headed 员工ARP编号, or the first column.

    A first row that reads like headers (员工ARP编号, 员工姓名…) is skipped.
    """
    if uploaded.size > MAX_FILE_BYTES:  # refuse before reading the bytes into memory
        raise XlsxError([str(MSG_TOO_LARGE)])
    try:
        workbook = open_xlsx(uploaded.read())
    except SpreadsheetRefused as exc:
        raise XlsxError([exc.message]) from exc
    try:
        return _arp_rows(workbook.worksheets[0])
    except SpreadsheetRefused as exc:  # past a work bound while reading (issue 8, item 9)
        raise XlsxError([exc.message]) from exc
    except READ_ERRORS as exc:  # damaged sheet XML surfaces only while iterating (XlsxError is not one)
        raise XlsxError([str(MSG_CORRUPT)]) from exc
    finally:
        workbook.close()


def _arp_rows(sheet) -> list[tuple[int, str]]:
    rows: list[tuple[int, str]] = []
    errors: list[str] = []
    column = 0
    # Within the work bounds, every row present whatever the declared dimension (issue 8, items 9 and 20).
    for number, row in SheetReader(sheet):
        if len(rows) + len(errors) >= MAX_ROWS:
            raise XlsxError([str(MSG_TOO_MANY_ROWS)])
        cells = list(row)
        if number == 1:
            headers = [cell_text(getattr(c, "value", None)) for c in cells]
            if any(_is_header(h) for h in headers):
                column = next((i for i, h in enumerate(headers) if "ARP" in h.upper()), 0)
                continue
        if column >= len(cells):
            continue
        cell = cells[column]
        if getattr(cell, "value", None) is None:
            continue
        if is_formula(cell):
            errors.append(str(MSG_ROW_FORMULA % {"row": number}))
            continue
        text = cell_text(cell.value)
        if text:
            rows.append((number, text))
    if errors:
        raise XlsxError(errors)
    return rows


def write_row(sheet, values: Iterable) -> None:
    """Append a row; strings are stored as text (never formulae), dates with a date format."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        set_value(sheet.cell(row=row, column=column), str(value) if isinstance(value, Promise) else value)


def new_workbook(title: str, headers: list[str]) -> tuple[Workbook, object]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
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
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
