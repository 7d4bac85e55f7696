"""Exports of a programme: attendance sheet and registered hours (.xlsx, formula-safe), printable sign-in sheet."""

import datetime as dt
import io
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from openpyxl import load_workbook

from hourbook.testing.factories import EmployeeFactory
from hourbook.training.choices import AttendanceStatus, SessionLength
from hourbook.training.services import programme_register_hours
from hourbook.training.tests.factories import enrol, make_programme, mark, past_days

D = dt.date(2025, 4, 7)


def sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_attendance_sheet(cast, login):
    programme = make_programme(cast.units["unit"], past_days(7, SessionLength.HALF, D), name="=HYPERLINK(1)")
    sly = EmployeeFactory(name="=cmd|' /C calc'!A0", unit=cast.units["unit"])
    _t1, t2 = enrol(programme, [cast.employee.employee, sly])
    mark(t2, programme.sessions.order_by("date").first(), AttendanceStatus.LEAVE)
    ws = sheet(login(cast.manager).get(reverse("training:export_attendance", args=[programme.pk])))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "员工姓名", "员工ARP编号", "单位名称")
    assert rows[0][4] == "2025-04-07 半天" and rows[0][-2:] == ("缺勤（含请假）学时", "考核结果")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["张三"][4:11] == ("出勤",) * 7 and by_name["张三"][11] == 0
    assert by_name[sly.name][4] == "请假" and by_name[sly.name][11] == 4
    # A name that begins with "=" is written as text, never as a formula.
    cell = next(c for c in ws["B"] if c.value == sly.name)
    assert cell.data_type == "s"


def test_hours_export_lists_registered_records(cast, login):
    programme = make_programme(cast.units["unit"], past_days(7, SessionLength.HALF, D), name="-2+3 系列讲座")
    _t1, t2 = enrol(programme, [cast.employee.employee, cast.colleague.employee])
    mark(t2, programme.sessions.order_by("date").first(), AttendanceStatus.ABSENT)
    programme_register_hours(actor=cast.manager, programme=programme)
    ws = sheet(login(cast.hr).get(reverse("training:export_hours", args=[programme.pk])))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("员工姓名", "员工ARP编号", "计入单位")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["张三"][7:10] == (28, 28, None)
    assert by_name["李四"][7:9] == (28, 0) and "1/7" in by_name["李四"][9]
    assert by_name["张三"][5] == dt.datetime(2025, 4, 7)
    title = next(c for c in ws["E"] if c.value == "-2+3 系列讲座")
    assert title.data_type == "s"


def test_sign_in_sheet_has_a_column_per_session(cast, login):
    programme = make_programme(cast.units["unit"], past_days(3, SessionLength.DAY, D), place="化学楼 101")
    enrol(programme, [cast.employee.employee, cast.colleague.employee])
    response = login(cast.manager).get(reverse("training:signin_sheet", args=[programme.pk]))
    body = response.content.decode()
    assert "化学楼 101" in body
    # The print layout is a static stylesheet (the Content-Security-Policy refuses an inline <style>).
    css = re.search(r'<link rel="stylesheet" href="([^"]*signin_sheet[^"]*\.css)">', body).group(1)
    assert "@media print" in Path(finders.find(css.removeprefix(settings.STATIC_URL))).read_text()
    assert body.count('<td class="sign"></td>') == 6
    assert cast.employee.employee.arp in body and "李四" in body


def test_trainee_template_is_a_workbook(cast, login):
    ws = sheet(login(cast.manager).get(reverse("training:trainee_template")))
    assert ws["A1"].value == "员工ARP编号"
