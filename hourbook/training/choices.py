"""Enumerations of in-house programmes (第九条一, 第十条)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import SECONDS_PER_DAY, SECONDS_PER_HALF_DAY


class ProgrammeState(models.TextChoices):
    DRAFT = "draft", _("未登记学时")
    REGISTERED = "registered", _("已登记学时")


class SessionLength(models.TextChoices):
    """A session lasts a day or half a day: 8 or 4 学时 (第十条)."""

    DAY = "day", _("全天")
    HALF = "half", _("半天")


SESSION_SECONDS = {
    SessionLength.DAY: SECONDS_PER_DAY,
    SessionLength.HALF: SECONDS_PER_HALF_DAY,
}


class AttendanceStatus(models.TextChoices):
    """Per session; absence and leave both count as absence (第十条)."""

    PRESENT = "present", _("出勤")
    ABSENT = "absent", _("缺席")
    LEAVE = "leave", _("请假")


ABSENCE_STATUSES = (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE)
