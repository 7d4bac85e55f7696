"""Writing the upload template of a tab, and the workbook handed back with the bad cells marked.

The template: the tab's headers (required ones with "*", each with a comment saying what goes there), one
example row, drop-downs for 培训形式 / 考核结果 / 是否脱产, date columns formatted yyyy-mm-dd, column widths,
a 填写说明 sheet, and a hidden sheet naming the tab so another tab's template is recognised on upload.

The workbook handed back is the same template (so it can be fixed and uploaded again) holding the uploaded
rows at their original row numbers; each bad cell has a red fill and a comment with its message, and each bad
row says everything wrong with it in a last 错误说明 column.
"""

import io

from django.utils.translation import gettext as _g
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hourbook.common.xlsx import DATE_FORMAT, set_text, set_value

from ..choices import Category
from .columns import COLUMNS, NO, YES, Column, assessment_labels, example_row, form_labels

MAX_ROWS = 5000  # DOMAIN.md decision: at most 5,000 rows per upload
META_SHEET = "_hourbook"
META_MAGIC = "hourbook-upload-template"
META_VERSION = 1
AUTHOR = "Hourbook"

ERROR_FILL = PatternFill(fill_type="solid", start_color="FFFF9999", end_color="FFFF9999")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
EXAMPLE_FONT = Font(italic=True, color="FF7F7F7F")
REQUIRED_FONT = Font(bold=True, color="FFC00000")
ERROR_FONT = Font(color="FFC00000")


def sheet_title(category: str) -> str:
    return str(Category(category).label)


def instructions_title() -> str:
    return _g("填写说明")


def error_column_header() -> str:
    return _g("错误说明")


def _list_validation(values: list[str], prompt: str) -> DataValidation:
    formula = '"' + ",".join(values) + '"'
    if len(formula) > 257:  # Excel's limit for an inline list is 255 characters between the quotes
        raise ValueError("drop-down list too long for an inline list")
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the in-cell arrow
        showErrorMessage=True,
        errorTitle=_g("请从下拉列表中选择"),
        error=prompt,
    )


def _new_workbook(category: str, *, example: bool) -> tuple[Workbook, tuple[Column, ...]]:
    columns = COLUMNS[category]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(category)
    ws.freeze_panes = "A2"
    last_row = MAX_ROWS + 1

    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        set_text(cell, column.header)
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.help:
            cell.comment = Comment(str(column.help), AUTHOR, width=260, height=80)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.key in ("start_date", "end_date"):
            dimension.number_format = DATE_FORMAT
        cell_range = f"{letter}2:{letter}{last_row}"
        if column.key == "form":
            dv = _list_validation(form_labels(), _g("培训形式须为第五条规定的九种形式之一"))
        elif column.key == "assessment":
            dv = _list_validation(assessment_labels(), _g("考核结果须为 合格、不合格 或 无考核"))
        elif column.key == "off_job":
            dv = _list_validation([str(YES), str(NO)], _g("是否脱产须为 是 或 否"))
        elif column.key == "hours":
            dv = DataValidation(
                type="decimal",
                operator="greaterThan",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=_g("学时须为数字"),
                error=_g("学时须为大于零的数字，最多两位小数"),
            )
        else:
            dv = None
        if dv is not None:
            dv.add(cell_range)
            ws.add_data_validation(dv)

    if example:
        values = example_row(category)
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=2, column=index)
            set_value(cell, values.get(column.key))
            cell.font = EXAMPLE_FONT

    notes = wb.create_sheet(instructions_title())
    notes.column_dimensions["A"].width = 100
    lines = [
        _g("《%(tab)s》批量上传说明") % {"tab": sheet_title(category)},
        _g("1. 在第一个工作表第 1 行表头下方逐行填写，每行一条记录；带 * 的列必填。"),
        _g("2. 第 2 行为示例，以“【示例】”开头的行上传时会被忽略，可直接删除或覆盖。"),
        _g("3. 日期填写为日期单元格，或文字 2025-03-01、2025/3/1、2025年3月1日；结束时间不能晚于今天。"),
        _g("4. 学时填写数字（最多两位小数），不能超过 8 × 日期范围天数（首尾两天都算，第十条）。"),
        _g("5. 不要使用公式；培训形式、考核结果、是否脱产请从下拉列表选择。"),
        _g("6. 每个文件最多 5,000 行、5 MB。所有行都正确才会导入；已存在的相同记录会跳过。"),
        _g(
            "7. 请在下载模板的同一页面上传（不同类别的模板不能混用）；不需要填写 ARP 编号，记录都属于上传人。"
        ),
    ]
    for row, line in enumerate(lines, start=1):
        set_text(notes.cell(row=row, column=1), line)
    notes["A1"].font = Font(bold=True, size=13)

    meta = wb.create_sheet(META_SHEET)
    meta["A1"] = META_MAGIC
    meta["B1"] = category
    meta["C1"] = META_VERSION
    meta.sheet_state = "hidden"
    wb.active = 0
    return wb, columns


def _bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_template(category: str) -> bytes:
    """The .xlsx template of one 我的外部学习 tab."""
    wb, _columns = _new_workbook(category, example=True)
    return _bytes(wb)


def build_error_workbook(category: str, raw_rows: list[tuple[int, list]], errors: list[dict]) -> bytes:
    """The uploaded rows, at their row numbers, with every bad cell filled red and commented.

    raw_rows: (row number, values in the tab's column order) as read. errors: dicts with row, key, message.
    """
    wb, columns = _new_workbook(category, example=False)
    ws = wb.worksheets[0]
    for row_number, values in raw_rows:
        for index, value in enumerate(values, start=1):
            if value is not None:
                set_value(ws.cell(row=row_number, column=index), value)

    error_col = len(columns) + 1
    header = ws.cell(row=1, column=error_col)
    set_text(header, error_column_header())
    header.font = REQUIRED_FONT
    ws.column_dimensions[get_column_letter(error_col)].width = 60
    position = {column.key: index for index, column in enumerate(columns, start=1)}
    by_cell: dict[tuple[int, int], list[str]] = {}
    by_row: dict[int, list[str]] = {}
    for error in errors:
        col = position[error["key"]]
        by_cell.setdefault((error["row"], col), []).append(error["message"])
        by_row.setdefault(error["row"], []).append(f"{error['column']}：{error['message']}")
    for (row_number, col), messages in by_cell.items():
        cell = ws.cell(row=row_number, column=col)
        cell.fill = ERROR_FILL
        cell.comment = Comment("\n".join(messages), AUTHOR, width=300, height=100)
    for row_number, messages in by_row.items():
        cell = ws.cell(row=row_number, column=error_col)
        set_text(cell, "；".join(messages))
        cell.font = ERROR_FONT
    return _bytes(wb)
