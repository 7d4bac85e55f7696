"""Authoring of courses: the academy admin for any course, a unit's HR for courses published to their tree.

Every function takes the acting user and checks, where the write happens, that the course lies in what the
user may author (`Course.objects.authored_by`) and that a course's audience is a unit the user administers.
Lesson files are checked (type by their first bytes, size, length read on the server: `media.py`) and
stored through Django's storage API.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import scope_of
from hourbook.audit.services import audit_log
from hourbook.org.models import Unit

from ..choices import LessonKind
from ..media import check_lesson_file
from ..models import Course, Lesson, Teacher

MSG_NOT_AUTHOR = _("您不能编辑该课程")
MSG_UNIT_OUT_OF_SCOPE = _("只能发布到您管理的单位及其下属单位")
MSG_UNIT_REQUIRED = _("请选择发布范围（您管理的单位）")
MSG_TOO_LARGE = _("文件过大：最大 %(max)s MB")
MSG_FILE_REQUIRED = _("请选择课时文件")
MSG_MINUTES_REQUIRED = _("文档类课时请填写学习时长（分钟）")
MSG_NO_LESSONS = _("课程还没有课时，不能发布")
MSG_LESSON_STUDIED = _("已有人学习过该课时，不能删除；如不再提供，请下线课程")
MSG_TEACHER_REQUIRED = _("请填写主讲教师姓名")


def _check_author(actor, course: Course | None = None) -> None:
    scope = scope_of(actor)
    if not (scope.academy_admin or scope.hr_paths):
        raise PermissionDenied(MSG_NOT_AUTHOR)
    if (
        course is not None
        and course.pk
        and not Course.objects.authored_by(actor).filter(pk=course.pk).exists()
    ):
        raise PermissionDenied(MSG_NOT_AUTHOR)


def _check_unit(actor, unit: Unit | None) -> None:
    scope = scope_of(actor)
    if scope.academy_admin:
        return
    if unit is None:
        raise ValidationError({"unit": MSG_UNIT_REQUIRED})
    if not any(unit.path.startswith(path) for path in scope.hr_paths):
        raise ValidationError({"unit": MSG_UNIT_OUT_OF_SCOPE})


@transaction.atomic
def course_save(
    *,
    actor,
    course: Course | None,
    section: str,
    title: str,
    description: str,
    teacher_name: str,
    teacher_title: str = "",
    unit: Unit | None,
    cover=None,
) -> Course:
    """Create or edit a course; the teacher is found by name and title, or added to 教师资源."""
    _check_author(actor, course)
    _check_unit(actor, unit)
    if not teacher_name.strip():
        raise ValidationError({"teacher_name": MSG_TEACHER_REQUIRED})
    teacher = Teacher.objects.filter(name=teacher_name.strip(), title=teacher_title.strip()).first()
    if teacher is None:
        teacher = Teacher.objects.create(name=teacher_name.strip(), title=teacher_title.strip())
    creating = course is None
    if creating:
        course = Course(created_by=actor)
    course.section, course.title, course.description = section, title.strip(), description.strip()
    course.teacher, course.unit = teacher, unit
    if cover is not None:
        course.cover.save(cover.name or "cover.png", cover, save=False)
    course.full_clean()
    course.save()
    audit_log(
        actor=actor,
        action="course.create" if creating else "course.edit",
        obj=course,
        unit=unit,
        summary=course.title,
    )
    return course


@transaction.atomic
def course_set_published(*, actor, course: Course, published: bool) -> Course:
    """Publish a course (it needs lessons) or take it offline: no one is credited for it any more."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    _check_author(actor, course)
    if published and not course.lessons.exists():
        raise ValidationError(MSG_NO_LESSONS)
    course.published = published
    if published and course.published_at is None:
        course.published_at = timezone.now()
    course.save(update_fields=["published", "published_at"])
    audit_log(
        actor=actor,
        action="course.publish" if published else "course.unpublish",
        obj=course,
        unit=course.unit,
        summary=course.title,
    )
    return course


def _length(kind: str, upload, minutes: int | None) -> tuple:
    max_bytes = settings.COURSES_UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError({"file": MSG_TOO_LARGE % {"max": max_bytes // (1024 * 1024)}})
    try:
        sniffed, seconds = check_lesson_file(upload, kind)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    if kind == LessonKind.DOCUMENT:
        if not minutes:
            raise ValidationError({"minutes": MSG_MINUTES_REQUIRED})
        seconds = minutes * 60
    return sniffed, seconds


def lesson_add(*, actor, course: Course, title: str, kind: str, upload, minutes: int | None = None) -> Lesson:
    """Add a lesson at the end of the course; the stored file is removed again if the row is not saved."""
    if upload is None:
        raise ValidationError({"file": MSG_FILE_REQUIRED})
    _check_author(actor, course)
    sniffed, seconds = _length(kind, upload, minutes)
    lesson = Lesson(
        course=course,
        title=title.strip(),
        kind=kind,
        content_type=sniffed.content_type,
        size=upload.size,
        seconds=seconds,
        original_name=(upload.name or "")[-255:],
    )
    upload.seek(0)
    lesson.file.save(f"{uuid.uuid4().hex}{sniffed.extension}", upload, save=False)
    try:
        with transaction.atomic():
            locked = Course.objects.select_for_update().get(pk=course.pk)
            lesson.order = (locked.lessons.aggregate(m=Max("order"))["m"] or 0) + 1
            lesson.full_clean(exclude=["file"])
            lesson.save()
            audit_log(actor=actor, action="lesson.add", obj=lesson, unit=course.unit, summary=lesson.title)
    except Exception:
        lesson.file.storage.delete(lesson.file.name)
        raise
    return lesson


def lesson_update(
    *, actor, lesson: Lesson, title: str, kind: str, upload=None, minutes: int | None = None
) -> Lesson:
    """Rename a lesson, replace its file (its length is read again) or change a document's study length."""
    _check_author(actor, lesson.course)
    old_name = None
    if upload is not None:
        sniffed, seconds = _length(kind, upload, minutes)
        old_name = lesson.file.name
        upload.seek(0)
        lesson.file.save(f"{uuid.uuid4().hex}{sniffed.extension}", upload, save=False)
        lesson.content_type, lesson.size, lesson.seconds = sniffed.content_type, upload.size, seconds
        lesson.original_name = (upload.name or "")[-255:]
        lesson.kind = kind
    elif kind != lesson.kind:
        raise ValidationError({"file": MSG_FILE_REQUIRED})
    elif kind == LessonKind.DOCUMENT:
        if not minutes:
            raise ValidationError({"minutes": MSG_MINUTES_REQUIRED})
        lesson.seconds = minutes * 60
    lesson.title = title.strip()
    with transaction.atomic():
        lesson.full_clean(exclude=["file"])
        lesson.save()
        audit_log(
            actor=actor, action="lesson.edit", obj=lesson, unit=lesson.course.unit, summary=lesson.title
        )
        if old_name and not Lesson.objects.filter(file=old_name).exists():
            storage = lesson.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return lesson


@transaction.atomic
def lesson_move(*, actor, lesson: Lesson, direction: int) -> None:
    """Move a lesson one place up (-1) or down (+1); orders are renumbered 1..n."""
    course = Course.objects.select_for_update().get(pk=lesson.course_id)
    _check_author(actor, course)
    lessons = list(course.lessons.order_by("order", "pk"))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(lessons):
        lessons[index], lessons[other] = lessons[other], lessons[index]
    for order, item in enumerate(lessons, start=1):
        item.order = order
    Lesson.objects.bulk_update(lessons, ["order"])


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    """Delete a lesson no one has studied (studied time stays in the ledger; take the course offline instead)."""
    _check_author(actor, lesson.course)
    if lesson.progress.filter(credited__gt=0).exists():
        raise ValidationError(MSG_LESSON_STUDIED)
    storage, name = lesson.file.storage, lesson.file.name
    audit_log(actor=actor, action="lesson.delete", obj=lesson, unit=lesson.course.unit, summary=lesson.title)
    lesson.delete()
    if not Lesson.objects.filter(file=name).exists():  # the demo's lessons share their sample files
        transaction.on_commit(lambda: storage.delete(name))
