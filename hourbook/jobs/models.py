"""A background job a person started (an export, a large import): its status row, progress and result.

Runs on Django's Tasks framework (django-tasks-db's database worker by default). The database worker does
not notice a killed worker, so a running job beats a heartbeat and `jobs.services.jobs_sweep` re-queues
(or, after its attempts, fails) jobs whose heartbeat went stale: a job is never left running forever.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JobQuerySet":
        """A person's own jobs only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus, default=JobStatus.QUEUED)
    progress = models.PositiveIntegerField(_("进度"), default=0)
    total = models.PositiveIntegerField(_("总量"), default=0)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试"), default=3)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True, max_length=255)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A person's jobs, newest first.
            models.Index(fields=["owner", "-created_at"], name="job_owner_idx"),
            # The sweeper: running jobs by heartbeat.
            models.Index(fields=["heartbeat_at"], condition=Q(status="running"), name="job_running_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return min(100, self.progress * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
