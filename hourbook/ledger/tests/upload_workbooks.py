"""Building upload workbooks for the upload tests: the real template of a tab, filled with given rows."""

import datetime as dt
import io

from openpyxl import load_workbook

from hourbook.common.dates import today
from hourbook.ledger.uploads.columns import COLUMNS
from hourbook.ledger.uploads.workbook import build_template


def last_month(day: int = 1) -> dt.date:
    """A day safely in the past (the end date may not be after today)."""
    first = today().replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=day)


def good_row(n: int = 0, **overrides) -> dict:
    start = last_month(1)
    row = {
        "name": f"学术报告会{n}",
        "content": "报告与交流",
        "place": "北京",
        "organiser": "中国物理学会",
        "start_date": start,
        "end_date": start + dt.timedelta(days=1),
        "hours": 16,
        "form": "国内外学术会议、讲座",
        "assessment": "合格",
        "off_job": "否",
    }
    row.update(overrides)
    return row


def workbook_bytes(
    category: str, rows: list[dict], *, start_row: int = 2, keep_example: bool = False
) -> bytes:
    """The tab's template with `rows` written from `start_row` (None in a row list leaves a blank row)."""
    wb = load_workbook(io.BytesIO(build_template(category)))
    ws = wb.worksheets[0]
    keys = [column.key for column in COLUMNS[category]]
    if not keep_example:
        for index in range(1, len(keys) + 1):
            ws.cell(row=2, column=index).value = None
    for offset, row in enumerate(rows):
        if row is None:
            continue
        for index, key in enumerate(keys, start=1):
            if key in row:
                cell = ws.cell(row=start_row + offset, column=index)
                cell.value = row[key]
                if isinstance(row[key], dt.date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def fast_workbook_bytes(category: str, rows: list[dict]) -> bytes:
    """Many rows quickly (write-only), with the template's headers and hidden tab marker."""
    from openpyxl import Workbook

    from hourbook.ledger.uploads.workbook import META_MAGIC, META_SHEET, sheet_title

    columns = COLUMNS[category]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(category))
    ws.append([column.header for column in columns])
    for row in rows:
        ws.append([row.get(column.key) for column in columns])
    meta = wb.create_sheet(META_SHEET)
    meta.append([META_MAGIC, category, 1])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
