"""The learner's pages: catalogue (search, sections, sort, constant queries), course, 我的课程, 我的档案."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hourbook.courses import crediting
from hourbook.courses.choices import Section
from hourbook.courses.services import lesson_report
from hourbook.courses.tests.factories import CourseFactory, LessonFactory, TeacherFactory

SH = ZoneInfo("Asia/Shanghai")


def titles(response) -> list[str]:
    return [c.title for c in response.context["courses"]]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_searches_title_teacher_and_section(login, cast):
    CourseFactory(title="党章学习", section=Section.PARTY_THEORY, teacher=TeacherFactory(name="王老师"))
    CourseFactory(title="科研项目管理", section=Section.MANAGEMENT, teacher=TeacherFactory(name="李教授"))
    client = login(cast.employee)
    url = reverse("courses:catalogue")
    assert titles(client.get(url, {"q": "党章"})) == ["党章学习"]
    assert titles(client.get(url, {"q": "李教授"})) == ["科研项目管理"]
    assert titles(client.get(url, {"section": Section.MANAGEMENT})) == ["科研项目管理"]


def test_catalogue_hides_other_trees_and_unpublished(login, cast):
    CourseFactory(title="全院课程")
    CourseFactory(title="物理所课程", unit=cast.units["unit"])
    CourseFactory(title="化学所课程", unit=cast.units["sibling"])
    CourseFactory(title="草稿", published=False)
    response = login(cast.employee).get(reverse("courses:catalogue"))
    assert sorted(titles(response)) == ["全院课程", "物理所课程"]


def test_catalogue_sorts_by_most_studied(login, cast):
    quiet = LessonFactory(course=CourseFactory(title="冷门课程"))
    busy = LessonFactory(course=CourseFactory(title="热门课程"))
    for user in (cast.employee, cast.colleague):
        lesson_report(actor=user, lesson_id=busy.pk, token="t", event=crediting.START, position=0)
    lesson_report(actor=cast.employee, lesson_id=quiet.pk, token="t", event=crediting.START, position=0)
    newest = titles(login(cast.employee).get(reverse("courses:catalogue"), {"sort": "newest"}))
    popular = titles(login(cast.employee).get(reverse("courses:catalogue"), {"sort": "popular"}))
    assert newest[0] == "热门课程"  # made last
    assert popular == ["热门课程", "冷门课程"]


def test_catalogue_and_course_queries_do_not_grow_with_courses_and_lessons(login, cast):
    client = login(cast.employee)
    course = CourseFactory()
    LessonFactory(course=course)
    lesson_report(
        actor=cast.employee, lesson_id=course.lessons.first().pk, token="t", event="start", position=0
    )
    catalogue_few = queries(client, reverse("courses:catalogue"))
    detail_few = queries(client, reverse("courses:course_detail", kwargs={"pk": course.pk}))
    mine_few = queries(client, reverse("courses:mine"))
    for _ in range(15):
        other = CourseFactory()
        LessonFactory(course=other)
        lesson_report(
            actor=cast.employee, lesson_id=other.lessons.first().pk, token="t", event="start", position=0
        )
    LessonFactory.create_batch(10, course=course)
    assert queries(client, reverse("courses:catalogue")) == catalogue_few
    assert queries(client, reverse("courses:course_detail", kwargs={"pk": course.pk})) == detail_few
    assert queries(client, reverse("courses:mine")) == mine_few


@pytest.fixture
def studied(cast):
    """张三 studied a two-lesson course: the first lesson fully (60 s), the second not at all."""
    course = CourseFactory(title="学术规范与科研诚信")
    first = LessonFactory(course=course, seconds=60, order=1)
    LessonFactory(course=course, seconds=60, order=2)
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, 0, tzinfo=SH), tick=False) as t:
        lesson_report(actor=cast.employee, lesson_id=first.pk, token="t", event="start", position=0)
        for second in (20, 40, 60):
            t.move_to(dt.datetime(2026, 5, 6, 10, 0, tzinfo=SH) + dt.timedelta(seconds=second))
            lesson_report(actor=cast.employee, lesson_id=first.pk, token="t", event="tick", position=second)
    return course


def test_my_courses_shows_progress_lessons_finished_and_resume(login, cast, studied):
    response = login(cast.employee).get(reverse("courses:mine"))
    (course,) = response.context["courses"]
    assert (course.credited, course.length, course.percent) == (60, 120, 50)
    assert (course.finished_n, course.lesson_n, course.finished) == (1, 2, False)
    assert course.resume_lesson.order == 2
    assert "继续学习" in response.text
    assert "学完 1/2 课时" in response.text


def test_a_course_is_finished_when_every_lesson_is_covered_to_90_percent(login, cast, studied):
    second = studied.lessons.get(order=2)
    with time_machine.travel(dt.datetime(2026, 5, 6, 11, 0, tzinfo=SH), tick=False) as t:
        lesson_report(actor=cast.employee, lesson_id=second.pk, token="t", event="start", position=0)
        for second_at in (20, 40, 54):  # 54 of 60 s = 90 %
            t.move_to(dt.datetime(2026, 5, 6, 11, 0, second_at, tzinfo=SH))
            lesson_report(
                actor=cast.employee, lesson_id=second.pk, token="t", event="tick", position=second_at
            )
    (course,) = login(cast.employee).get(reverse("courses:mine")).context["courses"]
    assert course.finished


def test_archive_counts_courses_not_days(login, cast, studied):
    """在线学习课程数: one course studied on two days is one course; 实际时长 is the seconds."""
    first = studied.lessons.get(order=1)
    first.seconds = 600
    first.save()
    with time_machine.travel(dt.datetime(2026, 5, 7, 10, 0, tzinfo=SH), tick=False) as t:
        lesson_report(actor=cast.employee, lesson_id=first.pk, token="u", event="start", position=0)
        t.move_to(dt.datetime(2026, 5, 7, 10, 0, 15, tzinfo=SH))
        lesson_report(actor=cast.employee, lesson_id=first.pk, token="u", event="pause", position=15)
    summary = login(cast.employee).get(reverse("ledger:archive")).context["summary"]
    assert summary["online_courses_n"] == 1
    assert summary["online_s"] == 75


def test_the_report_endpoint_tells_a_taken_over_page_to_stop(login, cast):
    lesson = LessonFactory()
    client = login(cast.employee)
    url = reverse("courses:lesson_report", kwargs={"pk": lesson.pk})
    assert client.post(url, {"token": "a", "event": "start", "position": "0"}).json()["stop"] is False
    client.post(url, {"token": "b", "event": "start", "position": "0"})
    answer = client.post(url, {"token": "a", "event": "tick", "position": "5"}).json()
    assert answer["stop"] is True
    assert "其他页面" in answer["message"]


def test_the_report_endpoint_refuses_bad_reports(login, cast):
    lesson = LessonFactory()
    url = reverse("courses:lesson_report", kwargs={"pk": lesson.pk})
    client = login(cast.employee)
    assert client.post(url, {"token": "a", "event": "fast-forward"}).status_code == 400
    for junk in ("inf", "nan", "-5", "abc"):
        answer = client.post(url, {"token": "a", "event": "start", "position": junk})
        assert answer.status_code == 200 and answer.json()["position"] == 0


def test_an_unpublished_lessons_report_says_why(login, cast):
    lesson = LessonFactory(course=CourseFactory(published=False))
    url = reverse("courses:lesson_report", kwargs={"pk": lesson.pk})
    response = login(cast.employee).post(url, {"token": "a", "event": "tick", "position": "5"})
    assert response.status_code == 404
    assert response.json()["stop"] is True


def test_the_lesson_page_passes_its_settings_in_data_attributes(login, cast, settings):
    settings.COURSES_REPORT_INTERVAL = 3
    lesson = LessonFactory()
    response = login(cast.employee).get(reverse("courses:lesson_detail", kwargs={"pk": lesson.pk}))
    assert 'data-interval="3"' in response.text
    assert "courses/lesson.js" in response.text
    assert "<script>" not in response.text


def test_the_home_bar_shows_online_hours_from_courses(login, cast, studied):
    with time_machine.travel(dt.datetime(2026, 5, 8, 10, 0, tzinfo=SH), tick=False):
        response = login(cast.employee).get(reverse("ledger:home"), {"year": 2026})
    assert "0小时1分0秒" in response.text
