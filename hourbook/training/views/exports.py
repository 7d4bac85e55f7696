"""Exports of one programme: the attendance sheet and the registered hours (.xlsx), a printable sign-in sheet."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hourbook.common.hours import seconds_to_hours
from hourbook.ledger.choices import Assessment

from ..choices import AttendanceStatus
from ..selectors import attendance_marks, programme_records, programme_sessions, programme_trainees
from ..xlsx import fit_columns, new_workbook, workbook_response, write_row
from .common import managed_programme, require_manager


@login_required
@require_GET
def export_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """考勤表: one row per trainee, one column per session, then absence and the assessment result."""
    programme = managed_programme(request, pk)
    sessions = programme_sessions(programme)
    marks = attendance_marks(programme)
    labels = dict(AttendanceStatus.choices)
    results = dict(Assessment.choices)
    headers = [_("序号"), _("员工姓名"), _("员工ARP编号"), _("单位名称")]
    headers += [f"{s.date:%Y-%m-%d} {s.get_length_display()}" for s in sessions]
    headers += [_("缺勤（含请假）学时"), _("考核结果")]
    workbook, sheet = new_workbook(_("考勤表"), headers)
    for number, trainee in enumerate(programme_trainees(programme), start=1):
        absent = 0
        cells = []
        for session in sessions:
            status = marks.get((trainee.pk, session.pk), "")
            if status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE):
                absent += session.seconds
            cells.append(labels.get(status, _("未记录")))
        write_row(
            sheet,
            [
                number,
                trainee.employee.name,
                trainee.employee.arp,
                trainee.employee.unit.name,
                *cells,
                float(seconds_to_hours(absent)),
                results[trainee.assessment] if programme.assessed else "",
            ],
        )
    fit_columns(sheet, {1: 6, 2: 12, 3: 14, 4: 22})
    return workbook_response(workbook, f"{programme.name}-考勤表.xlsx")


@login_required
@require_GET
def export_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """登记学时: the live ledger records of the programme, as registered (with zero reasons)."""
    programme = managed_programme(request, pk)
    records = programme_records(programme)
    headers = [
        _("员工姓名"),
        _("员工ARP编号"),
        _("计入单位"),
        _("年度"),
        _("培训名称"),
        _("开始时间"),
        _("结束时间"),
        _("学时"),
        _("计入学时"),
        _("不计学时原因"),
        _("考核结果"),
        _("是否脱产"),
    ]
    workbook, sheet = new_workbook(_("登记学时"), headers)
    for record in records:
        write_row(
            sheet,
            [
                record.employee.name,
                record.employee.arp,
                record.unit.name,
                record.year,
                record.name,
                record.start_date,
                record.end_date,
                float(seconds_to_hours(record.seconds)),
                float(seconds_to_hours(record.credited_seconds)),
                record.get_zero_reason_display() if record.zero_reason else "",
                record.get_assessment_display(),
                _("是") if record.off_job else _("否"),
            ],
        )
    fit_columns(sheet, {1: 12, 2: 14, 3: 22, 5: 30, 10: 40})
    return workbook_response(workbook, f"{programme.name}-登记学时.xlsx")


@login_required
@require_GET
def signin_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """签到表: names and ARP numbers with one signature column per session, laid out for printing."""
    programme = managed_programme(request, pk)
    return render(
        request,
        "training/signin_sheet.html",
        {
            "programme": programme,
            "sessions": programme_sessions(programme),
            "trainees": list(programme_trainees(programme)),
        },
    )


@login_required
@require_GET
def trainee_template(request: HttpRequest) -> HttpResponse:
    """导入模板 of a trainee list: one column of ARP numbers (a name column is optional and ignored)."""
    require_manager(request)
    workbook, sheet = new_workbook(_("学员名单"), [_("员工ARP编号"), _("员工姓名（可不填）")])
    write_row(sheet, ["200300001", _("张三")])
    for cell in sheet["A"]:
        cell.number_format = "@"
    fit_columns(sheet, {1: 18, 2: 20})
    return workbook_response(workbook, "学员名单模板.xlsx")
