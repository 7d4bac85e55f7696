"""Learning records (第六条), their review history and evidence; staged uploads.

Invariants the database enforces: dates in order, positive hours, at most 8 hours a day of the
inclusive date range (第十条), one live record per natural key, one live record per source key.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import owned_or_administered_q, scope_of
from hourbook.common.db import InclusiveDays
from hourbook.common.hours import SECONDS_PER_DAY
from hourbook.org.models import Employee, Unit

from . import rules
from .choices import CATEGORY_BUCKET, Assessment, Category, Form, ProgrammeType, Source, Status, ZeroReason
from .validation import check_record


def credited_seconds_sum(condition: Q | None = None) -> Sum:
    """The sum of what approved records count, in SQL: `rules.credited_seconds` (a record with a zero reason
    counts nothing, 第十条) over approved records only. The yearly summary and the archive use it; a test
    keeps it equal to the Python rule."""
    credited = Q(status=Status.APPROVED, zero_reason=ZeroReason.NONE)
    return Sum("seconds", filter=credited & condition if condition is not None else credited, default=0)


class RecordQuerySet(models.QuerySet):
    def live(self) -> "RecordQuerySet":
        """Records not deleted (soft deletion: a deleted record stops counting and leaves the lists)."""
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user) -> "RecordQuerySet":
        """Employee: own records. Unit HR: the records of their unit trees. Academy admin: all."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owned_or_administered_q(user))

    def owned_by(self, user) -> "RecordQuerySet":
        scope = scope_of(user)
        if not scope.employee_id:
            return self.none()
        return self.filter(employee_id=scope.employee_id)

    def for_year(self, year: int) -> "RecordQuerySet":
        return self.filter(year=year)


class Record(models.Model):
    """One learning record of one employee, counted for the unit and year it stores."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="records"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("计入单位"),
        on_delete=models.PROTECT,
        related_name="records",
        help_text=_("该年度所在单位（12月31日所在单位）"),
    )
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("结束日期所在年度"))
    category = models.CharField(_("类别"), max_length=32, choices=Category)
    form = models.CharField(_("培训形式"), max_length=32, choices=Form)
    source = models.CharField(_("来源"), max_length=16, choices=Source, default=Source.EMPLOYEE)
    source_key = models.CharField(
        _("来源标识"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("来源（培训项目、课程）内的唯一标识"),
    )
    programme_type = models.CharField(
        _("项目类型"), max_length=16, choices=ProgrammeType, blank=True, default=""
    )

    name = models.CharField(_("培训名称"), max_length=200)
    content = models.CharField(_("培训内容"), max_length=2000, blank=True)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    organiser = models.CharField(_("举办单位"), max_length=200, blank=True)
    start_date = models.DateField(_("开始时间"))
    end_date = models.DateField(_("结束时间"))
    seconds = models.PositiveIntegerField(_("学时（秒）"))
    assessment = models.CharField(_("考核结果"), max_length=16, choices=Assessment, default=Assessment.NONE)
    off_job = models.BooleanField(_("是否脱产"), default=False)
    zero_reason = models.CharField(
        _("不计学时原因"), max_length=32, choices=ZeroReason, blank=True, default=""
    )

    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PENDING)
    status_changed_at = models.DateTimeField(_("状态时间"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("内容每次修改加一；审核针对所见版本")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-end_date", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="record_dates_in_order",
                violation_error_message=_("结束时间不能早于开始时间"),
            ),
            models.CheckConstraint(
                condition=Q(seconds__gt=0),
                name="record_hours_positive",
                violation_error_message=_("学时必须大于零"),
            ),
            models.CheckConstraint(
                condition=Q(seconds__lte=InclusiveDays(F("end_date"), F("start_date")) * SECONDS_PER_DAY),
                name="record_hours_within_days",
                violation_error_message=_("学时不能超过日期范围天数 × 8 学时（第十条）"),
            ),
            models.UniqueConstraint(
                fields=["employee", "category", "name", "start_date", "end_date", "seconds"],
                condition=Q(deleted_at__isnull=True),
                name="record_natural_key",
                violation_error_message=_("已有一条相同的记录（类别、名称、起止时间、学时均相同）"),
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=Q(deleted_at__isnull=True) & ~Q(source_key=""),
                name="record_source_key",
                violation_error_message=_("该来源已登记过这条记录"),
            ),
        ]
        indexes = [
            # An employee's year: home bar, archive, explanation, record list by tab.
            models.Index(
                fields=["employee", "year", "category"],
                condition=Q(deleted_at__isnull=True),
                name="record_emp_year_idx",
            ),
            # A unit's year: unit report and year export read one range.
            models.Index(
                fields=["unit", "year"], condition=Q(deleted_at__isnull=True), name="record_unit_year_idx"
            ),
            # The HR review queue: pending records of units, oldest first.
            models.Index(
                fields=["unit", "created_at"],
                condition=Q(status="pending", deleted_at__isnull=True),
                name="record_pending_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_date}～{self.end_date}）"

    def save(self, *args, **kwargs) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Model validation (admin, model forms) refuses what no record may hold, with the messages every
        other path shows (`ledger.validation.check_record`: an end date after today, hours above 8 × days…)."""
        errors = check_record(name=self.name, start=self.start_date, end=self.end_date, seconds=self.seconds)
        if errors:
            raise ValidationError({("seconds" if k == "hours" else k): v for k, v in errors.items()})

    @property
    def bucket(self) -> str:
        return CATEGORY_BUCKET[self.category]

    @property
    def credited_seconds(self) -> int:
        """Hours that count if approved: zero for a failed assessment or an ineligible trainee (第十条)."""
        return rules.credited_seconds(self.seconds, self.zero_reason)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def editable_by_owner(self) -> bool:
        """Pending or rejected employee records may be edited or deleted by their owner (FAQ Q5)."""
        return (
            self.source == Source.EMPLOYEE
            and self.status in (Status.PENDING, Status.REJECTED)
            and not self.deleted_at
        )

    def derive(self) -> None:
        """Fields that follow from others: the year of the end date, a failed assessment's zero."""
        if isinstance(self.end_date, dt.date):
            self.year = self.end_date.year
        if self.assessment == Assessment.FAILED:
            self.zero_reason = ZeroReason.FAILED_ASSESSMENT
        elif self.zero_reason == ZeroReason.FAILED_ASSESSMENT:
            self.zero_reason = ZeroReason.NONE


class RecordTransition(models.Model):
    """One change of a record's state: who, when, from, to, why (DOMAIN.md, Review)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    action = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    record_version = models.PositiveIntegerField(_("记录版本"), default=1)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["record_id", "created_at", "pk"]
        indexes = [
            # A record's history, in order.
            models.Index(fields=["record", "created_at"], name="transition_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.from_status}→{self.to_status}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.record.employee_id}/{instance.record_id}/{filename}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EvidenceQuerySet":
        """Evidence is as private as its record: the owner, the unit's HR, the academy."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            owned_or_administered_q(
                user, employee_field="record__employee_id", unit_path_field="record__unit__path"
            )
        )


class Evidence(models.Model):
    """A certificate, photo or PDF attached to a record; private, served only after an access check."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["record_id", "pk"]

    def __str__(self) -> str:
        return self.original_name


class UploadStatus(models.TextChoices):
    INVALID = "invalid", _("有错误")
    READY = "ready", _("待确认")
    COMMITTED = "committed", _("已导入")


class UploadBatch(models.Model):
    """A staged batch upload: parsed rows and errors live here (not on an app server's disk) until confirmed."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("类别"), max_length=32, choices=Category)
    filename = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=UploadStatus)
    rows = models.JSONField(_("有效行"), default=list)
    errors = models.JSONField(_("错误"), default=list)
    duplicates = models.JSONField(_("已存在的行"), default=list)
    error_workbook = models.BinaryField(_("标注错误的工作簿"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("新增条数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量上传")
        verbose_name_plural = _("批量上传")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class YearSummary(models.Model):
    """Per employee, year and category: approved count and credited seconds, pending count and seconds.

    Maintained by the ledger's services in the same transaction as every record write (`ledger.summary`),
    so it equals what the engine computes after every commit; reports read it instead of the raw records.
    `manage.py summary_check --repair` compares it with the records and repairs it.
    """

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="year_summaries")
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=32, choices=Category)
    approved_count = models.PositiveIntegerField(_("已通过条数"), default=0)
    credited_seconds = models.PositiveBigIntegerField(_("已通过学时（秒）"), default=0)
    pending_count = models.PositiveIntegerField(_("待审核条数"), default=0)
    pending_seconds = models.PositiveBigIntegerField(_("待审核学时（秒）"), default=0)

    class Meta:
        verbose_name = _("学时汇总")
        verbose_name_plural = _("学时汇总")
        ordering = ["employee_id", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "year", "category"],
                name="summary_one_row",
                violation_error_message=_("汇总行重复"),
            ),
        ]
        indexes = [
            # Reports: all summary rows of a year (joined to the year's population of employees).
            models.Index(fields=["year", "employee"], name="summary_year_emp_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}/{self.year}/{self.category}"
