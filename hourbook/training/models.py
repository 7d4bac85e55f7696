"""In-house programmes (第九条一): a unit's training plan, its sessions, trainees and their attendance.

A programme's hours follow from its sessions: 8 学时 for a day, 4 for half a day (第十条). Registering hours
writes one ledger record per trainee through `ledger.services.source_records_sync`; the ledger knows nothing
of this app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import manager_units_q
from hourbook.ledger.choices import Assessment, Form, ProgrammeType
from hourbook.org.models import Employee, Unit

from .choices import SESSION_SECONDS, AttendanceStatus, ProgrammeState, SessionLength


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgrammeQuerySet":
        """Programme managers and HR: programmes of their unit trees. Academy admin: all. Others: none."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(manager_units_q(user, "unit__path"))

    def for_employee(self, employee: Employee | None) -> "ProgrammeQuerySet":
        """The programmes a person is a trainee of (我的培训班)."""
        if employee is None:
            return self.none()
        return self.filter(trainees__employee=employee)


class Programme(models.Model):
    """A training plan (培训计划) of a unit: what, where, which type and form, and its sessions.

    `start_date`, `end_date` and `seconds` are kept from the sessions by `services.programme_save`, so
    lists filter and show them without aggregating.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("举办单位（所属单位）"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("培训名称"), max_length=200)
    content = models.CharField(_("培训内容"), max_length=2000, blank=True)
    organiser = models.CharField(_("举办单位"), max_length=200, blank=True)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    programme_type = models.CharField(
        _("项目类型"), max_length=16, choices=ProgrammeType, default=ProgrammeType.CLASS
    )
    form = models.CharField(_("培训形式"), max_length=32, choices=Form, default=Form.SPECIAL_COURSE)
    off_job = models.BooleanField(
        _("是否脱产"), default=False, help_text=_("脱产培训记入年度考核表（第十二条）")
    )
    assessed = models.BooleanField(
        _("是否考核"), default=False, help_text=_("考核不合格者不予登记学时（第十条）")
    )
    state = models.CharField(_("状态"), max_length=16, choices=ProgrammeState, default=ProgrammeState.DRAFT)

    start_date = models.DateField(_("开始时间"), null=True, blank=True, editable=False)
    end_date = models.DateField(_("结束时间"), null=True, blank=True, editable=False)
    seconds = models.PositiveIntegerField(_("培训学时（秒）"), default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    changed_at = models.DateTimeField(
        _("最后修改时间"), auto_now_add=True, help_text=_("计划、学员、考勤或考核结果的最后修改")
    )
    registered_at = models.DateTimeField(_("登记学时时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # 培训计划 list of a unit subtree, newest first.
            models.Index(fields=["unit", "created_at"], name="programme_unit_created_idx"),
            # The list's year filter: programmes ending in a year.
            models.Index(fields=["end_date"], name="programme_end_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key_prefix(self) -> str:
        """The source-key prefix of this programme's ledger records."""
        return f"programme:{self.pk}:"

    def source_key(self, employee_id: int) -> str:
        return f"{self.key_prefix}trainee:{employee_id}"

    @property
    def stale(self) -> bool:
        """Registered, then changed: the trainees' records wait for registering again."""
        return (
            self.state == ProgrammeState.REGISTERED
            and self.registered_at is not None
            and self.changed_at > self.registered_at
        )


class Session(models.Model):
    """One day or half day of a programme (第十条: 8 or 4 学时)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    length = models.CharField(_("时长"), max_length=8, choices=SessionLength, default=SessionLength.DAY)

    class Meta:
        verbose_name = _("培训日程")
        verbose_name_plural = _("培训日程")
        ordering = ["programme_id", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length__in=SessionLength.values),
                name="session_length_valid",
                violation_error_message=_("时长只能是全天或半天"),
            ),
        ]
        indexes = [
            # A programme's sessions in date order (attendance grid, registering, 我的培训班).
            models.Index(fields=["programme", "date"], name="session_programme_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_length_display()}"

    @property
    def seconds(self) -> int:
        return SESSION_SECONDS[self.length]


class TraineeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TraineeQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(manager_units_q(user, "programme__unit__path"))


class Trainee(models.Model):
    """An employee on a programme's list, with the assessment result when the programme is assessed."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="trainees"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="programme_places"
    )
    assessment = models.CharField(_("考核结果"), max_length=16, choices=Assessment, default=Assessment.NONE)
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    objects = TraineeQuerySet.as_manager()

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["programme_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "employee"],
                name="trainee_once_per_programme",
                violation_error_message=_("该职工已在学员名单中"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.employee_id}"


class AttendanceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AttendanceQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(manager_units_q(user, "trainee__programme__unit__path"))


class Attendance(models.Model):
    """A trainee's attendance at one session. No row means not yet recorded (未记录)."""

    trainee = models.ForeignKey(
        Trainee, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("培训日程"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("出勤"), max_length=8, choices=AttendanceStatus)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        ordering = ["trainee_id", "session_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "session"],
                name="attendance_once_per_session",
                violation_error_message=_("该学员本场已有考勤"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="attendance_status_valid",
                violation_error_message=_("出勤状态无效"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id}@{self.session_id}: {self.status}"
