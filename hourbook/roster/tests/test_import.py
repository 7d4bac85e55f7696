"""Roster import (.xlsx): all or nothing, every error as "第 N 行 · 列名：信息", updates by ARP number, units
outside the admin's tree refused, formula cells refused, renamed / old / encrypted / bomb files refused."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hourbook.audit.models import AuditEntry
from hourbook.ledger.models import Record
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee
from hourbook.roster.imports import COLUMNS, MAX_ROWS, parse_roster
from hourbook.testing.factories import EmployeeFactory, RecordFactory

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADERS = [str(c) for c in COLUMNS]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(
    arp="700001",
    name="新职工",
    code="IOP",
    level="普通职工",
    since=None,
    phone="010-1",
    mobile="139",
    reg="是",
):
    return [arp, name, code, level, since, phone, mobile, reg]


def upload(client, data: bytes, name="名册.xlsx", **extra):
    return client.post(
        reverse("roster:import"), {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )


def test_good_file_creates_everyone(cast, login):
    data = workbook(
        [
            row("700001", "甲", "IOP"),
            row("700002", "乙", "IOP-HR", "处级及以上", dt.date(2024, 1, 1), reg="否"),
            row("700003", "丙", "IOP", since="2023/3/1"),
        ]
    )
    response = upload(login(cast.hr), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    b = Employee.objects.get(arp="700002")
    assert b.unit == cast.units["dept"] and not b.is_registered
    assert b.level_for_year(2025) == PositionLevel.SECTION_AND_ABOVE
    assert b.unit_for_year(2025) == cast.units["dept"]
    assert Employee.objects.filter(arp__in=["700001", "700003"], unit=cast.units["unit"]).count() == 2
    entry = AuditEntry.objects.get(action="roster.import")
    assert sorted(entry.data["created"]) == ["700001", "700002", "700003"]


def test_bad_rows_report_every_error_and_save_nothing(cast, login):
    data = workbook(
        [
            row("700001", "甲"),
            row("ARP 2", "", "NOPE", "科长", "2025-13-01", reg="也许"),
            row("700001", "丙", since=dt.date(2026, 1, 1)),
        ]
    )
    response = upload(login(cast.hr), data)
    errors = response.context["errors"]
    assert response.status_code == 422
    assert "第 3 行 · ARP编号：员工ARP编号只能由数字组成（最多 32 位）" in errors
    assert "第 3 行 · 姓名：此项为必填项" in errors
    assert "第 3 行 · 单位代码：单位代码“NOPE”不存在" in errors
    assert "第 3 行 · 职级：只能填写“普通职工”或“处级及以上”" in errors
    assert any(e.startswith("第 3 行 · 职级起始日期：日期格式") for e in errors)
    assert "第 3 行 · 在册正式职工：只能填写“是”或“否”" in errors
    assert "第 4 行 · ARP编号：与第 2 行的ARP编号重复" in errors
    assert "第 4 行 · 职级起始日期：不能晚于今天" in errors
    assert not Employee.objects.filter(arp="700001").exists()
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_update_by_arp_changes_details_level_and_unit(cast, login):
    """Same ARP number: an update. A new unit code is a transfer; this year's records move (DOMAIN.md)."""
    me = cast.employee.employee
    this_year = RecordFactory(employee=me, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 1))
    last_year = RecordFactory(employee=me, start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 1))
    count = Employee.objects.count()
    data = workbook(
        [row(me.arp, "张三（改）", "IOP-HR", "处级及以上", "2025年5月1日", phone=None, mobile="137")]
    )
    response = upload(login(cast.hr), data)
    assert response.status_code == 302
    me.refresh_from_db()
    assert Employee.objects.count() == count
    assert me.name == "张三（改）" and me.mobile == "137" and me.phone == ""
    assert me.unit == cast.units["dept"]
    assert me.level_for_year(2025) == PositionLevel.SECTION_AND_ABOVE
    assert me.level_for_year(2024) == PositionLevel.ORDINARY
    assert Record.objects.get(pk=this_year.pk).unit == cast.units["dept"]
    assert Record.objects.get(pk=last_year.pk).unit == cast.units["unit"]


def test_reimporting_the_same_file_changes_nothing(cast, login):
    client = login(cast.hr)
    data = workbook([row("700001", "甲", "IOP", "处级及以上", "2020-01-01")])
    upload(client, data)
    upload(client, data)
    entry = AuditEntry.objects.filter(action="roster.import").order_by("-pk").first()
    assert entry.data["created"] == [] and entry.data["updated"] == []
    assert Employee.objects.get(arp="700001").levels.count() == 1


def test_unit_code_outside_the_tree_is_refused(cast, login):
    data = workbook([row("700001", "甲", "IOP"), row("700002", "乙", "ICCAS")])
    response = upload(login(cast.hr), data)
    assert "第 3 行 · 单位代码：单位“ICCAS”不在您管理的范围内" in response.context["errors"]
    assert not Employee.objects.filter(arp__in=["700001", "700002"]).exists()


def test_arp_of_someone_outside_the_tree_is_refused(cast, login):
    """Updating by ARP number must not reach a person of another unit (and not move them into mine)."""
    outsider = cast.outsider.employee
    response = upload(login(cast.hr), workbook([row(outsider.arp, "改名", "IOP")]))
    assert "第 2 行 · ARP编号：该ARP编号属于您管理范围以外单位的职工，不能修改" in response.context["errors"]
    outsider.refresh_from_db()
    assert outsider.name == "王五" and outsider.unit == cast.units["sibling"]


def test_formula_cells_are_refused_with_row_and_column(cast, login):
    data = workbook([row("700001", '=HYPERLINK("http://x","甲")')])
    response = upload(login(cast.hr), data)
    assert response.context["errors"] == ["第 2 行 · 姓名：不能使用公式，请直接填写内容"]
    assert not Employee.objects.filter(arp="700001").exists()


def test_missing_column(cast, login):
    data = workbook([["700001", "甲"]], headers=["ARP编号", "姓名"])
    response = upload(login(cast.hr), data)
    assert response.context["errors"] == ["第 1 行 · 单位代码：缺少此列；请使用导入模板"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ARP\xe7\xbc\x96\xe5\x8f\xb7,\xe5\xa7\x93\xe5\x90\x8d\nA1,x\n", "不要只修改文件扩展名"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "加密"),
        (b"", "空文件"),
    ],
    ids=["renamed-csv", "xls", "encrypted", "empty"],
)
def test_files_that_are_not_xlsx_are_refused_clearly(cast, login, content, message):
    response = upload(login(cast.hr), content)
    assert response.status_code in (200, 422)
    assert message in " ".join(response.context["form"].errors["file"])
    assert Employee.objects.count() == 7


def test_wrong_extension_is_refused(cast, login):
    response = upload(login(cast.hr), workbook([row()]), name="roster.csv")
    assert "请上传 .xlsx 文件" in response.context["form"].errors["file"][0]


def test_zip_bomb_is_refused(cast, login):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024 * 1024))
    assert len(out.getvalue()) < 5 * 1024 * 1024
    response = upload(login(cast.hr), out.getvalue())
    assert "解压后超过 50 MB" in response.context["form"].errors["file"][0]


def test_file_over_5_mb_is_refused_before_reading(cast, login):
    response = upload(login(cast.hr), b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024 + 1))
    assert "超过 5 MB" in response.context["form"].errors["file"][0]


def test_more_than_5000_rows_is_refused(cast):
    rows = [row(f"8{n:05d}", "甲") for n in range(MAX_ROWS + 1)]
    with pytest.raises(Exception, match="超过 5000 行"):
        parse_roster(workbook(rows), actor=cast.hr)


def test_dry_run_saves_nothing(cast, login):
    response = upload(
        login(cast.hr), workbook([row(), row(cast.employee.employee.arp, "张三")]), dry_run="on"
    )
    assert response.context["plan"] == {"new": 1, "update": 1, "rows": 2}
    assert not Employee.objects.filter(arp="700001").exists()


def test_employee_cannot_import(cast, login):
    response = upload(login(cast.employee), workbook([row()]))
    assert response.status_code == 403
    assert not Employee.objects.filter(arp="700001").exists()


def test_template_round_trip(cast, login):
    """The downloaded template, with its example row, imports as is (and lists only the admin's units)."""
    client = login(cast.hr)
    response = client.get(reverse("roster:import_template"))
    data = response.content
    wb = load_workbook(io.BytesIO(data))
    sheet, codes = wb.worksheets
    assert [c.value for c in sheet[1]] == HEADERS
    assert {c.value for c in codes["A"][1:]} == {"IOP", "IOP-HR"}
    assert any("处级及以上" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)
    assert upload(client, data).status_code == 302
    assert Employee.objects.filter(arp="200300001", unit=cast.units["unit"]).exists()


def test_a_left_person_cannot_be_moved_by_import(cast, login):
    gone = EmployeeFactory(unit=cast.units["unit"], is_active=False, left_on=dt.date(2025, 2, 1))
    response = upload(login(cast.hr), workbook([row(gone.arp, gone.name, "IOP-HR")]))
    assert "第 2 行 · 单位代码：该职工已离职，不能调到其他单位" in response.context["errors"]


def test_imported_people_are_part_of_the_years_population(cast, login):
    """Bulk-created people get their yearly standing (unit and level), so the report and roster count them."""
    from hourbook.ledger.selectors import year_summaries

    upload(login(cast.hr), workbook([row("700001", "甲", "IOP-HR", "处级及以上", "2024-01-01")]))
    employee = Employee.objects.get(arp="700001")
    summary = year_summaries(2025, Employee.objects.filter(pk=employee.pk))[employee.pk]
    assert summary.unit_id == cast.units["dept"].pk
    assert summary.level == PositionLevel.SECTION_AND_ABOVE and summary.training_required == 110 * 3600


def test_arp_numbers_that_are_usernames_are_refused_and_numeric_cells_are_read(cast, login):
    """Issue 8: an ARP number `HR_BJ` took the login of the account `hr_bj`. ARP numbers are digits, and a
    spreadsheet that stores them as numbers is read as the same digits."""
    data = workbook([row("HR_BJ", "甲"), row(700005, "乙")])
    errors = upload(login(cast.hr), data).context["errors"]
    assert errors == ["第 2 行 · ARP编号：员工ARP编号只能由数字组成（最多 32 位）"]
    assert upload(login(cast.hr), workbook([row(700005, "乙")])).status_code == 302
    assert Employee.objects.filter(arp="700005", name="乙").exists()


# Work bounds and rows lost without a word (issue 8, items 9 and 20): the roster import reads through the
# same bounded reader as the records upload. No test here times anything; the meter counts openpyxl's work.


def _arps(n: int) -> list[str]:
    base = row()[0][:-2]  # the default number, whatever its format, with its last two digits varied
    return [f"{base}{i:02d}" for i in range(n)]


@pytest.mark.parametrize("hostile", ["row_bomb", "many_sheets"])
def test_row_bomb_and_thousand_sheets_are_refused_before_parsing(cast, login, hostile):
    from hourbook.testing.hostile_xlsx import many_sheets, row_bomb, xml_work_meter

    data = row_bomb(workbook([row()])) if hostile == "row_bomb" else many_sheets(1000)
    with xml_work_meter() as work:
        response = upload(login(cast.hr), data)
    message = response.context["form"].errors["file"][0]
    assert ("行或单元格过多" if hostile == "row_bomb" else "工作簿有 20 个以上工作表") in message
    assert work.elements == 0
    assert not Employee.objects.filter(arp=row()[0]).exists()


def test_a_stale_dimension_loses_no_row(cast):
    from hourbook.testing.hostile_xlsx import with_dimension

    data = workbook([row(arp, f"职工{i}") for i, arp in enumerate(_arps(10))])
    parsed = parse_roster(with_dimension(data, "A1:B3"), actor=cast.hr)
    assert parsed.errors == []
    assert [r.arp for r in parsed.rows] == _arps(10)


def test_invisible_name_is_required(cast):
    """Issue 8, item 11: a name of zero-width spaces showed as blank."""
    first, second = _arps(2)
    parsed = parse_roster(
        workbook([row(first, "\u200b\u200b"), row(second, "\u200b新职工\ufeff")]), actor=cast.hr
    )
    assert parsed.errors == ["第 2 行 · 姓名：此项为必填项"]
    assert [(r.arp, r.name) for r in parsed.rows] == [(second, "新职工")]
