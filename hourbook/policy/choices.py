"""Record categories and their buckets (DOMAIN.md, Record categories). The keys match ledger.rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IN_HOUSE = "in_house", _("院内培训项目")
    EXTERNAL_TRAINING = "external_training", _("线下培训")
    SELF_STUDY = "self_study", _("在职自学")
    STUDY_ABROAD = "study_abroad", _("公派留学")
    PLATFORM_ONLINE = "platform_online", _("在线学习")
    EXTERNAL_ONLINE = "external_online", _("网络学时")


class Bucket(models.TextChoices):
    TRAINING = "training", _("培训学时")
    ONLINE = "online", _("网络学时")


CATEGORY_BUCKET: dict[str, str] = {
    Category.IN_HOUSE: Bucket.TRAINING,
    Category.EXTERNAL_TRAINING: Bucket.TRAINING,
    Category.SELF_STUDY: Bucket.TRAINING,
    Category.STUDY_ABROAD: Bucket.TRAINING,
    Category.PLATFORM_ONLINE: Bucket.ONLINE,
    Category.EXTERNAL_ONLINE: Bucket.ONLINE,
}

# Categories an employee registers (第九条二), in the order of the 我的外部学习 tabs.
EMPLOYEE_CATEGORIES = [
    Category.EXTERNAL_TRAINING,
    Category.EXTERNAL_ONLINE,
    Category.SELF_STUDY,
    Category.STUDY_ABROAD,
]

CAP_FIELDS: dict[str, str] = {category: f"cap_{category}" for category in Category.values}
