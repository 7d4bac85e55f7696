"""Serving lesson files: access on every request, HTTP Range in development, X-Accel-Redirect behind nginx."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from hourbook.courses.tests.factories import CourseFactory, LessonFactory
from hourbook.courses.views.files import parse_range

BYTES = bytes(i % 251 for i in range(5000))


@pytest.fixture
def lesson(cast):
    return LessonFactory(
        course=CourseFactory(unit=cast.units["unit"]), file=ContentFile(BYTES, name="l.webm"), size=len(BYTES)
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_gets_206_with_exactly_those_bytes(login, cast, lesson):
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    response = login(cast.employee).get(url, headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(BYTES)}"
    assert response["Content-Length"] == "1000"
    assert body(response) == BYTES[1000:2000]
    assert response["Content-Type"] == "video/webm"


def test_open_ended_and_suffix_ranges(login, cast, lesson):
    client = login(cast.employee)
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    assert body(client.get(url, headers={"Range": "bytes=4990-"})) == BYTES[4990:]
    assert body(client.get(url, headers={"Range": "bytes=-10"})) == BYTES[-10:]
    assert body(client.get(url, headers={"Range": "bytes=4990-99999"})) == BYTES[4990:]


def test_an_unsatisfiable_range_gets_416(login, cast, lesson):
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    response = login(cast.employee).get(url, headers={"Range": "bytes=9000-9999"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BYTES)}"


def test_no_range_gets_the_whole_file_and_says_ranges_are_accepted(login, cast, lesson):
    response = login(cast.employee).get(reverse("courses:lesson_file", kwargs={"pk": lesson.pk}))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == BYTES


def test_an_outsider_gets_404_even_with_a_range(login, cast, lesson):
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    assert login(cast.outsider).get(url, headers={"Range": "bytes=1000-1999"}).status_code == 404


def test_an_unpublished_course_is_hidden_from_learners(login, cast, lesson):
    lesson.course.published = False
    lesson.course.save()
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    assert login(cast.employee).get(url, headers={"Range": "bytes=0-9"}).status_code == 404


def test_behind_nginx_the_app_hands_over_with_x_accel(login, cast, lesson, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/protected-media/"
    url = reverse("courses:lesson_file", kwargs={"pk": lesson.pk})
    response = login(cast.employee).get(url, headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + lesson.file.name
    assert response.content == b""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=10-5", False),
        ("bytes=-0", False),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected
