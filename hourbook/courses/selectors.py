"""Reads of the platform's courses that need care: the catalogue, 我的课程, the archive's course line."""

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from hourbook.ledger.choices import Source, Status
from hourbook.ledger.models import Record

from .choices import COVERED_PERCENT
from .models import Course, Lesson, LessonProgress


def archive_courses(employee, year, summary: dict) -> None:
    """我的档案's "在线学习课程数 N 个": the courses the person was credited time for (in the year, or ever).

    Registered as a ledger archive hook in `CoursesConfig.ready`; 实际时长 stays the ledger's own sum of
    `platform_online` records.
    """
    qs = Record.objects.live().filter(employee=employee, source=Source.PLATFORM, status=Status.APPROVED)
    if year is not None:
        qs = qs.filter(year=year)
    courses = {
        key.split(":")[1] for key in qs.values_list("source_key", flat=True) if key.startswith("course:")
    }
    summary["online_courses_n"] = len(courses)


def catalogue(user, *, q: str = "", section: str = "", sort: str = "newest"):
    """Courses the user may open, with teacher, lesson count, length and learners: one query per page."""
    # Counted in subqueries (not joins, whose product would grow as lessons × learners).
    lesson_n = (
        Lesson.objects.filter(course=OuterRef("pk")).values("course").annotate(n=Count("pk")).values("n")
    )
    learners = (
        LessonProgress.objects.filter(course=OuterRef("pk"))
        .values("course")
        .annotate(n=Count("employee", distinct=True))
        .values("n")
    )
    qs = (
        Course.objects.visible_to(user)
        .select_related("teacher", "unit")
        .annotate(
            lesson_n=Coalesce(Subquery(lesson_n), 0),
            learners=Coalesce(Subquery(learners), 0),
        )
    )
    if section:
        qs = qs.filter(section=section)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(teacher__name__icontains=q) | Q(description__icontains=q))
    if sort == "popular":
        return qs.order_by("-learners", "-created_at", "-pk")
    return qs.order_by("-created_at", "-pk")


def course_seconds(course_ids) -> dict[int, int]:
    """Each course's length (sum of its lessons), computed at query time."""
    return dict(
        Lesson.objects.filter(course_id__in=list(course_ids))
        .values("course_id")
        .annotate(s=Sum("seconds"))
        .values_list("course_id", "s")
    )


def lessons_with_progress(course: Course, employee_id: int | None) -> list[Lesson]:
    """The course's lessons in order, each with `.progress` (the person's row or None): two queries."""
    lessons = list(
        course.lessons.order_by("order", "pk").prefetch_related(
            Prefetch(
                "progress",
                queryset=LessonProgress.objects.filter(employee_id=employee_id or 0),
                to_attr="mine",
            )
        )
    )
    for lesson in lessons:
        lesson.my_progress = lesson.mine[0] if lesson.mine else None
        credited = lesson.my_progress.credited if lesson.my_progress else 0
        lesson.percent = min(100, credited * 100 // lesson.seconds) if lesson.seconds else 0
        lesson.covered = lesson.percent >= COVERED_PERCENT
    return lessons


def my_courses(user) -> list[Course]:
    """我的课程: the courses the person has studied, with progress (credited / length), lessons finished,
    last studied; finished when every lesson is covered to 90 % (DOMAIN.md). Constant queries."""
    employee_id = user.employee_id
    if not employee_id:
        return []
    rows = (
        LessonProgress.objects.filter(employee_id=employee_id)
        .values("course_id")
        .annotate(credited=Sum("credited"), last=Max("last_studied_at"))
    )
    by_course = {r["course_id"]: r for r in rows}
    courses = list(
        Course.objects.filter(pk__in=by_course)
        .select_related("teacher")
        .prefetch_related(
            Prefetch(
                "lessons", queryset=Lesson.objects.order_by("order", "pk").only("pk", "course_id", "seconds")
            )
        )
    )
    credited_by_lesson = dict(
        LessonProgress.objects.filter(employee_id=employee_id, course_id__in=by_course).values_list(
            "lesson_id", "credited"
        )
    )
    for course in courses:
        lessons = list(course.lessons.all())
        course.length = sum(lesson.seconds for lesson in lessons)
        course.credited = by_course[course.pk]["credited"] or 0
        course.last_studied_at = by_course[course.pk]["last"]
        course.lesson_n = len(lessons)
        course.finished_n = sum(
            1
            for lesson in lessons
            if credited_by_lesson.get(lesson.pk, 0) * 100 >= lesson.seconds * COVERED_PERCENT
        )
        course.finished = bool(lessons) and course.finished_n == len(lessons)
        course.percent = min(100, course.credited * 100 // course.length) if course.length else 0
        course.resume_lesson = next(
            (
                lesson
                for lesson in lessons
                if credited_by_lesson.get(lesson.pk, 0) * 100 < lesson.seconds * COVERED_PERCENT
            ),
            lessons[0] if lessons else None,
        )
    courses.sort(key=lambda c: c.last_studied_at or c.created_at, reverse=True)
    return courses
