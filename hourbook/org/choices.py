from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    ACADEMY = "academy", _("院")
    BRANCH = "branch", _("分院/院机关/研究院")
    INSTITUTE = "institute", _("研究所")
    DEPARTMENT = "department", _("部门/课题组")


class PositionLevel(models.TextChoices):
    """The level that sets the training requirement (第八条)."""

    ORDINARY = "ordinary", _("普通职工")
    SECTION_AND_ABOVE = "section", _("处级及以上")
