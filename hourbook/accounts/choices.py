from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles beyond 'employee' (every account linked to an employee is one), each scoped to a unit tree."""

    PROGRAMME_MANAGER = "programme_manager", _("培训班负责人")
    UNIT_HR = "unit_hr", _("单位人事管理员")
    ACADEMY_ADMIN = "academy_admin", _("院人事局管理员")
