"""The unit report's filters. The unit field only offers the admin's units: another unit is a 404."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.org.choices import PositionLevel

from .selectors import COUNTED, LEFT, OTHER

_SELECT = {"class": "form-select form-select-sm"}

SORT_CHOICES = [
    ("arp", _("ARP编号")),
    ("name", _("姓名")),
    ("-training", _("培训学时（高→低）")),
    ("training", _("培训学时（低→高）")),
    ("-online", _("网络学时（高→低）")),
    ("online", _("网络学时（低→高）")),
    ("-total", _("总学时（高→低）")),
]
KIND_CHOICES = [
    (COUNTED, _("计入完成率")),
    (LEFT, _("年内离职")),
    (OTHER, _("非在册")),
    ("all", _("全部人员")),
]


class UnitChoice(forms.ModelChoiceField):
    def __init__(self, *args, top_depth: int = 0, **kwargs):
        self.top_depth = top_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return "\u3000" * max(obj.depth - self.top_depth, 0) + obj.name


class ReportFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, widget=forms.Select(attrs=_SELECT))
    unit = forms.ModelChoiceField(queryset=None)
    kind = forms.ChoiceField(
        label=_("人员"), required=False, choices=KIND_CHOICES, widget=forms.Select(attrs=_SELECT)
    )
    met = forms.ChoiceField(
        label=_("达标情况"),
        required=False,
        choices=[("", _("全部")), ("met", _("达标")), ("unmet", _("未达标"))],
        widget=forms.Select(attrs=_SELECT),
    )
    level = forms.ChoiceField(
        label=_("职级"),
        required=False,
        choices=[("", _("全部")), *PositionLevel.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    q = forms.CharField(
        label=_("姓名或ARP编号"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=SORT_CHOICES, widget=forms.Select(attrs=_SELECT)
    )

    def __init__(self, *args, units, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        top = min((u.depth for u in units), default=0)
        self.fields["unit"] = UnitChoice(
            queryset=units,
            label=_("单位"),
            empty_label=None,
            top_depth=top,
            widget=forms.Select(attrs=_SELECT),
        )
