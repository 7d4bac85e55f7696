"""培训实施: adding trainees by search and by an ARP list, the attendance grid, registering from the page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from hourbook.ledger.choices import Assessment
from hourbook.ledger.models import Record
from hourbook.testing.factories import EmployeeFactory
from hourbook.training.choices import AttendanceStatus, SessionLength
from hourbook.training.models import Attendance, Trainee
from hourbook.training.tests.factories import enrol, make_programme, past_days

D = dt.date(2025, 4, 7)
P, A, L = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE


@pytest.fixture
def programme(cast):
    return make_programme(cast.units["unit"], past_days(3, SessionLength.HALF, D), name="科研诚信系列讲座")


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


def listed(programme) -> list[str]:
    return sorted(programme.trainees.values_list("employee__arp", flat=True))


# --- search -------------------------------------------------------------------------------------------


def test_search_finds_active_employees_of_the_whole_academy(cast, login, programme):
    """Any active employee of the academy may be a trainee, whatever the unit; inactive ones are not found."""
    EmployeeFactory(name="李白", unit=cast.units["sibling"])
    EmployeeFactory(name="李贺", unit=cast.units["root"], is_active=False, left_on=dt.date(2024, 1, 1))
    response = login(cast.manager).get(
        reverse("training:employee_search", args=[programme.pk]), {"q": "李"}, headers={"HX-Request": "true"}
    )
    names = [e.name for e in response.context["page"]]
    assert sorted(names) == ["李四", "李白"]
    assert "<html" not in response.content.decode()


def test_search_is_paginated_by_twenty(cast, login, programme):
    for i in range(45):
        EmployeeFactory(name=f"陈{i:02d}", unit=cast.units["parent"])
    url = reverse("training:employee_search", args=[programme.pk])
    client = login(cast.manager)
    first = client.get(url, {"q": "陈"})
    assert len(first.context["page"].object_list) == 20 and first.context["page"].paginator.num_pages == 3
    third = client.get(url, {"q": "陈", "page": 3})
    assert len(third.context["page"].object_list) == 5


def test_search_marks_those_already_on_the_list(cast, login, programme):
    enrol(programme, [cast.colleague.employee])
    response = login(cast.manager).get(
        reverse("training:employee_search", args=[programme.pk]), {"q": "李四"}
    )
    assert [e.on_list for e in response.context["page"]] == [True]
    assert "已在名单" in response.content.decode()


# --- adding -------------------------------------------------------------------------------------------


def test_add_by_search_selection(cast, login, programme):
    far = EmployeeFactory(name="远方", unit=cast.units["sibling"])
    response = login(cast.manager).post(
        reverse("training:trainee_add", args=[programme.pk]),
        {"employee": [cast.employee.employee.pk, far.pk]},
    )
    assert response.status_code == 302
    assert listed(programme) == sorted([cast.employee.employee.arp, far.arp])


def test_a_trainee_cannot_be_added_twice(cast, login, programme):
    enrol(programme, [cast.employee.employee])
    client = login(cast.manager)
    client.post(
        reverse("training:trainee_add", args=[programme.pk]),
        {"employee": [cast.employee.employee.pk, cast.colleague.employee.pk]},
    )
    assert listed(programme) == [cast.employee.employee.arp]  # all or nothing: 李四 not added either
    page = client.get(reverse("training:programme_detail", args=[programme.pk])).content.decode()
    assert "已在学员名单中，不能重复添加" in page


def test_an_inactive_employee_cannot_be_added(cast, login, programme):
    gone = EmployeeFactory(
        name="已离职", unit=cast.units["unit"], is_active=False, left_on=dt.date(2025, 1, 1)
    )
    login(cast.manager).post(reverse("training:trainee_add", args=[programme.pk]), {"employee": [gone.pk]})
    assert listed(programme) == []


def test_import_adds_the_list(cast, login, programme):
    employees = [EmployeeFactory(unit=cast.units["sibling"]) for _ in range(3)]
    rows = [["员工ARP编号", "员工姓名"], *[[e.arp, e.name] for e in employees], [employees[0].arp, "重复"]]
    client = login(cast.manager)
    response = client.post(reverse("training:trainee_import", args=[programme.pk]), {"file": xlsx(rows)})
    assert response.status_code == 302
    assert listed(programme) == sorted(e.arp for e in employees)
    # The same file again adds nothing and says so.
    client.post(reverse("training:trainee_import", args=[programme.pk]), {"file": xlsx(rows)})
    assert programme.trainees.count() == 3
    page = client.get(reverse("training:programme_detail", args=[programme.pk])).content.decode()
    assert "已跳过" in page


def test_import_reports_unknown_and_inactive_numbers_by_row_and_adds_nobody(cast, login, programme):
    good = EmployeeFactory(unit=cast.units["unit"])
    gone = EmployeeFactory(unit=cast.units["unit"], is_active=False, left_on=dt.date(2025, 1, 1))
    rows = [["员工ARP编号"], [good.arp], ["ARP999999"], [gone.arp]]
    client = login(cast.manager)
    response = client.post(reverse("training:trainee_import", args=[programme.pk]), {"file": xlsx(rows)})
    assert response.status_code == 302
    assert listed(programme) == []
    page = client.get(reverse("training:programme_detail", args=[programme.pk]))
    errors = page.context["import_errors"]
    assert errors == [
        "第 3 行 · 员工ARP编号：ARP999999 不存在",
        f"第 4 行 · 员工ARP编号：{gone.arp}（{gone.name}）已离职，不能加入",
    ]
    assert "名单有错误，未添加任何学员" in page.content.decode()


def test_import_refuses_formulae_and_non_workbooks(cast, login, programme):
    client = login(cast.manager)
    url = reverse("training:trainee_import", args=[programme.pk])
    client.post(url, {"file": xlsx([["员工ARP编号"], ['=HYPERLINK("http://x")']])})
    detail = reverse("training:programme_detail", args=[programme.pk])
    assert client.get(detail).context["import_errors"] == [
        "第 2 行 · 员工ARP编号：不能是公式，请填写编号本身"
    ]
    client.post(url, {"file": SimpleUploadedFile("名单.xlsx", b"not a workbook")})
    assert client.get(detail).context["import_errors"]
    assert listed(programme) == []


def test_remove_trainees(cast, login, programme):
    keep, drop = enrol(programme, [cast.employee.employee, cast.colleague.employee])
    response = login(cast.manager).post(
        reverse("training:trainee_remove", args=[programme.pk]), {"trainee": [drop.pk]}
    )
    assert response.status_code == 302
    assert list(programme.trainees.values_list("pk", flat=True)) == [keep.pk]
    assert not Attendance.objects.filter(trainee_id=drop.pk).exists()


# --- attendance grid ----------------------------------------------------------------------------------


def grid(programme):
    return {
        (a.trainee.employee.name, a.session.date.day): a.status
        for a in Attendance.objects.filter(session__programme=programme).select_related(
            "trainee__employee", "session"
        )
    }


def test_grid_saves_cells_in_both_encodings(cast, login, programme):
    t1, t2 = (
        Trainee.objects.create(programme=programme, employee=e)
        for e in (cast.employee.employee, cast.colleague.employee)
    )
    s1, s2, s3 = programme.sessions.order_by("date")
    client = login(cast.manager)
    url = reverse("training:attendance", args=[programme.pk])
    response = client.post(url, {f"c-{t1.pk}-{s1.pk}": P, f"c-{t1.pk}-{s2.pk}": L, f"c-{t2.pk}-{s1.pk}": ""})
    assert response.status_code == 302
    assert grid(programme) == {("张三", 7): P, ("张三", 8): L}
    # The page's script compacts the grid into two fields; a changed cell is updated in place.
    client.post(url, {"cells": f"{t1.pk}:{s2.pk}:{A},{t2.pk}:{s3.pk}:{P},{t2.pk}:{s1.pk}:"})
    assert grid(programme) == {("张三", 7): P, ("张三", 8): A, ("李四", 9): P}
    assert Attendance.objects.count() == 3


def test_saving_an_unchanged_grid_leaves_a_registered_programme_current(cast, login, programme):
    """Only real changes make a registered programme wait for registering again."""
    from hourbook.training.services import programme_register_hours

    (trainee,) = enrol(programme, [cast.employee.employee], status=P)
    programme_register_hours(actor=cast.manager, programme=programme)
    s1 = programme.sessions.order_by("date").first()
    client = login(cast.manager)
    url = reverse("training:attendance", args=[programme.pk])
    client.post(url, {f"c-{trainee.pk}-{s1.pk}": P, "all_trainee": trainee.pk})
    programme.refresh_from_db()
    assert not programme.stale
    client.post(url, {f"c-{trainee.pk}-{s1.pk}": L})
    programme.refresh_from_db()
    assert programme.stale


def test_bad_status_or_result_saves_nothing(cast, login, programme):
    programme.assessed = True
    programme.save()
    (trainee,) = enrol(programme, [cast.employee.employee])
    s1 = programme.sessions.order_by("date").first()
    client = login(cast.manager)
    url = reverse("training:attendance", args=[programme.pk])
    response = client.post(url, {f"c-{trainee.pk}-{s1.pk}": A, f"r-{trainee.pk}": "excellent"}, follow=True)
    assert "考核结果只能是未录入、合格或不合格" in response.content.decode()
    client.post(url, {f"c-{trainee.pk}-{s1.pk}": "late"})
    assert set(Attendance.objects.values_list("status", flat=True)) == {P}


def test_whole_column_and_whole_row(cast, login, programme):
    """本场全部出勤 marks every trainee at one session; 全部出勤 marks one trainee at every session."""
    t1, t2 = (
        Trainee.objects.create(programme=programme, employee=e)
        for e in (cast.employee.employee, cast.colleague.employee)
    )
    s1, s2, _s3 = programme.sessions.order_by("date")
    client = login(cast.manager)
    url = reverse("training:attendance", args=[programme.pk])
    client.post(url, {"all_session": s2.pk, f"c-{t1.pk}-{s1.pk}": A})
    assert grid(programme) == {("张三", 7): A, ("张三", 8): P, ("李四", 8): P}
    client.post(url, {"all_trainee": t2.pk})
    assert grid(programme) == {("张三", 7): A, ("张三", 8): P, ("李四", 7): P, ("李四", 8): P, ("李四", 9): P}


def test_grid_saves_results_when_assessed(cast, login, programme):
    programme.assessed = True
    programme.save()
    t1, t2 = enrol(programme, [cast.employee.employee, cast.colleague.employee])
    login(cast.manager).post(
        reverse("training:attendance", args=[programme.pk]),
        {f"r-{t1.pk}": Assessment.PASSED, "results": f"{t2.pk}:{Assessment.FAILED}"},
    )
    assert dict(programme.trainees.values_list("pk", "assessment")) == {
        t1.pk: Assessment.PASSED,
        t2.pk: Assessment.FAILED,
    }


def test_grid_page_for_two_hundred_trainees_is_fast(cast, login, programme, django_assert_max_num_queries):
    employees = [EmployeeFactory(unit=cast.units["unit"]) for _ in range(200)]
    enrol(programme, employees)
    client = login(cast.manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:attendance", args=[programme.pk]))
    assert response.content.decode().count("<select") == 600
    s1 = programme.sessions.order_by("date").first()
    with django_assert_max_num_queries(16):
        client.post(reverse("training:attendance", args=[programme.pk]), {"all_session": s1.pk})


def test_grid_escapes_names(cast, login, programme):
    sly = EmployeeFactory(name='<b onmouseover="x">坏</b>', unit=cast.units["unit"])
    enrol(programme, [sly])
    body = login(cast.manager).get(reverse("training:attendance", args=[programme.pk])).content.decode()
    assert "<b onmouseover" not in body and "&lt;b onmouseover=&quot;x&quot;&gt;" in body


# --- denial -------------------------------------------------------------------------------------------


def test_forged_ids_in_bulk_posts_are_refused_whole(cast, login, programme):
    """Trainee or session ids of another unit's programme, slipped into the grid or the removal, refuse the
    whole request (403) and change nothing."""
    (mine,) = enrol(programme, [cast.employee.employee], status=P)
    theirs = make_programme(cast.units["sibling"], past_days(1, SessionLength.DAY, D))
    (foreign,) = enrol(theirs, [cast.outsider.employee], status=P)
    foreign_session = theirs.sessions.get()
    my_session = programme.sessions.order_by("date").first()
    client = login(cast.manager)
    url = reverse("training:attendance", args=[programme.pk])
    attempts = [
        {f"c-{mine.pk}-{my_session.pk}": A, f"c-{foreign.pk}-{foreign_session.pk}": A},
        {"cells": f"{mine.pk}:{my_session.pk}:{A},{mine.pk}:{foreign_session.pk}:{A}"},
        {"all_trainee": foreign.pk},
        {"all_session": foreign_session.pk},
        {f"r-{foreign.pk}": Assessment.FAILED},
        {"cells": "1:2:present,x:y:absent"},
    ]
    for data in attempts:
        assert client.post(url, data).status_code == 403, data
    assert set(Attendance.objects.values_list("status", flat=True)) == {P}
    response = client.post(
        reverse("training:trainee_remove", args=[programme.pk]), {"trainee": [mine.pk, foreign.pk]}
    )
    assert response.status_code == 403
    assert Trainee.objects.count() == 2


def test_manager_of_another_unit_gets_404_by_url(cast, login, programme):
    (trainee,) = enrol(programme, [cast.employee.employee])
    client = login(cast.sibling_hr)
    session = programme.sessions.first()
    for name, method, data in [
        ("training:programme_detail", "get", {}),
        ("training:attendance", "post", {"all_session": session.pk}),
        ("training:trainee_remove", "post", {"trainee": [trainee.pk]}),
        ("training:register", "post", {}),
        ("training:export_attendance", "get", {}),
    ]:
        response = getattr(client, method)(reverse(name, args=[programme.pk]), data)
        assert response.status_code == 404, name
    assert Trainee.objects.count() == 1 and not Record.objects.exists()


def test_employee_without_role_gets_403(cast, login, programme):
    client = login(cast.employee)
    assert client.get(reverse("training:programme_list")).status_code == 403
    assert client.get(reverse("training:programme_detail", args=[programme.pk])).status_code == 403


# --- registering from the page --------------------------------------------------------------------------


def test_register_from_the_page(cast, login, programme):
    (_trainee,) = enrol(programme, [cast.employee.employee], status=P)
    client = login(cast.manager)
    response = client.post(reverse("training:register", args=[programme.pk]), follow=True)
    assert "学时已登记：学员 1 人，其中计入学时 1 人" in response.content.decode()
    assert Record.objects.get().seconds == 12 * 3600


def test_register_refusal_is_shown(cast, login):
    future = dt.date.today() + dt.timedelta(days=3)
    programme = make_programme(cast.units["unit"], [(future, SessionLength.DAY)])
    response = login(cast.manager).post(reverse("training:register", args=[programme.pk]), follow=True)
    assert "请在培训结束后再登记学时" in response.content.decode()
    assert not Record.objects.exists()


# The ARP list reads through the bounded reader (issue 8, items 9 and 20); nothing here is timed.
@pytest.mark.parametrize("hostile", ["row_bomb", "many_sheets"])
def test_import_refuses_a_row_bomb_and_a_thousand_sheets_before_parsing(cast, login, programme, hostile):
    from hourbook.testing.hostile_xlsx import many_sheets, row_bomb, xml_work_meter

    employee = EmployeeFactory(unit=cast.units["unit"])
    plain = xlsx([["员工ARP编号"], [employee.arp]]).read()
    data = row_bomb(plain) if hostile == "row_bomb" else many_sheets(1000)
    client = login(cast.manager)
    with xml_work_meter() as work:
        client.post(
            reverse("training:trainee_import", args=[programme.pk]),
            {"file": SimpleUploadedFile("名单.xlsx", data)},
        )
    errors = client.get(reverse("training:programme_detail", args=[programme.pk])).context["import_errors"]
    assert errors == [errors[0]] and ("行或单元格过多" in errors[0] or "个以上工作表" in errors[0])
    assert work.elements == 0
    assert listed(programme) == []


def test_import_with_a_stale_dimension_adds_everyone(cast, login, programme):
    from hourbook.testing.hostile_xlsx import with_dimension

    employees = [EmployeeFactory(unit=cast.units["unit"]) for _ in range(10)]
    plain = xlsx([["员工ARP编号"], *[[e.arp] for e in employees]]).read()
    login(cast.manager).post(
        reverse("training:trainee_import", args=[programme.pk]),
        {"file": SimpleUploadedFile("名单.xlsx", with_dimension(plain, "A1:A3"))},
    )
    assert listed(programme) == sorted(e.arp for e in employees)
