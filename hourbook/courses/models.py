"""The platform's own courses (第九条四): teachers, courses of ordered lessons, each person's progress.

Study time is decided by `services.lesson_report` and handed to the ledger as `platform_online` records
through `ledger.services.source_records_sync`; the ledger knows nothing of this app.

Who sees a course: it is published to the whole academy (`unit` empty) or to one unit tree; a person may open
it when it is published and their unit lies in that tree. Authors (the academy admin, and a unit's HR for
courses published to their tree) see their courses whether published or not.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import paths_q, scope_of
from hourbook.org.models import Employee, Unit

from .choices import LessonKind, Section


def ancestor_paths(path: str) -> list[str]:
    """ "/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]: the trees a unit lies in."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def learner_unit_path(user) -> str | None:
    """The unit path of the person behind `user` (cached on the user for the request), or None."""
    if not getattr(user, "is_authenticated", False) or not user.employee_id:
        return None
    cached = getattr(user, "_courses_unit_path", None)
    if cached is None:
        cached = (
            Employee.objects.filter(pk=user.employee_id).values_list("unit__path", flat=True).first() or ""
        )
        user._courses_unit_path = cached
    return cached or None


def authors_q(user, unit_field: str = "unit") -> Q:
    """Courses a user may author: all for the academy admin; unit HR: those published to their tree."""
    scope = scope_of(user)
    if scope.academy_admin:
        return Q()
    if not scope.hr_paths:
        return Q(pk__in=[])
    return Q(**{f"{unit_field}__isnull": False}) & paths_q(scope.hr_paths, f"{unit_field}__path")


def learners_q(user, prefix: str = "") -> Q:
    """Courses a person may study: published, to the academy or to a tree their unit lies in."""
    path = learner_unit_path(user)
    if path is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}published": True}) & (
        Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit__path__in": ancestor_paths(path)})
    )


class Teacher(models.Model):
    """A teacher of the platform's courses (教师资源)."""

    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职称/职务"), max_length=100, blank=True)
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet):
    def learnable_by(self, user) -> "CourseQuerySet":
        """Courses the user may study (and be credited for): published, in a tree holding their unit."""
        return self.filter(learners_q(user))

    def authored_by(self, user) -> "CourseQuerySet":
        """Courses the user may create and edit, published or not."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(authors_q(user))

    def visible_to(self, user) -> "CourseQuerySet":
        """What a user may open: what they may study, plus what they author. Others get 404."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if scope_of(user).academy_admin:
            return self.all()  # (an empty Q would vanish from the OR below)
        return self.filter(learners_q(user) | authors_q(user))


def cover_path(instance: "Course", filename: str) -> str:
    return f"courses/covers/{uuid.uuid4().hex}{_extension(filename)}"


def lesson_path(instance: "Lesson", filename: str) -> str:
    return f"courses/lessons/{instance.course_id}/{uuid.uuid4().hex}{_extension(filename)}"


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:10] if dot >= 0 else ""


class Course(models.Model):
    """A course of the catalogue (课程资源): a section, a teacher and ordered lessons."""

    section = models.CharField(_("栏目"), max_length=16, choices=Section)
    title = models.CharField(_("课程名称"), max_length=200)
    description = models.TextField(_("课程简介"), blank=True)
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("主讲教师"), on_delete=models.PROTECT, related_name="courses"
    )
    cover = models.ImageField(_("封面图片"), upload_to=cover_path, max_length=255, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("发布范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text=_("留空则面向全院；选择单位则面向该单位及其下属单位"),
    )
    published = models.BooleanField(_("已发布"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The catalogue: published courses of a section, newest first.
            models.Index(fields=["published", "section", "-created_at"], name="course_catalogue_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LessonQuerySet":
        """Lessons of the courses the user may open."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(course__in=Course.objects.visible_to(user))

    def learnable_by(self, user) -> "LessonQuerySet":
        return self.filter(learners_q(user, "course__"))


class Lesson(models.Model):
    """One lesson of a course: a video, an audio file or a PDF document, stored privately.

    `seconds` is the lesson's length, read on the server from the file when it is uploaded (video and
    audio), or set by its author for a document (its study length). Credited time never exceeds it.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="lessons"
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("课时名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=LessonKind)
    file = models.FileField(_("文件"), upload_to=lesson_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    seconds = models.PositiveIntegerField(_("时长（秒）"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds__gt=0),
                name="lesson_length_positive",
                violation_error_message=_("课时时长必须大于零。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    """One person's study of one lesson: where they stopped (to resume on any device) and the seconds
    credited so far, never more than the lesson's length (kept by `services.lesson_report` under a row lock).
    """

    employee = models.ForeignKey(
        Employee, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="progress"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="progress", editable=False
    )
    position = models.PositiveIntegerField(_("播放位置（秒）"), default=0)
    credited = models.PositiveIntegerField(_("已计学时（秒）"), default=0)
    last_studied_at = models.DateTimeField(_("最近学习时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        ordering = ["employee", "lesson"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "lesson"],
                name="progress_one_per_lesson",
                violation_error_message=_("每人每课时只有一条学习进度。"),
            )
        ]
        indexes = [
            # 我的课程: one person's progress grouped by course.
            models.Index(fields=["employee", "course"], name="progress_mine_idx"),
            # The catalogue's "most studied": learners per course.
            models.Index(fields=["course", "employee"], name="progress_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.lesson_id}"


class StudySession(models.Model):
    """The one lesson a person is studying now (one lesson at a time, DOMAIN.md decision).

    `token` names the page (tab or device) that holds it; a page that starts playing takes it over, and the
    previous page's next report is told to stop. `last_report_at` is the last accepted report, from which
    the next report's wall-clock time is measured; empty while paused.
    """

    employee = models.OneToOneField(
        Employee, verbose_name=_("职工"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("页面标识"), max_length=64)
    last_report_at = models.DateTimeField(_("最近一次有效报告"), null=True, blank=True)

    class Meta:
        verbose_name = _("当前学习")
        verbose_name_plural = _("当前学习")
        ordering = ["employee"]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.lesson_id}"
