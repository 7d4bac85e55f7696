"""Enumerations of the ledger. Category and bucket live in policy (caps are per category)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hourbook.policy.choices import CATEGORY_BUCKET, EMPLOYEE_CATEGORIES, Bucket, Category

__all__ = [
    "CATEGORY_BUCKET",
    "EMPLOYEE_CATEGORIES",
    "Assessment",
    "Bucket",
    "Category",
    "Form",
    "ProgrammeType",
    "Source",
    "Status",
    "ZeroReason",
]


class Status(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Source(models.TextChoices):
    EMPLOYEE = "employee", _("个人登记")
    PROGRAMME = "programme", _("院内培训项目")
    PLATFORM = "platform", _("平台在线学习")


class Form(models.TextChoices):
    """The nine forms of continuing education (第五条)."""

    PARTY_THEORY = "party_theory", _("党的基本理论和党性教育培训")
    PARTY_BRANCH = "party_branch", _("党支部集体学习、党课学习")
    SPECIAL_COURSE = "special_course", _("专项培训班")
    ACADEMIC_STUDY = "academic_study", _("学术进修、技术研修、职业资格认证培训")
    CONFERENCE = "conference", _("国内外学术会议、讲座")
    ABROAD = "abroad", _("出国（境）培训、公派留学")
    ONLINE = "online", _("网络培训、集中视频培训")
    LECTURE = "lecture", _("各类专题讲座")
    SELF_STUDY = "self_study", _("在职自学")


class Assessment(models.TextChoices):
    NONE = "none", _("无考核")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


class ProgrammeType(models.TextChoices):
    """Types of in-house programmes (第九条一); 系列讲座 is counted apart in 我的档案."""

    CLASS = "class", _("培训班")
    SERIES = "series", _("系列讲座")
    LECTURE = "lecture", _("专题讲座")
    PARTY_LESSON = "party_lesson", _("党课")
    CONFERENCE = "conference", _("学术会议")
    OTHER = "other", _("其他")


class ZeroReason(models.TextChoices):
    """Why a record's hours count zero (第十条)."""

    NONE = "", _("—")
    FAILED_ASSESSMENT = "failed_assessment", _("考核不合格，不予登记学时（第十条）")
    ABSENCE = "absence", _("累计缺席（含请假）达培训总学时1/7及以上，不予登记学时（第十条）")


# The default form of each category, used by the templates and the quick add form.
DEFAULT_FORM = {
    Category.EXTERNAL_TRAINING: Form.CONFERENCE,
    Category.SELF_STUDY: Form.SELF_STUDY,
    Category.STUDY_ABROAD: Form.ABROAD,
    Category.EXTERNAL_ONLINE: Form.ONLINE,
    Category.IN_HOUSE: Form.SPECIAL_COURSE,
    Category.PLATFORM_ONLINE: Form.ONLINE,
}
