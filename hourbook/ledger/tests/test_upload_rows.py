"""Row checks of an upload: the single-record form's rules, every error addressed as 第 N 行 · 列名.

DOMAIN.md, Hours: at most 8 × the days of the range, counted inclusively (第十条); the end date not after
today; dates as date cells or text in three formats; formula cells and text in hour cells refused.
"""

import datetime as dt

import pytest

from hourbook.common.dates import today
from hourbook.common.xlsx import SpreadsheetRefused
from hourbook.ledger.choices import Assessment, Category, Form
from hourbook.ledger.uploads.parse import parse_upload, row_error_text
from hourbook.testing.factories import RecordFactory
from hourbook.testing.hostile_xlsx import rewrite_parts, with_dimension, xml_work_meter

from .upload_workbooks import fast_workbook_bytes, good_row, last_month, workbook_bytes

TRAINING = Category.EXTERNAL_TRAINING


def parse(employee, rows, category=TRAINING, **kwargs):
    return parse_upload(workbook_bytes(category, rows, **kwargs), category=category, employee=employee)


def error_texts(result) -> list[str]:
    return [row_error_text(error) for error in result.errors]


@pytest.fixture
def employee(cast):
    return cast.employee.employee


def test_good_rows_become_record_data(employee):
    result = parse(employee, [good_row(1), good_row(2, hours=7.5, off_job="是", assessment="不合格")])
    assert result.errors == []
    assert [row["row"] for row in result.rows] == [2, 3]
    first, second = result.rows
    assert first["seconds"] == 16 * 3600
    assert first["form"] == Form.CONFERENCE
    assert first["assessment"] == Assessment.PASSED
    assert first["off_job"] is False
    assert (second["seconds"], second["off_job"], second["assessment"]) == (27000, True, Assessment.FAILED)


def test_blank_optional_cells_take_the_tab_defaults(employee):
    row = good_row(form=None, assessment=None, off_job=None, content=None, place=None, organiser=None)
    result = parse(employee, [row], category=Category.SELF_STUDY)
    assert result.errors == []
    assert result.rows[0]["form"] == Form.SELF_STUDY
    assert result.rows[0]["assessment"] == Assessment.NONE
    assert result.rows[0]["off_job"] is False


def test_reversed_dates(employee):
    start = last_month(10)
    result = parse(employee, [good_row(start_date=start, end_date=start - dt.timedelta(days=3), hours=8)])
    assert error_texts(result) == ["第 2 行 · 结束时间：结束时间不能早于开始时间"]
    assert result.rows == []


def test_hours_over_eight_per_day(employee):
    """第十条 and DOMAIN.md: 2 days (counted inclusively) allow 16 学时, not 16.01."""
    result = parse(employee, [good_row(1, hours=16), good_row(2, hours=16.01)])
    assert error_texts(result) == ["第 3 行 · 学时：学时不能超过 16（2 天 × 8 学时，第十条）"]
    assert [row["row"] for row in result.rows] == [2]


@pytest.mark.parametrize("value", ["八", "8学时", "8"])
def test_text_in_an_hour_cell(employee, value):
    result = parse(employee, [good_row(hours=value)])
    assert error_texts(result) == [f"第 2 行 · 学时：学时须为数字，不能是文字（单元格内容：{value}）"]


@pytest.mark.parametrize(
    ("value", "message"), [(0, "学时必须大于零"), (-4, "学时必须大于零"), (1.234, "学时最多保留两位小数")]
)
def test_hours_positive_with_two_decimals(employee, value, message):
    result = parse(employee, [good_row(hours=value)])
    assert error_texts(result) == [f"第 2 行 · 学时：{message}"]


def test_formula_cells_refused_with_row_and_column(employee):
    result = parse(employee, [good_row(1), good_row(2, hours="=SUM(1,2)"), good_row(3, name="=A2")])
    assert error_texts(result) == [
        "第 3 行 · 学时：不能使用公式（=SUM(1,2)），请直接填写内容",
        "第 4 行 · 培训名称：不能使用公式（=A2），请直接填写内容",
    ]
    assert {(e["row"], e["letter"]) for e in result.errors} == {(3, "G"), (4, "A")}


def test_end_date_after_today(employee):
    start = today()
    result = parse(employee, [good_row(start_date=start, end_date=start + dt.timedelta(days=1))])
    assert error_texts(result) == ["第 2 行 · 结束时间：结束时间不能晚于今天"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-03-01", "2025-03-02"),
        ("2025/3/1", "2025/3/2"),
        ("2025年3月1日", "2025年3月2日"),
        (" 2025-3-1 ", "2025/03/02"),
    ],
)
def test_dates_as_text(employee, start, end):
    result = parse(employee, [good_row(start_date=start, end_date=end)])
    assert result.errors == []
    assert (result.rows[0]["start_date"], result.rows[0]["end_date"]) == ("2025-03-01", "2025-03-02")


@pytest.mark.parametrize("value", ["2025-13-01", "2025.3.1", "3/1/2025", "下周一", 45000])
def test_dates_that_are_not_dates(employee, value):
    result = parse(employee, [good_row(start_date=value)], start_row=3)  # a cell without a date format
    assert error_texts(result) == [
        "第 3 行 · 开始时间：日期格式不正确，请填写日期，如 2025-03-01、2025/3/1 或 2025年3月1日"
    ]


def test_every_error_of_every_row_is_reported(employee):
    rows = [
        good_row(1),
        good_row(2, name="", hours=None),
        None,  # a blank row keeps the numbering Excel shows
        good_row(3, form="随便什么", assessment="优秀", off_job="也许", start_date=None),
    ]
    result = parse(employee, rows)
    assert error_texts(result) == [
        "第 3 行 · 培训名称：此项为必填项",
        "第 3 行 · 学时：此项为必填项",
        "第 5 行 · 开始时间：此项为必填项",
        "第 5 行 · 培训形式：“随便什么”不在下拉列表中，请选择："
        + "、".join(str(label) for label in Form.labels),
        "第 5 行 · 考核结果：“优秀”不在下拉列表中，请选择：合格、不合格、无考核",
        "第 5 行 · 是否脱产：“也许”不在下拉列表中，请选择：是、否",
    ]
    assert [row["row"] for row in result.rows] == [2]


def test_long_name_and_place(employee):
    result = parse(employee, [good_row(name="名" * 201, place="地" * 201)])
    assert error_texts(result) == [
        "第 2 行 · 培训名称：培训名称不能超过 200 个字",
        "第 2 行 · 培训地点：不能超过 200 个字",
    ]


def test_example_row_is_ignored_and_existing_rows_skipped(employee):
    RecordFactory(
        employee=employee,
        category=TRAINING,
        name="学术报告会1",
        start_date=last_month(1),
        end_date=last_month(2),
        seconds=16 * 3600,
    )
    result = parse(employee, [good_row(1), good_row(2), good_row(2)], start_row=3, keep_example=True)
    assert result.errors == []
    assert [row["row"] for row in result.rows] == [4]
    assert [(d["row"], d["reason"]) for d in result.duplicates] == [
        (2, "example"),
        (3, "existing"),
        (5, "in_file"),
    ]
    assert result.duplicates[2]["message"] == "与第 4 行相同，跳过"


def test_deleted_and_other_peoples_records_are_not_duplicates(employee, cast):
    from django.utils import timezone

    key = {
        "category": TRAINING,
        "name": "学术报告会1",
        "start_date": last_month(1),
        "end_date": last_month(2),
    }
    RecordFactory(employee=employee, seconds=16 * 3600, deleted_at=timezone.now(), **key)
    RecordFactory(employee=cast.colleague.employee, seconds=16 * 3600, **key)
    RecordFactory(employee=employee, seconds=8 * 3600, **key)  # other hours: another record
    result = parse(employee, [good_row(1)])
    assert [row["row"] for row in result.rows] == [2]


def test_columns_matched_by_header_not_position(employee):
    """A person may reorder columns or keep the returned 错误说明 column; headers decide."""
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["学时", "结束时间*", "开始时间", "培训名称＊", "错误说明"])
    ws.append([8, "2025-03-01", "2025-03-01", "讲座", "上次的错误"])
    ws.append([None, None, None, None, "只有说明的行被忽略"])
    buffer = BytesIO()
    wb.save(buffer)
    result = parse_upload(buffer.getvalue(), category=TRAINING, employee=employee)
    assert result.errors == []
    assert [(r["row"], r["name"], r["seconds"]) for r in result.rows] == [(2, "讲座", 8 * 3600)]


def test_row_limit_counts_rows_with_content(employee):
    rows = [good_row(n) for n in range(5001)]
    with pytest.raises(SpreadsheetRefused, match="数据超过 5,000 行"):
        parse_upload(fast_workbook_bytes(TRAINING, rows), category=TRAINING, employee=employee)


def test_five_thousand_rows_parse_with_bounded_work(employee, monkeypatch, django_assert_num_queries):
    """Issue 8, item 19: what does not depend on the machine's load, instead of a time limit (the time is
    in bench/bench_upload.py): every row read once on the values-only path, the XML parsed at most twice
    (a write-only workbook declares no dimension, so openpyxl sizes the sheet by parsing it), one query."""
    import hourbook.ledger.uploads.parse as parse_module

    readers = []

    class SpyReader(parse_module.SheetReader):
        def __init__(self, ws, **kwargs):
            super().__init__(ws, **kwargs)
            readers.append(self)

    monkeypatch.setattr(parse_module, "SheetReader", SpyReader)
    rows = [good_row(n) for n in range(5000)]
    data = fast_workbook_bytes(TRAINING, rows)
    with xml_work_meter(budget=10**7) as work, django_assert_num_queries(1):  # the person's existing records
        result = parse_upload(data, category=TRAINING, employee=employee)
    assert len(result.rows) == 5000 and not result.errors
    data_reader = readers[-1]
    assert data_reader.values_only and data_reader.min_row == 2
    assert (data_reader.rows_read, data_reader.blank_rows) == (5000, 0)
    # Each row: <row>, and per cell <c> with <is><t> (inline text) or <v>: at most 4 elements per cell.
    assert work.elements <= 2 * 5001 * (1 + 4 * len(rows[0]))


# Rows lost without a word (issue 8, item 20).


def test_a_stale_dimension_loses_no_row(employee):
    """A 10-row sheet declaring A1:B3 (some exporters write a stale or one-cell dimension): all 10 rows."""
    data = workbook_bytes(TRAINING, [good_row(n) for n in range(10)])
    for ref in ("A1:B3", "A1", "A1:XFD1048576"):
        result = parse_upload(with_dimension(data, ref), category=TRAINING, employee=employee)
        assert result.errors == []
        assert [row["row"] for row in result.rows] == list(range(2, 12)), ref


# Extreme numbers (issue 8, item 12): the ordinary cell error, never a 500.


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1E+400", "学时数值超出范围"),  # infinity once read as a float
        ("-1E+400", "学时数值超出范围"),
        ("1E+308", "学时数值超出范围"),
        ("1E-400", "学时必须大于零"),
        ("-0", "学时必须大于零"),
    ],
)
def test_extreme_numbers_in_an_hour_cell(employee, number, message):
    data = workbook_bytes(TRAINING, [good_row(hours=12345.67)])
    data = rewrite_parts(
        data, lambda name, content: content.replace(b"<v>12345.67</v>", f"<v>{number}</v>".encode())
    )
    result = parse_upload(data, category=TRAINING, employee=employee)
    assert [error["column"] for error in result.errors] == ["学时"]
    assert message in result.errors[0]["message"]
    assert result.rows == []


# Free text (issue 8, items 10 and 11).


def test_invisible_names_are_empty(employee):
    result = parse(employee, [good_row(1, name="\u200b\u200b\ufeff"), good_row(2, name="\u200b讲座\u3000")])
    assert error_texts(result) == ["第 2 行 · 培训名称：此项为必填项"]
    assert [row["name"] for row in result.rows] == ["讲座"]


def test_every_text_column_has_its_maximum(employee):
    result = parse(
        employee,
        [
            good_row(1, content="内" * 2000, place="地" * 200, organiser="办" * 200),
            good_row(2, content="内" * 2001, organiser="办" * 201),
        ],
    )
    assert error_texts(result) == [
        "第 3 行 · 培训内容：不能超过 2000 个字",
        "第 3 行 · 举办单位：不能超过 200 个字",
    ]
    assert [row["row"] for row in result.rows] == [2]


def test_overlap_finder_matches_brute_force():
    import random

    from hourbook.ledger.uploads.parse import _overlap_finder

    rng = random.Random(7)
    base = dt.date(2025, 1, 1)
    for _ in range(200):
        intervals = []
        for _ in range(rng.randint(0, 8)):
            start = base + dt.timedelta(days=rng.randint(0, 60))
            intervals.append((start, start + dt.timedelta(days=rng.randint(0, 10))))
        overlaps = _overlap_finder(list(intervals))
        start = base + dt.timedelta(days=rng.randint(0, 70))
        end = start + dt.timedelta(days=rng.randint(0, 5))
        assert overlaps(start, end) == any(s <= end and e >= start for s, e in intervals)
