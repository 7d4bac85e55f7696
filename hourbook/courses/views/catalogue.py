"""课程资源 (the catalogue), a course's page, 教师资源, 我的课程, and course covers."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from ..choices import Section
from ..models import Course, Teacher
from ..selectors import catalogue as catalogue_qs
from ..selectors import course_seconds, lessons_with_progress, my_courses
from .files import serve_private

PAGE_SIZE = 12
SORTS = ("newest", "popular")


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """课程资源: courses the user may open, searched by title/teacher, by section, newest or most studied."""
    q = request.GET.get("q", "").strip()[:100]
    section = request.GET.get("section", "")
    section = section if section in Section.values else ""
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in SORTS else "newest"
    page = Paginator(catalogue_qs(request.user, q=q, section=section, sort=sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    courses = list(page)
    seconds = course_seconds(c.pk for c in courses)
    for course in courses:
        course.length = seconds.get(course.pk, 0)
    query = urlencode({k: v for k, v in (("q", q), ("section", section), ("sort", sort)) if v})
    return render(
        request,
        "courses/catalogue.html",
        {
            "page": page,
            "courses": courses,
            "q": q,
            "section": section,
            "sort": sort,
            "sections": Section.choices,
            "query": query,
        },
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A course: its teacher, description, lessons with their lengths and the person's progress in each."""
    course = get_object_or_404(
        Course.objects.visible_to(request.user).select_related("teacher", "unit"), pk=pk
    )
    lessons = lessons_with_progress(course, request.user.employee_id)
    learnable = Course.objects.learnable_by(request.user).filter(pk=pk).exists()
    credited = sum(lesson.my_progress.credited for lesson in lessons if lesson.my_progress)
    length = sum(lesson.seconds for lesson in lessons)
    resume = next((lesson for lesson in lessons if not lesson.covered), lessons[0] if lessons else None)
    can_edit = Course.objects.authored_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "lessons": lessons,
            "learnable": learnable,
            "credited": credited,
            "length": length,
            "percent": min(100, credited * 100 // length) if length else 0,
            "resume": resume,
            "can_edit": can_edit,
        },
    )


@login_required
@require_GET
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """教师资源: a teacher and the courses of theirs the user may open (404 when there are none)."""
    teacher = get_object_or_404(Teacher, pk=pk)
    courses = list(
        Course.objects.visible_to(request.user)
        .filter(teacher=teacher)
        .select_related("teacher")
        .order_by("-created_at")
    )
    if not courses:
        raise Http404
    seconds = course_seconds(c.pk for c in courses)
    for course in courses:
        course.length = seconds.get(course.pk, 0)
    return render(request, "courses/teacher_detail.html", {"teacher": teacher, "courses": courses})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的课程: courses the person has studied, progress, lessons finished, last studied, 继续学习."""
    if not request.user.employee_id:
        raise Http404
    return render(request, "courses/mine.html", {"courses": my_courses(request.user)})


@login_required
@require_GET
def cover(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's cover image, for whoever may open the course."""
    course = get_object_or_404(Course.objects.visible_to(request.user).exclude(cover=""), pk=pk)
    name = course.cover.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    if name.endswith(".webp"):
        content_type = "image/webp"
    return serve_private(request, course.cover, content_type)
