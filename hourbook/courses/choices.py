"""Enumerations and constants of the platform's courses (第九条四)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """The catalogue's sections (课程资源), as the FAQ's menu shows them."""

    PARTY_THEORY = "party_theory", _("党的理论")
    FRONTIER = "frontier", _("学术前沿")
    MANAGEMENT = "management", _("科技管理")
    SKILLS = "skills", _("科研技能")
    QUALITY = "quality", _("素质能力")


class LessonKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    DOCUMENT = "document", _("文档")


# A lesson counts as covered when this share of its length is credited (DOMAIN.md: finished at 90 %).
COVERED_PERCENT = 90
