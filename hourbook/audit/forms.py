"""The audit log's filters: action, actor, dates and object."""

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Actions written by the services, in words; others show their code.
ACTION_LABELS = {
    "record.approve": _("审核通过"),
    "record.reject": _("审核不通过"),
    "record.revoke": _("撤销通过"),
    "record.edit": _("修改记录"),
    "record.upload": _("批量上传记录"),
    "roster.import": _("导入花名册"),
    "employee.create": _("新增职工"),
    "employee.update": _("修改职工信息"),
    "employee.transfer": _("职工调动"),
    "employee.leave": _("职工离职"),
    "account.create": _("创建账号"),
    "account.reset_password": _("重置密码"),
    "account.change_password": _("修改本人密码"),
    "account.lock": _("账号因密码错误被锁定"),
    "policy.save": _("修改年度政策"),
    "unit_rule.save": _("修改单位规则"),
    "unit_rule.delete": _("删除单位规则"),
    "programme.register": _("培训班登记学时"),
    "programme.delete": _("删除培训班"),
    "api.token_create": _("创建接口令牌"),
    "api.token_revoke": _("吊销接口令牌"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=64,
        help_text=_("可填前缀，如 record. 表示全部记录操作"),
        widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}),
    )
    actor = forms.CharField(label=_("操作人（账号或姓名）"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    obj = forms.CharField(
        label=_("对象"),
        required=False,
        max_length=128,
        help_text=_("对象编号，或“类型:编号”如 ledger.record:42，或摘要中的文字"),
    )

    def __init__(self, data=None):
        super().__init__(data)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def apply(self, qs: QuerySet) -> QuerySet:
        """Filter the entries by the valid fields (invalid ones are ignored and shown as errors)."""
        self.is_valid()
        data = self.cleaned_data
        action = (data.get("action") or "").strip()
        if action:
            qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
        actor = (data.get("actor") or "").strip()
        if actor:
            qs = qs.filter(
                Q(actor__username__iexact=actor)
                | Q(actor__employee__name__contains=actor)
                | Q(actor__employee__arp__iexact=actor)
            )
        if data.get("date_from"):
            qs = qs.filter(created_at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(created_at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
        text = (data.get("obj") or "").strip()
        if text:
            object_type, sep, object_id = text.partition(":")
            if sep:
                qs = qs.filter(object_type=object_type.strip(), object_id=object_id.strip())
            else:
                qs = qs.filter(Q(object_id=text) | Q(summary__contains=text))
        return qs
