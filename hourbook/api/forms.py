from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Unit

from .models import Permission

MSG_NO_UNIT = _("没有代码为“%(code)s”的单位")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("集成名称"), max_length=100)
    unit = forms.CharField(
        label=_("授权单位代码"), max_length=32, help_text=_("令牌只能访问该单位及其下级单位")
    )
    permissions = forms.MultipleChoiceField(
        label=_("权限"), choices=Permission.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则长期有效"),
    )

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(MSG_NO_UNIT % {"code": code})
        return unit
