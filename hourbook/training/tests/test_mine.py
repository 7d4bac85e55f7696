"""我的培训班 for trainees, and the 我的档案 lines that count programmes (DOMAIN.md decision)."""

import datetime as dt

import pytest
from django.urls import reverse

from hourbook.ledger.choices import Assessment, Category, ProgrammeType
from hourbook.ledger.engine import archive_summary
from hourbook.testing.factories import RecordFactory
from hourbook.training.choices import AttendanceStatus, SessionLength
from hourbook.training.models import Trainee
from hourbook.training.services import programme_register_hours
from hourbook.training.tests.factories import enrol, make_programme, mark, past_days

D = dt.date(2025, 4, 7)


def test_trainee_sees_sessions_attendance_result_and_hours(cast, login):
    """Hours when eligible; zero with the reason (第十条) when not; 尚未登记 before registering."""
    unit = cast.units["unit"]
    counted = make_programme(unit, past_days(2, SessionLength.DAY, D), name="青年骨干培训班")
    failed = make_programme(unit, past_days(7, SessionLength.HALF, D), name="安全生产专题讲座", assessed=True)
    pending = make_programme(unit, past_days(1, SessionLength.DAY, D), name="尚未登记的班")
    other = make_programme(unit, past_days(1, SessionLength.DAY, D), name="别人的班")
    for p in (counted, failed, pending):
        enrol(p, [cast.employee.employee])
    enrol(other, [cast.colleague.employee])
    mark(
        Trainee.objects.get(programme=failed),
        failed.sessions.order_by("date").first(),
        AttendanceStatus.LEAVE,
    )
    Trainee.objects.filter(programme=failed).update(assessment=Assessment.PASSED)
    programme_register_hours(actor=cast.manager, programme=counted)
    programme_register_hours(actor=cast.manager, programme=failed)

    response = login(cast.employee).get(reverse("training:my_programmes"))
    body = response.content.decode()
    cards = {c.programme.name: c for c in response.context["cards"]}
    assert set(cards) == {"青年骨干培训班", "安全生产专题讲座", "尚未登记的班"}
    assert cards["青年骨干培训班"].record.credited_seconds == 16 * 3600
    assert "已登记 16 学时" in body
    assert cards["安全生产专题讲座"].record.zero_reason == "absence"
    assert "累计缺席（含请假）达培训总学时1/7及以上，不予登记学时（第十条）" in body
    assert "请假" in body and "合格" in body
    assert cards["尚未登记的班"].record is None and "尚未登记学时" in body


@pytest.mark.parametrize("n", [2, 10])
def test_my_programmes_query_count_does_not_grow(cast, login, django_assert_num_queries, n):
    for i in range(n):
        p = make_programme(cast.units["unit"], past_days(3, SessionLength.HALF, D), name=f"班{i}")
        enrol(p, [cast.employee.employee])
    client = login(cast.employee)
    with django_assert_num_queries(11):
        response = client.get(reverse("training:my_programmes"))
    assert len(response.context["cards"]) == n


def test_menu_shows_entries_by_role(cast, login):
    employee_page = login(cast.employee).get(reverse("ledger:home")).content.decode()
    assert "我的培训班" in employee_page and "培训管理" not in employee_page
    manager_page = login(cast.manager).get(reverse("ledger:home")).content.decode()
    assert "培训管理" in manager_page
    academy_page = login(cast.academy).get(reverse("ledger:home")).content.decode()
    assert "培训管理" in academy_page and "我的培训班" not in academy_page


def test_archive_counts_programmes_and_series(cast):
    """我的档案 (DOMAIN.md decision): 培训项目 counts in-house programme records and 线下培训 records;
    其中系列讲座 counts in-house records of type 系列讲座; 实际时长 leaves out zero-counted records."""
    unit = cast.units["unit"]
    employee = cast.employee.employee
    series = make_programme(unit, past_days(2, SessionLength.HALF, D), programme_type=ProgrammeType.SERIES)
    lesson = make_programme(
        unit, past_days(1, SessionLength.DAY, D), programme_type=ProgrammeType.PARTY_LESSON
    )
    missed = make_programme(unit, past_days(7, SessionLength.HALF, D), programme_type=ProgrammeType.SERIES)
    for p in (series, lesson, missed):
        enrol(p, [employee])
    mark(Trainee.objects.get(programme=missed), missed.sessions.first(), AttendanceStatus.ABSENT)
    for p in (series, lesson, missed):
        programme_register_hours(actor=cast.manager, programme=p)
    RecordFactory(employee=employee, category=Category.EXTERNAL_TRAINING, start_date=D, end_date=D)

    summary = archive_summary(employee, 2025)
    assert summary["programme_n"] == 4  # three programmes and one 线下培训 record
    assert summary["series_n"] == 2
    assert summary["external_n"] == 1
    assert summary["programme_s"] == (8 + 8 + 8) * 3600  # the missed series counts zero
