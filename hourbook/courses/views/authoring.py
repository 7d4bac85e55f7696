"""我的课件: authoring courses and lessons (academy admin; unit HR for courses published to their tree).

Lesson files arrive through Django's upload handlers: anything above FILE_UPLOAD_MAX_MEMORY_SIZE is
streamed to a temporary file on disk, never held in memory; behind nginx the request body is buffered by
nginx first, so a slow upload does not hold a gunicorn worker (see deploy/nginx).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from hourbook.accounts.scope import scope_of

from ..choices import LessonKind
from ..forms import CourseForm, LessonForm, apply_errors
from ..models import Course, Lesson
from ..selectors import course_seconds
from ..services import (
    course_save,
    course_set_published,
    lesson_add,
    lesson_delete,
    lesson_move,
    lesson_update,
)

MSG_SAVED = _("课程已保存")
MSG_PUBLISHED = _("课程已发布")
MSG_UNPUBLISHED = _("课程已下线，学员不能再学习，也不再计入学时")
MSG_LESSON_SAVED = _("课时已保存")
MSG_LESSON_DELETED = _("课时已删除")


def require_author(request: HttpRequest) -> None:
    """Authoring pages are for the academy admin and unit HR; others get 403."""
    if not scope_of(request.user).is_hr:
        raise PermissionDenied


def authored_course(request: HttpRequest, pk: int) -> Course:
    require_author(request)
    return get_object_or_404(
        Course.objects.authored_by(request.user).select_related("teacher", "unit"), pk=pk
    )


def authored_lesson(request: HttpRequest, pk: int) -> Lesson:
    require_author(request)
    return get_object_or_404(
        Lesson.objects.filter(course__in=Course.objects.authored_by(request.user)).select_related("course"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET"])
def manage_list(request: HttpRequest) -> HttpResponse:
    """我的课件: the courses the user may author, published or not."""
    require_author(request)
    courses = list(
        Course.objects.authored_by(request.user).select_related("teacher", "unit").order_by("-created_at")
    )
    seconds = course_seconds(c.pk for c in courses)
    for course in courses:
        course.length = seconds.get(course.pk, 0)
    return render(request, "courses/manage_list.html", {"courses": courses})


def _course_form(request: HttpRequest, course: Course | None) -> HttpResponse:
    initial = {}
    if course is not None:
        initial = {
            "section": course.section,
            "title": course.title,
            "description": course.description,
            "teacher_name": course.teacher.name,
            "teacher_title": course.teacher.title,
            "unit": course.unit,
        }
    form = CourseForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = course_save(
                actor=request.user,
                course=course,
                section=data["section"],
                title=data["title"],
                description=data["description"],
                teacher_name=data["teacher_name"],
                teacher_title=data["teacher_title"],
                unit=data["unit"],
                cover=data["cover"] or None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, MSG_SAVED)
            return redirect("courses:manage_course", pk=saved.pk)
    return render(request, "courses/course_form.html", {"form": form, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    require_author(request)
    return _course_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, authored_course(request, pk))


@login_required
@require_http_methods(["GET"])
def manage_course(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's lessons for its author: add, reorder, edit, delete; publish or take offline."""
    course = authored_course(request, pk)
    lessons = list(course.lessons.order_by("order", "pk"))
    return render(
        request,
        "courses/manage_course.html",
        {
            "course": course,
            "lessons": lessons,
            "form": LessonForm(),
            "length": sum(x.seconds for x in lessons),
        },
    )


@login_required
@require_POST
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = authored_course(request, pk)
    published = request.POST.get("published") == "1"
    try:
        course_set_published(actor=request.user, course=course, published=published)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MSG_PUBLISHED if published else MSG_UNPUBLISHED)
    return redirect("courses:manage_course", pk=course.pk)


def _lesson_saved(request: HttpRequest, form: LessonForm, service, **target) -> bool:
    """Call the lesson service (add or update) with the form's data; its refusals go to the form's fields."""
    data = form.cleaned_data
    try:
        service(
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            upload=data["file"] or None,
            minutes=data["minutes"],
            **target,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, MSG_LESSON_SAVED)
    return True


@login_required
@require_POST
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a lesson (the page sends it with a progress bar; without script it is a plain form)."""
    course = authored_course(request, pk)
    form = LessonForm(request.POST, request.FILES)
    if form.is_valid() and _lesson_saved(request, form, lesson_add, course=course):
        return redirect("courses:manage_course", pk=course.pk)
    lessons = list(course.lessons.order_by("order", "pk"))
    return render(
        request,
        "courses/manage_course.html",
        {"course": course, "lessons": lessons, "form": form, "length": sum(x.seconds for x in lessons)},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = authored_lesson(request, pk)
    initial = {
        "title": lesson.title,
        "kind": lesson.kind,
        "minutes": lesson.seconds // 60 if lesson.kind == LessonKind.DOCUMENT else None,
    }
    form = LessonForm(request.POST or None, request.FILES or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _lesson_saved(request, form, lesson_update, lesson=lesson)
    ):
        return redirect("courses:manage_course", pk=lesson.course_id)
    return render(
        request, "courses/lesson_form.html", {"form": form, "lesson": lesson, "course": lesson.course}
    )


@login_required
@require_POST
def lesson_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = authored_lesson(request, pk)
    lesson_move(
        actor=request.user, lesson=lesson, direction=-1 if request.POST.get("direction") == "up" else 1
    )
    return redirect("courses:manage_course", pk=lesson.course_id)


@login_required
@require_POST
def lesson_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = authored_lesson(request, pk)
    try:
        lesson_delete(actor=request.user, lesson=lesson)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MSG_LESSON_DELETED)
    return redirect("courses:manage_course", pk=lesson.course_id)
