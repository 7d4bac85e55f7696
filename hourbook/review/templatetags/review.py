"""Labels for a record's history: transition actions and states in words."""

from django import template
from django.utils.translation import gettext_lazy as _

from hourbook.ledger.choices import Status

register = template.Library()

ACTION_LABELS = {
    "submit": _("提交"),
    "upload": _("批量上传"),
    "edit": _("修改并重新提交"),
    "approve": _("通过"),
    "reject": _("不通过"),
    "revoke": _("撤销通过"),
    "delete": _("删除"),
    "register": _("培训班登记"),
    "update": _("来源更正"),
}
STATE_LABELS = {**dict(Status.choices), "deleted": _("已删除"), "": "—"}


@register.filter
def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


@register.filter
def state_label(code: str) -> str:
    return str(STATE_LABELS.get(code, code))
