"""lesson_report: the crediting rules applied under locks and written to the ledger (第九条四, FAQ Q5).

Time is moved with time-machine (tick=False), so every report is received at an exact instant.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Sum

from hourbook.courses import crediting
from hourbook.courses.models import LessonProgress
from hourbook.courses.services import LessonUnavailable, lesson_report
from hourbook.courses.tests.factories import CourseFactory, LessonFactory
from hourbook.ledger import rules
from hourbook.ledger.choices import Category, Source, Status
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def lesson(cast):
    return LessonFactory(seconds=600, course=CourseFactory(title="量子计算导论"))


class Clock:
    """Moves time-machine's frozen clock; `at(seconds)` sets it to START + seconds."""

    def __init__(self, traveller, start):
        self.traveller, self.start = traveller, start

    def at(self, seconds: float) -> None:
        self.traveller.move_to(self.start + dt.timedelta(seconds=seconds))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield Clock(traveller, START)


def send(user, lesson, event=crediting.TICK, position=0, token="tab-a"):
    return lesson_report(actor=user, lesson_id=lesson.pk, token=token, event=event, position=position)


def ledger_seconds(user, **filters) -> int:
    return (
        Record.objects.filter(
            employee_id=user.employee_id, source=Source.PLATFORM, deleted_at__isnull=True, **filters
        ).aggregate(s=Sum("seconds"))["s"]
        or 0
    )


def credited(user, lesson) -> int:
    return LessonProgress.objects.get(employee_id=user.employee_id, lesson=lesson).credited


def test_reports_faster_than_the_clock_earn_the_clock(cast, lesson, clock):
    send(cast.employee, lesson, crediting.START)
    for i, second in enumerate((5, 10, 15, 20), start=1):
        clock.at(second)
        send(cast.employee, lesson, position=i * 10)  # 2× speed: the position runs ahead
    assert credited(cast.employee, lesson) == 20
    assert ledger_seconds(cast.employee) == 20


def test_a_long_gap_earns_nothing(cast, lesson, clock, settings):
    settings.COURSES_REPORT_INTERVAL, settings.COURSES_REPORT_GRACE = 20, 15
    send(cast.employee, lesson, crediting.START)
    clock.at(20)
    send(cast.employee, lesson, position=20)
    clock.at(20 + 36)
    result = send(cast.employee, lesson, position=56)
    assert result.credit == 0 and result.note == crediting.GAP
    clock.at(20 + 36 + 20)
    send(cast.employee, lesson, position=76)
    assert credited(cast.employee, lesson) == 40 == ledger_seconds(cast.employee)


def test_never_past_the_lesson_length_even_studied_twice(cast, clock):
    lesson = LessonFactory(seconds=30)
    send(cast.employee, lesson, crediting.START)
    for second in range(20, 201, 20):
        clock.at(second)
        send(cast.employee, lesson, position=second % 30)
    assert credited(cast.employee, lesson) == 30 == ledger_seconds(cast.employee)


def test_two_tabs_one_lesson_at_a_time(cast, lesson, clock):
    other = LessonFactory(course=lesson.course, seconds=600)
    send(cast.employee, lesson, crediting.START, token="tab-a")
    clock.at(20)
    send(cast.employee, lesson, token="tab-a", position=20)
    clock.at(25)
    send(cast.employee, other, crediting.START, token="tab-b")
    clock.at(30)
    stopped = send(cast.employee, lesson, token="tab-a", position=30)
    assert stopped.stop and stopped.note == crediting.TAKEN_OVER and stopped.credit == 0
    clock.at(45)
    send(cast.employee, other, token="tab-b", position=20)
    assert credited(cast.employee, lesson) == 20
    assert credited(cast.employee, other) == 20
    assert ledger_seconds(cast.employee) == 40


def test_forged_position_ahead_earns_only_the_clock_and_is_kept_clamped(cast, lesson, clock):
    send(cast.employee, lesson, crediting.START)
    clock.at(10)
    result = send(cast.employee, lesson, position=99_999)
    assert result.credit == 10
    progress = LessonProgress.objects.get(employee_id=cast.employee.employee_id, lesson=lesson)
    assert (progress.credited, progress.position) == (10, 600)


def test_a_lesson_of_another_units_tree_earns_nothing(cast, clock):
    lesson = LessonFactory(course=CourseFactory(unit=cast.units["unit"]))
    send(cast.employee, lesson, crediting.START)  # 物理研究所's own course: fine
    with pytest.raises(LessonUnavailable):
        send(cast.outsider, lesson, crediting.START)  # 化学研究所
    assert not LessonProgress.objects.filter(employee_id=cast.outsider.employee_id).exists()


def test_a_report_after_unpublishing_earns_nothing(cast, lesson, clock):
    send(cast.employee, lesson, crediting.START)
    clock.at(10)
    send(cast.employee, lesson, position=10)
    lesson.course.published = False
    lesson.course.save()
    clock.at(20)
    with pytest.raises(LessonUnavailable):
        send(cast.employee, lesson, position=20)
    assert credited(cast.employee, lesson) == 10 == ledger_seconds(cast.employee)


def test_only_employees_study(cast, lesson, clock):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        send(cast.academy, lesson, crediting.START)


def test_crossing_midnight_makes_two_records(cast, lesson):
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 59, 50, tzinfo=SH), tick=False) as t:
        send(cast.employee, lesson, crediting.START)
        t.move_to(dt.datetime(2026, 3, 3, 0, 0, 10, tzinfo=SH))
        send(cast.employee, lesson, position=20)
        t.move_to(dt.datetime(2026, 3, 3, 0, 0, 30, tzinfo=SH))
        send(cast.employee, lesson, position=40)
    records = Record.objects.filter(source=Source.PLATFORM).order_by("start_date")
    assert [(r.start_date.day, r.seconds) for r in records] == [(2, 10), (3, 30)]
    assert all(r.status == Status.APPROVED and r.category == Category.PLATFORM_ONLINE for r in records)
    assert records.count() == 2  # updated in place, never a row per report


def test_crossing_new_year_feeds_two_years(cast, lesson):
    with time_machine.travel(dt.datetime(2025, 12, 31, 23, 59, 45, tzinfo=SH), tick=False) as t:
        send(cast.employee, lesson, crediting.START)
        t.move_to(dt.datetime(2026, 1, 1, 0, 0, 5, tzinfo=SH))
        send(cast.employee, lesson, position=20)
    assert ledger_seconds(cast.employee, year=2025) == 15
    assert ledger_seconds(cast.employee, year=2026) == 5
    assert credited(cast.employee, lesson) == 20


def test_the_home_bars_online_hours_move_to_the_second(cast, lesson, clock):
    employee = cast.employee.employee
    before = employee_year(employee, 2026).result.buckets[rules.ONLINE].total
    send(cast.employee, lesson, crediting.START)
    clock.at(17)
    send(cast.employee, lesson, crediting.PAUSE, position=17)
    assert employee_year(employee, 2026).result.buckets[rules.ONLINE].total == before + 17


def test_credited_seconds_and_the_ledger_agree_across_courses(cast, clock):
    lessons = [LessonFactory(seconds=45), LessonFactory(seconds=45)]
    t = 0
    for lesson in lessons:
        send(cast.employee, lesson, crediting.START, token=f"t{lesson.pk}")
        for _ in range(4):
            t += 17
            clock.at(t)
            send(cast.employee, lesson, token=f"t{lesson.pk}", position=t)
    total = LessonProgress.objects.filter(employee_id=cast.employee.employee_id).aggregate(s=Sum("credited"))[
        "s"
    ]
    assert total == ledger_seconds(cast.employee) == 90
    for lesson in lessons:
        key_prefix = f"course:{lesson.course_id}:"
        assert Record.objects.filter(source_key__startswith=key_prefix).aggregate(s=Sum("seconds"))[
            "s"
        ] == credited(cast.employee, lesson)


def _report_queries(user, lesson, at_seconds: int, clock) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock.at(at_seconds)
    with CaptureQueriesContext(connection) as ctx:
        send(user, lesson, position=at_seconds)
    return len(ctx.captured_queries)


def test_a_reports_queries_do_not_grow_with_courses_learners_or_days(cast, lesson, clock):
    """Query budget: a steady-state report costs the same however much else has been studied."""
    send(cast.employee, lesson, crediting.START)
    _report_queries(cast.employee, lesson, 10, clock)  # creates the progress row and the day's record
    few = _report_queries(cast.employee, lesson, 20, clock)
    for other in LessonFactory.create_batch(5, seconds=30):
        for user in (cast.employee, cast.colleague):
            send(user, other, crediting.START, token=f"x{other.pk}")
    send(cast.employee, lesson, crediting.START)
    _report_queries(cast.employee, lesson, 30, clock)
    assert _report_queries(cast.employee, lesson, 40, clock) == few


def test_a_course_day_holds_at_most_eight_hours(cast, clock, settings):
    """Like every ledger record, one person's record of a course on a day holds at most 8 学时 (第十条): study
    beyond it that day earns nothing, and the lesson's credited seconds stay equal to the ledger's."""
    settings.COURSES_REPORT_GRACE = 12 * 3600  # one report spanning a long day, to reach the cap at once
    lesson = LessonFactory(seconds=10 * 3600)
    send(cast.employee, lesson, crediting.START)
    clock.at(8 * 3600 + 600)
    assert send(cast.employee, lesson, position=100).credit == 8 * 3600
    clock.at(8 * 3600 + 620)
    assert send(cast.employee, lesson, position=120).credit == 0
    assert credited(cast.employee, lesson) == 8 * 3600 == ledger_seconds(cast.employee)
