"""Record categories and their buckets as choices (DOMAIN.md, Record categories); the figures are in `regulation`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import regulation


class Category(models.TextChoices):
    """Record categories; the keys are those of `policy.regulation`, which says each one's bucket."""

    IN_HOUSE = regulation.IN_HOUSE, _("院内培训项目")
    EXTERNAL_TRAINING = regulation.EXTERNAL_TRAINING, _("线下培训")
    SELF_STUDY = regulation.SELF_STUDY, _("在职自学")
    STUDY_ABROAD = regulation.STUDY_ABROAD, _("公派留学")
    PLATFORM_ONLINE = regulation.PLATFORM_ONLINE, _("在线学习")
    EXTERNAL_ONLINE = regulation.EXTERNAL_ONLINE, _("网络学时")


class Bucket(models.TextChoices):
    TRAINING = regulation.TRAINING, _("培训学时")
    ONLINE = regulation.ONLINE, _("网络学时")


CATEGORY_BUCKET: dict[str, str] = {
    Category(category): Bucket(bucket) for category, bucket in regulation.CATEGORY_BUCKET.items()
}
# Categories an employee registers (第九条二), in the order of the 我的外部学习 tabs.
EMPLOYEE_CATEGORIES = [
    Category.EXTERNAL_TRAINING,
    Category.EXTERNAL_ONLINE,
    Category.SELF_STUDY,
    Category.STUDY_ABROAD,
]

CAP_FIELDS: dict[str, str] = {category: f"cap_{category}" for category in Category.values}
