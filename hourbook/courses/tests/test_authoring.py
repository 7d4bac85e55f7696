"""Authoring (我的课件): upload checks (type by content, kind, size, length read on the server), reorder,
publish/unpublish, and the scope of a unit's HR."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hourbook.courses import crediting
from hourbook.courses.models import Course, Lesson
from hourbook.courses.services import lesson_report
from hourbook.courses.tests.factories import CourseFactory, LessonFactory

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def sample(name: str, upload_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(upload_name or name, (SAMPLES / name).read_bytes())


@pytest.fixture
def course(cast):
    return CourseFactory(unit=cast.units["unit"], published=False)


def add(client, course, **data):
    return client.post(reverse("courses:lesson_create", kwargs={"pk": course.pk}), data)


@pytest.mark.parametrize(
    ("name", "kind", "content_type", "seconds"),
    [
        ("lesson.webm", "video", "video/webm", 30),
        ("lesson.mp4", "video", "video/mp4", 20),
        ("lesson.mp3", "audio", "audio/mpeg", 20),
        ("lesson.ogg", "audio", "audio/ogg", 20),
    ],
)
def test_media_length_is_read_from_the_file(login, cast, course, name, kind, content_type, seconds):
    response = add(login(cast.hr), course, title="第一讲", kind=kind, file=sample(name))
    assert response.status_code == 302
    lesson = Lesson.objects.get(course=course)
    assert (lesson.content_type, lesson.seconds) == (content_type, seconds)


def test_a_document_takes_its_study_length_from_the_author(login, cast, course):
    client = login(cast.hr)
    response = add(client, course, title="讲义", kind="document", file=sample("lesson.pdf"))
    assert response.status_code == 400
    assert "学习时长" in response.text
    assert (
        add(client, course, title="讲义", kind="document", file=sample("lesson.pdf"), minutes=12).status_code
        == 302
    )
    assert Lesson.objects.get(course=course).seconds == 720


def test_the_type_comes_from_the_content_not_the_name(login, cast, course):
    fake = SimpleUploadedFile("lecture.mp4", b"MZ\x90\x00 this is not a video" * 10)
    response = add(login(cast.hr), course, title="第一讲", kind="video", file=fake)
    assert response.status_code == 400
    assert "不支持的文件类型" in response.text
    assert not Lesson.objects.exists()


def test_the_kind_must_match_the_content(login, cast, course):
    response = add(login(cast.hr), course, title="第一讲", kind="video", file=sample("lesson.mp3"))
    assert response.status_code == 400
    assert "文件内容与所选类型不符" in response.text


def test_the_size_limit_is_a_setting(login, cast, course, settings):
    settings.COURSES_UPLOAD_MAX_BYTES = 1024
    response = add(login(cast.hr), course, title="第一讲", kind="video", file=sample("lesson.webm"))
    assert response.status_code == 400
    assert "文件过大" in response.text


def test_a_broken_media_file_is_refused(login, cast, course):
    head = (SAMPLES / "lesson.mp4").read_bytes()[:64]
    response = add(
        login(cast.hr), course, title="第一讲", kind="video", file=SimpleUploadedFile("x.mp4", head)
    )
    assert response.status_code == 400
    assert "无法从文件中读取时长" in response.text


def test_reorder_renumbers_the_lessons(login, cast, course):
    first, second, third = (LessonFactory(course=course, order=i) for i in (1, 2, 3))
    login(cast.hr).post(reverse("courses:lesson_move", kwargs={"pk": third.pk}), {"direction": "up"})
    assert list(course.lessons.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]


def test_publish_needs_lessons_and_unpublish_stops_crediting(login, cast, course):
    client = login(cast.hr)
    url = reverse("courses:course_publish", kwargs={"pk": course.pk})
    client.post(url, {"published": "1"})
    course.refresh_from_db()
    assert not course.published
    lesson = LessonFactory(course=course)
    client.post(url, {"published": "1"})
    course.refresh_from_db()
    assert course.published and course.published_at
    lesson_report(actor=cast.employee, lesson_id=lesson.pk, token="t", event=crediting.START, position=0)
    client.post(url, {"published": "0"})
    assert not Course.objects.learnable_by(cast.employee).exists()


def test_unit_hr_publishes_only_to_their_tree(login, cast):
    client = login(cast.hr)
    data = {
        "section": "frontier",
        "title": "新课",
        "teacher_name": "张老师",
        "unit": cast.units["sibling"].pk,
    }
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 200
    assert not Course.objects.exists()
    data["unit"] = cast.units["dept"].pk
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 302
    assert Course.objects.get().unit == cast.units["dept"]


def test_the_academy_publishes_to_the_whole_academy(login, cast):
    data = {"section": "quality", "title": "沟通与表达", "teacher_name": "刘老师", "teacher_title": "教授"}
    assert login(cast.academy).post(reverse("courses:course_create"), data).status_code == 302
    course = Course.objects.get()
    assert course.unit is None and course.teacher.title == "教授"


def test_a_studied_lesson_cannot_be_deleted(login, cast, course):
    lesson = LessonFactory(course=course)
    course.published = True
    course.save()
    lesson.progress.create(employee=cast.employee.employee, course=course, credited=5)
    login(cast.hr).post(reverse("courses:lesson_delete", kwargs={"pk": lesson.pk}))
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_replacing_a_lessons_file_reads_its_length_again(login, cast, course):
    lesson = LessonFactory(course=course, seconds=999)
    url = reverse("courses:lesson_edit", kwargs={"pk": lesson.pk})
    response = login(cast.hr).post(url, {"title": "新标题", "kind": "video", "file": sample("lesson.mp4")})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.seconds, lesson.content_type) == ("新标题", 20, "video/mp4")
