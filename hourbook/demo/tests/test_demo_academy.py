"""The demo academy, loaded once for this module: it is safe to run twice, every role logs in, and each case
the logins table advertises really holds (read back through the hours engine, as the table reads it).

Time is frozen late in the year so the current year has room for a year of records.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from hourbook.accounts.choices import Role
from hourbook.accounts.models import RoleAssignment, User
from hourbook.audit.models import AuditEntry
from hourbook.demo import data
from hourbook.demo.services import demo_logins, demo_reset
from hourbook.ledger.choices import Category, ProgrammeType, Source, Status, ZeroReason
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record, RecordTransition
from hourbook.notifications.models import Notification
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
from hourbook.training.choices import ProgrammeState
from hourbook.training.models import Programme

from .helpers import EMPLOYEES, NOW, YEAR, load


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """One demo for the module (it takes seconds to build), committed, and removed afterwards."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        output = load(verbosity=1)
    yield output
    with django_db_blocker.unblock():
        demo_reset()


@pytest.fixture
def demo(loaded, db):
    with time_machine.travel(NOW, tick=False):
        yield loaded


def counts() -> dict[str, int]:
    models = (Unit, Employee, UnitMembership, PositionHistory, User, RoleAssignment, Record, RecordTransition)
    return {model.__name__: model.objects.count() for model in models}


def persona_year(username: str):
    return employee_year(User.objects.get(username=username).employee, YEAR)


def test_builds_the_named_academy_and_prints_the_logins(demo):
    assert Unit.objects.get(code=data.ROOT_CODE, parent=None).name == "中国科学院"
    institute = Unit.objects.get(name="寒区旱区环境与工程研究所")
    assert institute.parent.name == "西北生态环境资源研究院"
    assert Unit.objects.filter(parent=institute, name="人力资源处").exists()
    assert Unit.objects.filter(name="人事局", parent__name="院机关").exists()
    assert Employee.objects.count() == EMPLOYEES
    assert User.objects.filter(employee__isnull=False).count() == EMPLOYEES
    for persona in data.PERSONAS:
        assert persona.username in demo
    assert data.PASSWORD in demo
    assert "Demo academy loaded" in demo


def test_running_twice_creates_nothing_more(demo):
    before = counts()
    out = load(verbosity=1)
    assert "already loaded" in out
    assert "capped" in out  # the logins are printed again
    assert counts() == before


def test_reset_rebuilds_the_same_academy(demo):
    before = counts()
    load(verbosity=0, reset=True)
    assert counts() == before
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_every_role_has_an_account_that_logs_in(demo, client):
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    hr_hanqu = RoleAssignment.objects.get(user__username="hr_hanqu")
    assert (hr_hanqu.role, hr_hanqu.unit.name) == (Role.UNIT_HR, "寒区旱区环境与工程研究所")
    assert RoleAssignment.objects.get(user__username="hr_bj").unit.name == "北京分院"
    assert RoleAssignment.objects.get(user__username="admin").role == Role.ACADEMY_ADMIN
    for persona in data.PERSONAS:
        assert client.login(username=persona.username, password=data.PASSWORD), persona.username
        client.logout()
        # Through the real login form, and no forced password change in the way of the home page.
        response = client.post(
            reverse("accounts:login"),
            {"account": persona.username, "password": data.PASSWORD, "captcha": "x"},
            follow=True,
        )
        assert response.status_code == 200
        assert response.context["user"].username == persona.username
        assert response.redirect_chain[-1][0] == reverse("ledger:home")
        client.logout()
    generated = Employee.objects.exclude(account__username__in=[p.username for p in data.PERSONAS]).first()
    assert client.login(username=generated.arp, password=data.PASSWORD)  # any employee, by ARP number


def test_capped_persona_is_short_because_of_the_cap(demo):
    """第九条五: 在职自学 counts at most 10 hours a year; what the cap cuts stays in the total only."""
    ey = persona_year("capped")
    self_study = ey.result.categories[Category.SELF_STUDY]
    training = ey.result.buckets["training"]
    assert self_study.capped > 0
    assert self_study.effective == self_study.cap
    assert training.met is False
    assert training.total >= training.required > training.effective  # without the cap it would pass
    assert ey.result.buckets["online"].met is True
    assert ey.result.met is False


def test_leader_is_between_90_and_110(demo):
    """第八条: 处级及以上 need 110 training hours; the leader has about 100, enough for anyone else."""
    ey = persona_year("leader")
    training = ey.result.buckets["training"]
    assert ey.level == PositionLevel.SECTION_AND_ABOVE
    assert 90 * 3600 <= training.effective < 110 * 3600
    assert training.required == 110 * 3600
    assert training.met is False


def test_complete_persona_is_met_in_both_buckets(demo):
    ey = persona_year("complete")
    assert ey.result.buckets["training"].met is True
    assert ey.result.buckets["online"].met is True
    assert ey.result.met is True


def test_nonstaff_persona_has_no_requirement(demo):
    """第二条: only 在册正式职工 have a requirement; others have hours but no 达标 status."""
    user = User.objects.get(username="nonstaff")
    assert user.employee.is_registered is False
    ey = persona_year("nonstaff")
    assert ey.result.met is None
    assert ey.result.buckets["training"].effective > 0


def test_pending_persona_has_pending_and_rejected_records_with_reasons(demo):
    employee = User.objects.get(username="pending").employee
    statuses = set(
        Record.objects.live().filter(employee=employee, year=YEAR).values_list("status", flat=True)
    )
    assert {Status.PENDING, Status.REJECTED} <= statuses
    rejections = RecordTransition.objects.filter(record__employee=employee, to_status=Status.REJECTED)
    assert rejections.exists()
    assert all(t.reason for t in rejections)
    assert rejections.filter(action="revoke").exists()  # an approval revoked, with its reason
    resubmitted = RecordTransition.objects.filter(
        record__employee=employee, action="edit", to_status=Status.PENDING
    )
    assert resubmitted.exists()  # a rejected record edited: back to 待审核 (FAQ Q5)
    # Decided through the review services: the employee was told, with the reason (通知消息).
    told = Notification.objects.filter(recipient__employee=employee)
    assert any(data.REJECT_REASONS[0] in n.body for n in told)


def test_the_table_tells_the_truth(demo):
    rows = {row.account: row for row in demo_logins()}
    assert set(rows) == {p.username for p in data.PERSONAS}
    assert rows["complete"].met == "达标"
    assert rows["capped"].met == "未达标"
    assert rows["nonstaff"].met == "无要求"
    assert rows["leader"].training.endswith("/110")


def test_records_cover_every_category_state_and_source(demo):
    live = Record.objects.live()
    assert set(live.values_list("category", flat=True)) == set(Category.values)
    assert set(live.filter(year=YEAR).values_list("status", flat=True)) == set(Status.values)
    assert live.filter(year=YEAR - 1).exists()
    assert not live.filter(end_date__gt=dt.date(2026, 11, 23)).exists()  # no end date after today
    in_house = live.filter(category=Category.IN_HOUSE)
    assert set(in_house.values_list("source", flat=True)) == {Source.PROGRAMME}
    assert in_house.filter(programme_type=ProgrammeType.SERIES).exists()
    assert in_house.filter(year=YEAR, zero_reason=ZeroReason.ABSENCE).exists()  # 第十条
    platform = live.filter(category=Category.PLATFORM_ONLINE)
    assert set(platform.values_list("source", flat=True)) == {Source.PLATFORM}
    assert not live.exclude(source=Source.EMPLOYEE).exclude(status=Status.APPROVED).exists()  # 自动计入
    over_cap = [
        e
        for e in Employee.objects.all()
        if employee_year(e, YEAR).result.categories[Category.SELF_STUDY].capped > 0
    ]
    assert len(over_cap) >= 1


def test_people_cover_levels_leavers_and_a_transfer(demo):
    assert PositionHistory.objects.filter(level=PositionLevel.SECTION_AND_ABOVE).exists()
    leavers = Employee.objects.filter(is_active=False, left_on__year=YEAR)
    assert leavers.count() == 2
    assert not User.objects.filter(employee__in=leavers, is_active=True).exists()
    for leaver in leavers:
        assert not Record.objects.filter(employee=leaver, end_date__gt=leaver.left_on).exists()
    moved = [e for e in Employee.objects.all() if e.memberships.count() > 1]
    assert len(moved) == 1
    transferee = moved[0]
    assert transferee.unit.code == "CAS-BJ-ICT-G01"
    assert set(Record.objects.filter(employee=transferee, year=YEAR).values_list("unit_id", flat=True)) <= {
        transferee.unit_id
    }
    assert not Record.objects.filter(employee=transferee, year=YEAR - 1, unit=transferee.unit).exists()
    assert Employee.objects.filter(is_registered=False).exists()


def test_physics_programmes_run_through_the_training_app(demo):
    """第九条一/第十条: real 培训班 of 物理研究所 with attendance, one trainee on leave counting zero, and a plan to come."""
    registered = Programme.objects.filter(unit__code="CAS-BJ-IOP", state=ProgrammeState.REGISTERED)
    assert registered.exists()
    leader = User.objects.get(username="leader").employee
    assert (
        Programme.objects.for_employee(leader).filter(programme_type=ProgrammeType.SERIES).exists()
    )  # 我的培训班
    from_app = Record.objects.live().filter(source=Source.PROGRAMME, source_key__startswith="programme:")
    assert from_app.filter(employee=leader).exists()
    assert from_app.filter(zero_reason=ZeroReason.ABSENCE).exists()
    upcoming = Programme.objects.get(state=ProgrammeState.DRAFT)
    assert upcoming.start_date > NOW.date()
    assert upcoming.trainees.exists()


def test_the_catalogue_has_courses_in_every_section_and_study_the_ledger_agrees_with(demo):
    from django.db.models import Sum

    from hourbook.courses.choices import Section
    from hourbook.courses.models import Course, LessonProgress

    courses = Course.objects.filter(published=True)
    assert courses.count() == 30
    assert set(courses.values_list("section", flat=True)) == set(Section.values)
    assert {lesson.kind for c in courses[:1] for lesson in c.lessons.all()} == {"video", "audio", "document"}
    platform = Record.objects.live().filter(source=Source.PLATFORM)
    assert platform.exists()
    assert all(key.startswith("course:") for key in platform.values_list("source_key", flat=True))
    credited = LessonProgress.objects.aggregate(s=Sum("credited"))["s"]
    assert credited == platform.aggregate(s=Sum("seconds"))["s"]
    # The personas' 网络学时 come partly from the courses they studied.
    complete = User.objects.get(username="complete").employee
    assert LessonProgress.objects.filter(employee=complete, credited__gt=0).exists()
