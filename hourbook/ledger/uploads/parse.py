"""Reading an uploaded workbook of one tab and checking every row with the single-record form's rules.

File-level problems (not an .xlsx, too large, another tab's template, no rows, over 5,000 rows) raise
`SpreadsheetRefused` at once. Row-level problems are all collected, each addressed by the row number Excel
shows and the column's header: "第 N 行 · 列名：信息". The field rules are `ledger.validation.check_record`
and `check_hours_decimal`, the hours conversion `common.hours.hours_to_seconds`: the same as the form's.
"""

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from hourbook.common.text import is_blank
from hourbook.common.xlsx import (
    MAX_COLUMNS,
    MSG_CORRUPT,
    READ_ERRORS,
    SheetReader,
    SpreadsheetRefused,
    cell_text,
    has_formula_cells,
    is_formula,
    open_xlsx,
    parse_date,
)
from hourbook.org.models import Employee

from ..choices import DEFAULT_FORM, Assessment, Category, Form
from ..models import Record
from ..services import RecordData
from ..validation import check_record, parse_hours
from .columns import COLUMNS, EXAMPLE_PREFIX, NO, TEXT_FIELDS, YES, Column, assessment_labels, form_labels
from .workbook import MAX_ROWS, META_MAGIC, META_SHEET, instructions_title

MSG_ROW_ERROR = _("第 %(row)s 行 · %(column)s：%(message)s")
MSG_WRONG_TAB = _(
    "这是“%(other)s”的导入模板，不能在“%(this)s”上传；请到“%(other)s”页上传，或下载本页的导入模板"
)
MSG_UNKNOWN_TEMPLATE = _("无法识别的导入模板；请下载本页的导入模板填写后上传")
MSG_NO_SHEET = _("工作簿中没有可读取的工作表")
MSG_EMPTY_SHEET = _("工作表是空的；请在模板第 1 行表头下方逐行填写后上传")
MSG_MISSING_HEADERS = _(
    "表头与本页的导入模板不一致，缺少：%(columns)s；请下载本页的导入模板，表头放在第 1 行"
)
MSG_NO_ROWS = _("没有可导入的数据行；请在第 2 行起逐行填写（以“【示例】”开头的示例行会被忽略）")
MSG_TOO_MANY_ROWS = _("数据超过 %(limit)s 行，系统拒绝处理；请拆分为多个文件分批上传")
MSG_FORMULA = _("不能使用公式（%(formula)s），请直接填写内容")
MSG_BAD_DATE = _("日期格式不正确，请填写日期，如 2025-03-01、2025/3/1 或 2025年3月1日")
MSG_HOURS_TEXT = _("学时须为数字，不能是文字（单元格内容：%(text)s）")
MSG_HOURS_NOT_NUMBER = _("学时须为数字")
MSG_CHOOSE = _("“%(value)s”不在下拉列表中，请选择：%(choices)s")
MSG_IN_FILE_DUPLICATE = _("与第 %(row)s 行相同，跳过")
MSG_EXISTING = _("已有相同的记录，跳过")
MSG_EXAMPLE = _("示例行，已忽略")


@dataclass
class ParseResult:
    """What an upload holds: rows to add, rows skipped (existing, repeated, example), errors by row and column."""

    category: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    raw_rows: list[tuple[int, list]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.raw_rows)


def row_error_text(error: dict) -> str:
    return str(MSG_ROW_ERROR % {"row": error["row"], "column": error["column"], "message": error["message"]})


def _normalise_header(value) -> str:
    return cell_text(value).replace("＊", "*").rstrip("*").strip()


def _check_marker(wb, category: str) -> None:
    """The hidden sheet of a template names its tab; another tab's template is refused by name."""
    if META_SHEET not in wb.sheetnames:
        return  # a workbook made by hand: the headers decide
    first = next(iter(SheetReader(wb[META_SHEET], max_row=1, max_col=2, values_only=True)), (1, ()))
    magic, other = [*first[1], None, None][:2]
    if magic != META_MAGIC:
        return
    if other not in COLUMNS:
        raise SpreadsheetRefused(MSG_UNKNOWN_TEMPLATE)
    if other != category:
        labels = {"other": Category(other).label, "this": Category(category).label}
        raise SpreadsheetRefused(MSG_WRONG_TAB % labels)


def _data_sheet(wb):
    skip = {META_SHEET, instructions_title()}
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and ws.title not in skip:
            return ws
    raise SpreadsheetRefused(MSG_NO_SHEET)


def _header_positions(ws, columns: tuple[Column, ...]) -> dict[str, int]:
    """Column key → 1-based position, matched by header text; refuses a sheet missing a required column."""
    header = next(iter(SheetReader(ws, max_row=1, max_col=MAX_COLUMNS, values_only=True)), (1, ()))[1]
    names = {}
    for index, value in enumerate(header, start=1):
        text = _normalise_header(value)
        if text and text not in names:
            names[text] = index
    if not names:
        raise SpreadsheetRefused(MSG_EMPTY_SHEET)
    positions = {}
    missing = []
    for column in columns:
        label = str(column.label)
        if label in names:
            positions[column.key] = names[label]
        elif column.required:
            missing.append(label)
    if missing:
        raise SpreadsheetRefused(MSG_MISSING_HEADERS % {"columns": "、".join(missing)})
    return positions


def _choice(value: str, labels: dict[str, str], default: str) -> str | None:
    """The key of a drop-down label (or of the key itself); the default when empty; None when unknown."""
    if not value:
        return default
    if value in labels:
        return labels[value]
    if value in labels.values():
        return value
    return None


class _RowChecker:
    """Turns one row's cells into a RecordData or errors keyed by column key."""

    def __init__(self, category: str, columns: tuple[Column, ...]):
        self.category = category
        self.columns = {column.key: column for column in columns}
        self.forms = {str(label): value for value, label in Form.choices}
        self.assessments = {str(label): value for value, label in Assessment.choices}
        self.yes_no = {str(YES): True, str(NO): False}

    def check(self, cells: dict) -> tuple[RecordData | None, dict[str, str]]:
        errors: dict[str, str] = {}
        values = {}
        for key, cell in cells.items():
            if is_formula(cell):
                errors[key] = str(MSG_FORMULA % {"formula": cell_text(cell.value)[:40]})
                values[key] = None
            else:
                values[key] = cell.value

        text = {key: cell_text(values.get(key)) for key in TEXT_FIELDS}

        dates = {}
        for key in ("start_date", "end_date"):
            try:
                dates[key] = parse_date(values.get(key))
            except ValueError:
                errors.setdefault(key, str(MSG_BAD_DATE))
                dates[key] = None

        seconds = None
        raw_hours = values.get("hours")
        if raw_hours is None or (isinstance(raw_hours, str) and not raw_hours.strip()):
            pass
        elif isinstance(raw_hours, str):
            errors.setdefault("hours", str(MSG_HOURS_TEXT % {"text": raw_hours.strip()[:20]}))
        elif isinstance(raw_hours, bool) or not isinstance(raw_hours, int | float | Decimal):
            errors.setdefault("hours", str(MSG_HOURS_NOT_NUMBER))
        else:
            seconds, problem = parse_hours(raw_hours)  # NaN, 1E+400 (infinity as a float): a cell error
            if problem:
                errors.setdefault("hours", problem)

        form = _choice(cell_text(values.get("form")), self.forms, DEFAULT_FORM[self.category])
        if form is None:
            errors.setdefault(
                "form",
                str(
                    MSG_CHOOSE % {"value": cell_text(values.get("form")), "choices": "、".join(form_labels())}
                ),
            )
        assessment = _choice(cell_text(values.get("assessment")), self.assessments, Assessment.NONE)
        if assessment is None:
            errors.setdefault(
                "assessment",
                str(
                    MSG_CHOOSE
                    % {
                        "value": cell_text(values.get("assessment")),
                        "choices": "、".join(assessment_labels()),
                    }
                ),
            )
        off_job = self._off_job(values.get("off_job"))
        if off_job is None:
            errors.setdefault(
                "off_job",
                str(MSG_CHOOSE % {"value": cell_text(values.get("off_job")), "choices": f"{YES}、{NO}"}),
            )

        # The single-record form's rules, for the fields not already refused above.
        for key, message in check_record(
            name=text["name"],
            start=dates["start_date"],
            end=dates["end_date"],
            seconds=seconds,
            content=text["content"],
            place=text["place"],
            organiser=text["organiser"],
        ).items():
            if key in self.columns:
                errors.setdefault(key, message)

        if errors:
            return None, errors
        data = RecordData(
            category=self.category,
            form=form,
            name=text["name"],
            start_date=dates["start_date"],
            end_date=dates["end_date"],
            seconds=seconds,
            content=text["content"],
            place=text["place"],
            organiser=text["organiser"],
            assessment=assessment,
            off_job=off_job,
        )
        return data, {}

    def _off_job(self, value) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value)
        if not text:
            return False
        return self.yes_no.get(text)


def _is_blank(cell) -> bool:
    value = cell.value
    return value is None or (isinstance(value, str) and is_blank(value))


class _ValueCell:
    """A cell read on the values-only path (a workbook without formulas): just its value."""

    __slots__ = ("value",)
    data_type = "n"

    def __init__(self, value):
        self.value = value


def _read_rows(
    wb, category: str, columns: tuple[Column, ...], *, values_only: bool = False
) -> tuple[dict[str, int], list[tuple[int, dict]]]:
    """The header positions and the non-blank rows (row number, column key → cell); at most MAX_ROWS.

    With `values_only` (the workbook has no formula cells) openpyxl yields plain values, which is faster.
    Read through `SheetReader`: within the work bounds, every row present whatever the declared dimension.
    """
    _check_marker(wb, category)
    ws = _data_sheet(wb)
    positions = _header_positions(ws, columns)
    keys = [column.key for column in columns if column.key in positions]
    rows: list[tuple[int, dict]] = []
    max_col = max(positions.values())
    for row_number, row in SheetReader(ws, min_row=2, max_col=max_col, values_only=values_only):
        if values_only:
            cells = {
                key: _ValueCell(row[positions[key] - 1] if positions[key] <= len(row) else None)
                for key in keys
            }
        else:
            cells = {key: row[positions[key] - 1] for key in keys}
        if all(_is_blank(cell) for cell in cells.values()):
            continue  # a blank row, or something only in columns we do not read (a returned 错误说明)
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetRefused(MSG_TOO_MANY_ROWS % {"limit": f"{MAX_ROWS:,}"})
        rows.append((row_number, cells))
    return positions, rows


def parse_upload(data: bytes, *, category: str, employee: Employee) -> ParseResult:
    """Read and check every row of an uploaded workbook for `employee`'s `category` tab."""
    columns = COLUMNS[category]
    result = ParseResult(category=category, columns=columns)
    wb = open_xlsx(data)
    try:
        positions, rows = _read_rows(wb, category, columns, values_only=not has_formula_cells(data))
    except READ_ERRORS as exc:  # openpyxl parses lazily: damaged XML shows while reading rows
        raise SpreadsheetRefused(MSG_CORRUPT) from exc
    finally:
        wb.close()
    if not rows:
        raise SpreadsheetRefused(MSG_NO_ROWS)

    checker = _RowChecker(category, columns)
    keys = [column.key for column in columns]
    labels = {column.key: str(column.label) for column in columns}
    order = {key: index for index, key in enumerate(keys)}
    valid: list[tuple[int, RecordData]] = []
    for row_number, cells in rows:
        result.raw_rows.append((row_number, [_raw(cells[key]) if key in cells else None for key in keys]))
        if cell_text(cells["name"].value).startswith(EXAMPLE_PREFIX):
            result.duplicates.append({"row": row_number, "reason": "example", "message": str(MSG_EXAMPLE)})
            continue
        record, errors = checker.check(cells)
        for key in sorted(errors, key=order.__getitem__):
            result.errors.append(
                {
                    "row": row_number,
                    "key": key,
                    "column": labels[key],
                    "letter": get_column_letter(positions[key]),
                    "message": errors[key],
                }
            )
        if record is not None:
            valid.append((row_number, record))
    if not valid and not result.errors:
        raise SpreadsheetRefused(MSG_NO_ROWS)
    _split_duplicates(result, valid, employee)
    result.duplicates.sort(key=lambda item: item["row"])
    return result


def _raw(cell):
    """A cell's value as it will be written back into the returned workbook (formulae as their text)."""
    value = cell.value
    if is_formula(cell):
        return cell_text(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _split_duplicates(result: ParseResult, valid: list[tuple[int, RecordData]], employee: Employee) -> None:
    """Rows already registered, or repeated in the file, are skipped (the natural key, DOMAIN.md).

    Rows to add whose dates meet one of the person's records (any category) are flagged: a warning only.
    One query: the person's live records whose dates meet the file's whole date range.
    """
    if not valid:
        return
    low = min(record.start_date for _, record in valid)
    high = max(record.end_date for _, record in valid)
    existing_keys = set()
    intervals = []
    for category, name, start, end, seconds in (
        Record.objects.live()
        .filter(employee=employee, start_date__lte=high, end_date__gte=low)
        .values_list("category", "name", "start_date", "end_date", "seconds")
    ):
        intervals.append((start, end))
        if category == result.category:
            existing_keys.add((name, start, end, seconds))
    overlaps = _overlap_finder(intervals)
    first_row: dict[tuple, int] = {}
    for row_number, record in valid:
        key = (record.name, record.start_date, record.end_date, record.seconds)
        summary = {
            "row": row_number,
            "name": record.name,
            "start_date": record.start_date.isoformat(),
            "end_date": record.end_date.isoformat(),
            "seconds": record.seconds,
        }
        if key in existing_keys:
            result.duplicates.append({**summary, "reason": "existing", "message": str(MSG_EXISTING)})
        elif key in first_row:
            message = str(MSG_IN_FILE_DUPLICATE % {"row": first_row[key]})
            result.duplicates.append({**summary, "reason": "in_file", "message": message})
        else:
            first_row[key] = row_number
            result.rows.append(
                {
                    **summary,
                    "content": record.content,
                    "place": record.place,
                    "organiser": record.organiser,
                    "form": record.form,
                    "assessment": record.assessment,
                    "off_job": record.off_job,
                    "overlaps": overlaps(record.start_date, record.end_date),
                }
            )


def _overlap_finder(intervals: list[tuple[dt.date, dt.date]]):
    """A test "do [start, end] and any of the intervals meet?" in O(log n): sorted starts, running max of ends."""
    intervals.sort()
    starts = [start for start, _end in intervals]
    reach: list[dt.date] = []
    for _start, end in intervals:
        reach.append(max(end, reach[-1]) if reach else end)

    def overlaps(start: dt.date, end: dt.date) -> bool:
        index = bisect_right(starts, end)  # intervals starting on or before `end`
        return index > 0 and reach[index - 1] >= start

    return overlaps


def row_to_data(category: str, row: dict) -> RecordData:
    """A staged row back into the service's RecordData."""
    return RecordData(
        category=category,
        form=row["form"],
        name=row["name"],
        start_date=dt.date.fromisoformat(row["start_date"]),
        end_date=dt.date.fromisoformat(row["end_date"]),
        seconds=row["seconds"],
        content=row["content"],
        place=row["place"],
        organiser=row["organiser"],
        assessment=row["assessment"],
        off_job=row["off_job"],
    )
