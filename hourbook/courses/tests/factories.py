"""Factories of teachers, courses and lessons (files are tiny bytes in the tests' media directory)."""

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from hourbook.courses.choices import LessonKind, Section
from hourbook.courses.models import Course, Lesson, Teacher

# The first bytes of a WebM (EBML) file: enough for type checks; the tests' lessons are never decoded.
WEBM_BYTES = bytes.fromhex("1a45dfa3") + bytes(range(256)) * 12


class TeacherFactory(DjangoModelFactory):
    class Meta:
        model = Teacher

    name = factory.Sequence(lambda n: f"教师{n}")
    title = "研究员"


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    section = Section.FRONTIER
    title = factory.Sequence(lambda n: f"量子信息前沿讲座{n}")
    teacher = factory.SubFactory(TeacherFactory)
    published = True
    unit = None


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"第{n}讲")
    kind = LessonKind.VIDEO
    content_type = "video/webm"
    seconds = 600
    file = factory.LazyFunction(lambda: ContentFile(WEBM_BYTES, name="lesson.webm"))
    size = len(WEBM_BYTES)
