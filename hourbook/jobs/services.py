"""Starting, running, sweeping background jobs. A job's handler is a function taking (job, progress)
and returning (file name, bytes or a file path) or None; its effect (attaching the result, telling the owner)
happens once, in the transaction that marks the job succeeded.

Each app registers its own handlers from its `AppConfig.ready()` with `job_handler_register`, as the
handler lives beside the code it runs; this app names none of them and imports nothing of the apps above it.
"""

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus

log = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    """A running job whose heartbeat is older than this lost its worker (settings.JOB_STALE_SECONDS)."""
    return dt.timedelta(seconds=settings.JOB_STALE_SECONDS)


def heartbeat_seconds() -> float:
    """Beat several times within the stale limit, so a live job is never taken for a dead one."""
    return max(0.2, settings.JOB_STALE_SECONDS / 6)


Handler = Callable[[Job, "Progress"], tuple[str, bytes | str | os.PathLike] | None]

# Handlers by kind, filled by each app's AppConfig.ready() through `job_handler_register`.
HANDLERS: dict[str, Handler] = {}


def job_handler_register(kind: str, handler: Handler) -> None:
    """Register the handler of a job kind ("<app>.<what>"); a kind is registered once."""
    if HANDLERS.get(kind, handler) is not handler:
        raise ValueError(f"job kind {kind!r} is already registered")
    HANDLERS[kind] = handler


def job_start(*, owner, kind: str, title: str, params: dict | None = None) -> Job:
    """Create the status row and enqueue the task once the transaction commits."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    run_job.enqueue(job_id)


class Progress:
    """Handed to a handler: report progress; beats the heartbeat at most every few seconds."""

    def __init__(self, job: Job, attempt: int):
        self.job = job
        self.attempt = attempt
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = timezone.now()
        if total is not None:
            self.job.total = total
        self.job.progress = done
        if now.timestamp() - self._last >= heartbeat_seconds() or (total is not None):
            self._last = now.timestamp()
            Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING, attempts=self.attempt).update(
                progress=done, total=self.job.total, heartbeat_at=now
            )


def job_run(job_id: int) -> None:
    """Claim a queued job, run its handler, record the outcome. Safe to call twice: only one claim wins."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    attempt = job.attempts
    handler = HANDLERS[job.kind]
    try:
        result = handler(job, Progress(job, attempt))
    except Exception as exc:
        log.exception("job %s failed", job_id)
        with transaction.atomic():  # the failure and its notification are one write: both or neither
            failed = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt).update(
                status=JobStatus.FAILED,
                error=_("任务失败：%(e)s") % {"e": exc.__class__.__name__},
                finished_at=timezone.now(),
            )
            if failed:
                _notify(job_id)
        return
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING or job.attempts != attempt:
            return  # swept and re-run meanwhile: the newer attempt owns the effect
        if result is not None:
            name, content = result
            if isinstance(content, (str, os.PathLike)):
                with Path(content).open("rb") as fh:
                    job.result_file.save(name, File(fh), save=False)
                Path(content).unlink(missing_ok=True)
            else:
                job.result_file.save(name, ContentFile(content), save=False)
            job.result_name = name
        job.status = JobStatus.SUCCEEDED
        job.progress = job.total or job.progress
        job.finished_at = timezone.now()
        job.save()
        # In the same transaction: a worker killed after the commit cannot leave a finished job whose owner
        # was never told (the notification is a row, not a side effect outside the database).
        _notify(job_id)


def jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Running jobs whose heartbeat is stale were killed with their worker: re-queue them, or fail them
    after their attempts. Returns how many were re-queued and failed."""
    now = now or timezone.now()
    limit = now - stale_after()
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit)
    requeued = failed = 0
    for job in stale.order_by("pk"):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status != JobStatus.RUNNING or job.heartbeat_at >= limit:
                continue
            if job.attempts < job.max_attempts:
                job.status = JobStatus.QUEUED
                job.save(update_fields=["status"])
                transaction.on_commit(lambda pk=job.pk: _enqueue(pk))
                requeued += 1
            else:
                job.status = JobStatus.FAILED
                job.error = _("任务中断且重试次数已用完，请重新发起")
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
                failed += 1
    return {"requeued": requeued, "failed": failed}


def _notify(job_id: int) -> None:
    from hourbook.notifications.services import notification_send

    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        notification_send(
            recipient=job.owner,
            title=_("“%(t)s”已完成，可以下载") % {"t": job.title},
            link=reverse("jobs:detail", args=[job.pk]),
        )
    else:
        notification_send(
            recipient=job.owner,
            title=_("“%(t)s”失败") % {"t": job.title},
            body=job.error,
            link=reverse("jobs:detail", args=[job.pk]),
        )
