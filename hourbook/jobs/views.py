"""A person's background jobs: status with live progress (htmx polling) and the result download."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Job, JobStatus
from .services import jobs_sweep


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Job.objects.visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if job.status == JobStatus.RUNNING:
        jobs_sweep()  # a killed worker's job is re-queued or failed, never shown running forever
        job.refresh_from_db()
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if job.status != JobStatus.SUCCEEDED or not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
