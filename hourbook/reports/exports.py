"""Streamed .xlsx exports: the unit report's filtered list and a year's records of the admin's scope.

Rows are read in chunks (`iterator(chunk_size=2000)`) and written one by one into an openpyxl write-only
workbook backed by a temporary file, which the response then streams; memory stays flat whatever the size.
Text cells are always text (`common.xlsx.set_value`): a name beginning with = + - @ never becomes a formula.
"""

import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from hourbook.common.hours import missing_seconds_to_hours, seconds_to_hours
from hourbook.common.xlsx import set_value
from hourbook.ledger import rules
from hourbook.ledger.choices import Category, Status
from hourbook.org.choices import PositionLevel

from .selectors import LEFT, OTHER

CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _hours(seconds: int | None):
    """学时 as a number, truncated to two decimals like every page (never 50.00 beside 未达标)."""
    return None if seconds is None else seconds_to_hours(seconds)


def _missing(required: int | None, effective: int):
    """学时 still missing, rounded up like every page (never 0 beside 未达标); empty without a requirement."""
    return None if required is None else missing_seconds_to_hours(rules.missing_seconds(required, effective))


def _met(met: bool | None) -> str:
    if met is None:
        return _("不适用")
    return _("达标") if met else _("未达标")


def write_xlsx_file(*, title: str, headers: list[str], rows: Iterable[list], widths: list[int], file) -> None:
    """Write rows progressively into a write-only workbook saved to `file` (memory stays flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cells(values, font=None):
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet)
            set_value(cell, value)
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(cells(headers, bold))
    for row in rows:
        sheet.append(cells(row))
    workbook.save(file)


def write_xlsx(*, title: str, headers: list[str], rows: Iterable[list], widths: list[int], filename: str):
    """Write rows into a workbook on a temporary file; stream it back."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes it once streamed
    write_xlsx_file(title=title, headers=headers, rows=rows, widths=widths, file=spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX, as_attachment=True, filename=filename)
    # RFC 6266: the Chinese file name for browsers that read filename*, an ASCII one for the rest.
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def unit_report_xlsx(qs, *, year: int, unit_names: dict[int, str], filename: str):
    """Exactly the filtered, scoped list on screen, every page of it."""
    headers = [
        _("ARP编号"),
        _("姓名"),
        _("单位"),
        _("职级"),
        _("人员类别"),
        _("培训学时（有效）"),
        _("培训学时要求"),
        _("培训学时还差"),
        _("网络学时（有效）"),
        _("网络学时要求"),
        _("网络学时还差"),
        _("总学时"),
        _("培训学时待审核"),
        _("网络学时待审核"),
        _("达标"),
    ]
    levels = dict(PositionLevel.choices)
    kinds = {LEFT: _("年内离职"), OTHER: _("非在册")}

    def rows():
        for e in qs.iterator(chunk_size=CHUNK):
            kind = kinds.get(e.kind, _("在册"))
            if e.kind == LEFT and e.left_on:
                kind = _("%(d)s 离职") % {"d": e.left_on.isoformat()}
            yield [
                e.arp,
                e.name,
                unit_names.get(e.unit_at, ""),
                str(levels.get(e.level_at, "")),
                kind,
                _hours(e.training_effective),
                _hours(e.training_required),
                _missing(e.training_required, e.training_effective),
                _hours(e.online_effective),
                _hours(e.online_required),
                _missing(e.online_required, e.online_effective),
                _hours(e.total),
                _hours(e.training_pending),
                _hours(e.online_pending),
                _met(e.met),
            ]

    return write_xlsx(
        title=_("%(year)s年度学时") % {"year": year},
        headers=headers,
        rows=rows(),
        widths=[14, 10, 24, 12, 14, 14, 12, 12, 14, 12, 12, 10, 14, 14, 8],
        filename=filename,
    )


RECORD_WIDTHS = [14, 10, 24, 14, 40, 24, 8, 8, 20]


def record_headers() -> list[str]:
    return [
        _("ARP编号"),
        _("姓名"),
        _("单位"),
        _("类别"),
        _("培训名称"),
        _("起止"),
        _("学时"),
        _("状态"),
        _("审核时间"),
    ]


def record_rows(qs) -> Iterable[list]:
    """A year's records as rows: ARP, 姓名, 单位, 类别, 培训名称, 起止, 学时, 状态, 审核时间 (chunked reads)."""
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    tz = timezone.get_current_timezone()
    for r in qs.iterator(chunk_size=CHUNK):
        reviewed = ""
        if r.status != Status.PENDING and r.status_changed_at is not None:
            reviewed = f"{timezone.localtime(r.status_changed_at, tz):%Y-%m-%d %H:%M}"
        yield [
            r.employee.arp,
            r.employee.name,
            r.unit.name,
            str(categories.get(r.category, r.category)),
            r.name,
            f"{r.start_date:%Y-%m-%d} ~ {r.end_date:%Y-%m-%d}",
            _hours(r.seconds),
            str(statuses.get(r.status, r.status)),
            reviewed,
        ]


def records_xlsx(qs, *, year: int, filename: str):
    """A year's records, streamed back in the request (the background job writes the same rows)."""
    return write_xlsx(
        title=_("%(year)s年度记录") % {"year": year},
        headers=record_headers(),
        rows=record_rows(qs),
        widths=RECORD_WIDTHS,
        filename=filename,
    )
