"""A lesson's page with the browser's own player, its file (Range), and the study report endpoint."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from .. import crediting
from ..models import Lesson, LessonProgress
from ..selectors import lessons_with_progress
from ..services import LessonUnavailable, lesson_report, report_interval
from ..services.study import MSG_LESSON_UNAVAILABLE, MSG_NOT_LEARNER, MSG_TAKEN_OVER
from .files import serve_private


@login_required
@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson's player (video/audio) or document, resuming at the person's last position."""
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).select_related("course__teacher"), pk=pk
    )
    learnable = Lesson.objects.learnable_by(request.user).filter(pk=pk).exists() and bool(
        request.user.employee_id
    )
    progress = (
        LessonProgress.objects.filter(employee_id=request.user.employee_id, lesson=lesson).first()
        if request.user.employee_id
        else None
    )
    lessons = lessons_with_progress(lesson.course, request.user.employee_id)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "lessons": lessons,
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "progress": progress,
            "credited": progress.credited if progress else 0,
            "position": progress.position if progress and progress.position < lesson.seconds else 0,
            "learnable": learnable,
            "interval": report_interval(),
        },
    )


@login_required
@require_GET
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson's bytes, checked on every request (404 for whoever may not open the course)."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), pk=pk)
    return serve_private(request, lesson.file, lesson.content_type)


@login_required
@require_POST
def lesson_report_view(request: HttpRequest, pk: int) -> JsonResponse:
    """A playing page's report (fetch or navigator.sendBeacon); the answer says what was credited and whether
    the page must stop. 404 (with the reason) for a lesson the person may not study now."""
    event = request.POST.get("event", "")
    token = request.POST.get("token", "")[:64]
    raw = request.POST.get("position", "0")
    try:
        position = max(0, int(float(raw)))
    except (ValueError, OverflowError):  # "abc", "nan", "inf": no position, nothing else changes
        position = 0
    if event not in crediting.EVENTS or not token:
        return JsonResponse({"error": "bad report"}, status=400)
    try:
        result = lesson_report(actor=request.user, lesson_id=pk, token=token, event=event, position=position)
    except LessonUnavailable:
        return JsonResponse({"stop": True, "message": str(MSG_LESSON_UNAVAILABLE)}, status=404)
    except PermissionDenied:
        return JsonResponse({"stop": True, "message": str(MSG_NOT_LEARNER)}, status=403)
    return JsonResponse(
        {
            "credit": result.credit,
            "credited": result.credited,
            "position": result.position,
            "seconds": result.lesson_seconds,
            "stop": result.stop,
            "message": str(MSG_TAKEN_OVER) if result.note == crediting.TAKEN_OVER else "",
            "complete": result.credited >= result.lesson_seconds,
        }
    )
