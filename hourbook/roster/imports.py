"""Reading a roster workbook: every row checked, every error addressed as "第 N 行 · 列名：信息".

The workbook is opened by `common.xlsx` (size, zip-bomb, encryption and renamed-file checks). Referenced rows
(units by code, employees by ARP number) are prefetched in one query each. Nothing is saved here: a file
with any error is refused whole; a clean one goes to `services.roster_import`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hourbook.common.dates import today
from hourbook.common.xlsx import (
    MSG_CORRUPT,
    READ_ERRORS,
    SheetReader,
    SpreadsheetRefused,
    cell_text,
    is_formula,
    open_xlsx,
    parse_date,
)
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, Unit
from hourbook.org.validators import MSG_ARP_FORMAT, validate_arp

from .services import RosterRow, administers

MAX_ROWS = 5000

COL_ARP = gettext_lazy("ARP编号")
COL_NAME = gettext_lazy("姓名")
COL_UNIT = gettext_lazy("单位代码")
COL_LEVEL = gettext_lazy("职级")
COL_LEVEL_SINCE = gettext_lazy("职级起始日期")
COL_PHONE = gettext_lazy("联系电话")
COL_MOBILE = gettext_lazy("手机号码")
COL_REGISTERED = gettext_lazy("在册正式职工")
COL_JOINED = gettext_lazy("入职日期")  # optional: new people count from it (DOMAIN.md); today if blank
COLUMNS = (
    COL_ARP,
    COL_NAME,
    COL_UNIT,
    COL_LEVEL,
    COL_LEVEL_SINCE,
    COL_PHONE,
    COL_MOBILE,
    COL_REGISTERED,
    COL_JOINED,
)
REQUIRED_COLUMNS = (COL_ARP, COL_NAME, COL_UNIT)

YES, NO = gettext_lazy("是"), gettext_lazy("否")
LEVEL_LABELS = {str(label): value for value, label in PositionLevel.choices}

MSG_NO_SHEET = gettext_lazy("工作簿里没有工作表")
MSG_NO_ROWS = gettext_lazy("工作簿里没有数据行")
MSG_TOO_MANY_ROWS = gettext_lazy("数据行超过 %(max)s 行，请拆分后分批导入")
MSG_MISSING_COLUMN = gettext_lazy("缺少此列；请使用导入模板")
MSG_FORMULA = gettext_lazy("不能使用公式，请直接填写内容")
MSG_REQUIRED = gettext_lazy("此项为必填项")
MSG_TOO_LONG = gettext_lazy("不能超过 %(max)s 个字")
MSG_ARP_REPEATED = gettext_lazy("与第 %(line)s 行的ARP编号重复")
MSG_ARP_OUTSIDE = gettext_lazy("该ARP编号属于您管理范围以外单位的职工，不能修改")
MSG_UNIT_UNKNOWN = gettext_lazy("单位代码“%(code)s”不存在")
MSG_UNIT_OUTSIDE = gettext_lazy("单位“%(code)s”不在您管理的范围内")
MSG_LEVEL_CHOICE = gettext_lazy("只能填写“普通职工”或“处级及以上”")
MSG_LEVEL_SINCE_NEEDS_LEVEL = gettext_lazy("填写了职级起始日期，也须填写职级")
MSG_DATE = gettext_lazy("日期格式应为 2025-03-01、2025/3/1 或 2025年3月1日")
MSG_DATE_FUTURE = gettext_lazy("不能晚于今天")
MSG_DATE_OLD = gettext_lazy("不能早于 1950 年")
MSG_YES_NO = gettext_lazy("只能填写“是”或“否”")
MSG_LEFT_TRANSFER = gettext_lazy("该职工已离职，不能调到其他单位")


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    existing: dict[str, Employee] = field(default_factory=dict)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.arp not in self.existing)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.arp in self.existing)


def _valid_arp(arp: str) -> bool:
    """The model field's own validator (org.validators), so the import accepts what the form accepts."""
    try:
        validate_arp(arp)
    except ValidationError:
        return False
    return True


def _error(line: int, column, message) -> str:
    return _("第 %(line)s 行 · %(column)s：%(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _read(data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Header texts and the non-blank data rows (with their row numbers), refusing more than MAX_ROWS.

    Read through `common.xlsx.SheetReader`: within the work bounds, and every row present whatever the
    sheet's declared dimension (issue 8, items 9 and 20).
    """
    workbook = open_xlsx(data)
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise SpreadsheetRefused(MSG_NO_SHEET)
        header_row = next(iter(SheetReader(sheets[0], max_row=1)), None)
        if header_row is None or header_row[0] != 1:
            raise SpreadsheetRefused(MSG_NO_ROWS)
        headers = [cell_text(cell.value) for cell in header_row[1]]
        rows = []
        for line, cells in SheetReader(sheets[0], min_row=2, max_col=max(len(headers), 1)):
            if len(rows) >= MAX_ROWS:
                raise SpreadsheetRefused(MSG_TOO_MANY_ROWS % {"max": MAX_ROWS})
            rows.append((line, list(cells)))
    except READ_ERRORS as exc:  # openpyxl parses lazily: damaged XML shows while reading rows
        raise SpreadsheetRefused(MSG_CORRUPT) from exc
    finally:
        workbook.close()
    if not rows:
        raise SpreadsheetRefused(MSG_NO_ROWS)
    return headers, rows


def parse_roster(data: bytes, *, actor) -> ParsedRoster:
    """Check every row of a roster workbook; raises SpreadsheetRefused for a file that cannot be read."""
    headers, raw_rows = _read(data)
    parsed = ParsedRoster()
    index = {}
    for column in COLUMNS:
        if str(column) in headers:
            index[column] = headers.index(str(column))
        elif column in REQUIRED_COLUMNS:
            parsed.errors.append(_error(1, column, MSG_MISSING_COLUMN))
    if parsed.errors:
        return parsed

    def cell(cells, column):
        position = index.get(column)
        if position is None or position >= len(cells):
            return None
        return cells[position]

    # Prefetch what the rows refer to: one query for units, one for employees.
    codes, arps = set(), set()
    for _line, cells in raw_rows:
        unit_cell, arp_cell = cell(cells, COL_UNIT), cell(cells, COL_ARP)
        if unit_cell is not None:
            codes.add(cell_text(unit_cell.value))
        if arp_cell is not None:
            arps.add(cell_text(arp_cell.value))
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    existing = {e.arp: e for e in Employee.objects.filter(arp__in=arps).select_related("unit")}

    seen: dict[str, int] = {}
    now = today()
    for line, cells in raw_rows:
        errors = []

        def text(column, max_length, required=False, errors=errors, cells=cells, line=line):
            """The stripped text of a column; None when the column is absent from the sheet."""
            if column not in index:
                return None
            c = cell(cells, column)
            if c is not None and is_formula(c):
                errors.append(_error(line, column, MSG_FORMULA))
                return ""
            value = cell_text(c.value if c is not None else None)
            if required and not value:
                errors.append(_error(line, column, MSG_REQUIRED))
            elif len(value) > max_length:
                errors.append(_error(line, column, MSG_TOO_LONG % {"max": max_length}))
            return value

        arp = text(COL_ARP, 32, required=True)
        name = text(COL_NAME, 64, required=True)
        code = text(COL_UNIT, 32, required=True)
        level_text = text(COL_LEVEL, 16)
        phone = text(COL_PHONE, 32) or None  # blank: keep what is there
        mobile = text(COL_MOBILE, 32) or None
        registered_text = text(COL_REGISTERED, 4)

        if arp and not _valid_arp(arp):
            errors.append(_error(line, COL_ARP, MSG_ARP_FORMAT))
        elif arp and arp in seen:
            errors.append(_error(line, COL_ARP, MSG_ARP_REPEATED % {"line": seen[arp]}))
        if arp:
            seen.setdefault(arp, line)
        employee = existing.get(arp) if arp else None
        if employee is not None and not administers(actor, employee.unit):
            errors.append(_error(line, COL_ARP, MSG_ARP_OUTSIDE))

        unit = None
        if code:
            unit = units.get(code)
            if unit is None:
                errors.append(_error(line, COL_UNIT, MSG_UNIT_UNKNOWN % {"code": code}))
            elif not administers(actor, unit):
                errors.append(_error(line, COL_UNIT, MSG_UNIT_OUTSIDE % {"code": code}))
                unit = None
        if employee is not None and unit is not None and not employee.is_active and unit != employee.unit:
            errors.append(_error(line, COL_UNIT, MSG_LEFT_TRANSFER))

        level = None
        if level_text:
            level = LEVEL_LABELS.get(level_text)
            if level is None:
                errors.append(_error(line, COL_LEVEL, MSG_LEVEL_CHOICE))

        def day(column, errors=errors, cells=cells, line=line) -> dt.date | None:
            """A date cell of the column (blank: None), not after today nor before 1950."""
            c = cell(cells, column)
            if c is None:
                return None
            if is_formula(c):
                errors.append(_error(line, column, MSG_FORMULA))
                return None
            try:
                value = parse_date(c.value)
            except ValueError:
                errors.append(_error(line, column, MSG_DATE))
                return None
            if value is not None and value > now:
                errors.append(_error(line, column, MSG_DATE_FUTURE))
            elif value is not None and value < dt.date(1950, 1, 1):
                errors.append(_error(line, column, MSG_DATE_OLD))
            return value

        level_since = day(COL_LEVEL_SINCE)
        if level_since is not None and not level_text:
            errors.append(_error(line, COL_LEVEL, MSG_LEVEL_SINCE_NEEDS_LEVEL))
        joined_on = day(COL_JOINED)

        is_registered = None
        if registered_text:
            if registered_text == str(YES):
                is_registered = True
            elif registered_text == str(NO):
                is_registered = False
            else:
                errors.append(_error(line, COL_REGISTERED, MSG_YES_NO))

        if errors:
            parsed.errors.extend(errors)
            continue
        parsed.rows.append(
            RosterRow(
                line=line,
                arp=arp,
                name=name,
                unit=unit,
                level=level,
                level_since=level_since,
                phone=phone,
                mobile=mobile,
                is_registered=is_registered,
                joined_on=joined_on,
            )
        )
    parsed.existing = {row.arp: existing[row.arp] for row in parsed.rows if row.arp in existing}
    return parsed


def roster_template(units: list[Unit]) -> bytes:
    """The import template: the headers, one example row, drop-downs for 职级 and 在册正式职工, date cells for
    职级起始日期 and 入职日期 (optional: the day a new person joined, today if blank), and a second sheet listing the codes of the units the admin may import into."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from hourbook.common.xlsx import DATE_FORMAT, set_text

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("人员名册")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for position, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=position)
        set_text(header, str(column))
        header.font, header.fill = bold, fill
        sheet.column_dimensions[header.column_letter].width = 16
    example_unit = units[0].code if units else "UNIT"
    example = [
        "200300001",
        _("张三"),
        example_unit,
        str(PositionLevel.ORDINARY.label),
        None,
        "010-12345678",
        "13800000000",
        str(YES),
        None,
    ]
    for position, value in enumerate(example, start=1):
        target = sheet.cell(row=2, column=position)
        if value is not None:
            set_text(target, value)
    for column, value in ((COL_LEVEL_SINCE, dt.date(2020, 1, 1)), (COL_JOINED, dt.date(2020, 1, 1))):
        target = sheet.cell(row=2, column=COLUMNS.index(column) + 1)
        target.value = value
        target.number_format = DATE_FORMAT
    levels = ",".join(str(label) for _value, label in PositionLevel.choices)
    level_list = DataValidation(type="list", formula1=f'"{levels}"', allow_blank=True)
    level_list.error = str(MSG_LEVEL_CHOICE)
    level_list.showErrorMessage = True
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    yes_no.error = str(MSG_YES_NO)
    yes_no.showErrorMessage = True
    dates = DataValidation(type="date", operator="greaterThan", formula1="18264", allow_blank=True)
    dates.error = str(MSG_DATE)
    dates.showErrorMessage = True
    for validation, column in (
        (level_list, COL_LEVEL),
        (yes_no, COL_REGISTERED),
        (dates, COL_LEVEL_SINCE),
        (dates, COL_JOINED),
    ):
        letter = sheet.cell(row=1, column=COLUMNS.index(column) + 1).column_letter
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        if validation not in sheet.data_validations.dataValidation:
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet(_("单位代码表"))
    for position, header_text in enumerate((_("单位代码"), _("单位名称")), start=1):
        header = codes.cell(row=1, column=position)
        set_text(header, header_text)
        header.font = bold
    for row, unit in enumerate(units, start=2):
        set_text(codes.cell(row=row, column=1), unit.code)
        set_text(codes.cell(row=row, column=2), "\u3000" * unit.depth + unit.name)
    codes.column_dimensions["A"].width = 18
    codes.column_dimensions["B"].width = 40
    if units:
        letter = sheet.cell(row=1, column=COLUMNS.index(COL_UNIT) + 1).column_letter
        unit_list = DataValidation(
            type="list", formula1=f"'{codes.title}'!$A$2:$A${len(units) + 1}", allow_blank=True
        )
        unit_list.showErrorMessage = False  # a code typed by hand is checked on import
        unit_list.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(unit_list)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
