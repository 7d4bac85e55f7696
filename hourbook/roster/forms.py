"""Forms of the roster. Unit fields only offer the admin's units, so a forged unit id is an invalid choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today
from hourbook.common.text import CleanCharField
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee
from hourbook.org.validators import validate_arp

from .selectors import unit_choices_label

MSG_ARP_EXISTS = _("该ARP编号已存在")
MSG_LEVEL_SINCE_REQUIRED = _("处级及以上须填写职级起始日期")
MSG_XLSX_ONLY = _("请上传 .xlsx 文件（Excel 工作簿）")

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_CHECK = {"class": "form-check-input"}
_DATE = {"class": "form-control", "type": "date"}


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, top_depth: int = 0, **kwargs):
        self.top_depth = top_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return unit_choices_label(obj, self.top_depth)


def _unit_field(units, *, required: bool, label, empty_label=None) -> UnitChoiceField:
    top = min((u.depth for u in units), default=0)
    return UnitChoiceField(
        queryset=units,
        required=required,
        label=label,
        empty_label=empty_label,
        top_depth=top,
        widget=forms.Select(attrs=_SELECT),
    )


class RosterFilterForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, required=False)
    q = forms.CharField(
        label=_("姓名或ARP编号"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={**_TEXT, "type": "search", "placeholder": _("姓名或ARP编号")}),
    )
    registered = forms.ChoiceField(
        label=_("在册正式职工"),
        required=False,
        choices=[("", _("全部")), ("yes", _("在册")), ("no", _("非在册"))],
        widget=forms.Select(attrs=_SELECT),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("在职")), ("left", _("已离职"))],
        widget=forms.Select(attrs=_SELECT),
    )
    level = forms.ChoiceField(
        label=_("职级"),
        required=False,
        choices=[("", _("全部")), *PositionLevel.choices],
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, required=False, label=_("单位"), empty_label=_("全部"))


class EmployeeForm(forms.Form):
    """Add (with a unit) or edit (the unit changes only by a transfer) a person."""

    arp = forms.CharField(
        label=_("员工ARP编号"),
        max_length=32,
        validators=[validate_arp],
        widget=forms.TextInput(
            attrs={**_TEXT, "autocomplete": "off", "inputmode": "numeric", "pattern": "[0-9]+"}
        ),
        help_text=_("由数字组成；开通账号后也可用它登录"),
    )
    name = CleanCharField(label=_("员工姓名"), max_length=64, widget=forms.TextInput(attrs=_TEXT))
    unit = forms.ModelChoiceField(queryset=None)
    phone = forms.CharField(
        label=_("联系电话"), max_length=32, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "type": "tel"}),
    )
    is_registered = forms.BooleanField(
        label=_("在册正式职工"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=_CHECK),
        help_text=_("第二条：只有在册正式职工有学时要求并计入完成率"),
    )
    level = forms.ChoiceField(
        label=_("职级"),
        choices=PositionLevel.choices,
        initial=PositionLevel.ORDINARY,
        widget=forms.Select(attrs=_SELECT),
    )
    level_since = forms.DateField(
        label=_("职级起始日期"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("第八条：12月31日（本年度为今天）所任职级决定该年度的培训学时要求"),
    )

    joined_on = forms.DateField(
        label=_("入职日期"),
        required=False,  # blank: today (the service's default)
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("进入本单位的日期，默认今天；自该日起计入本单位，此前各年度不计入（不设学时要求）"),
    )

    def __init__(self, *args, units=None, instance: Employee | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            del self.fields["unit"]
            del self.fields["joined_on"]  # the membership history changes only by a transfer
        else:
            self.fields["unit"] = _unit_field(units, required=True, label=_("单位"))
            self.fields["joined_on"].initial = today
            self.order_fields(["arp", "name", "unit", "joined_on"])

    def lock_own_fields(self) -> None:
        """One's own record: 在册 and level are shown but cannot be changed (DOMAIN.md decision)."""
        for name in ("is_registered", "level", "level_since"):
            self.fields[name].disabled = True
        self.fields["is_registered"].help_text = _("本人的在册状态由其他管理员修改")
        self.fields["level"].help_text = _("本人的职级由其他管理员修改")

    def clean_arp(self) -> str:
        arp = self.cleaned_data["arp"].strip()
        others = Employee.objects.filter(arp__iexact=arp)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(MSG_ARP_EXISTS)
        return arp

    def clean(self):
        data = super().clean()
        if (
            data.get("level") == PositionLevel.SECTION_AND_ABOVE
            and not data.get("level_since")
            and self.instance is None
        ):
            self.add_error("level_since", MSG_LEVEL_SINCE_REQUIRED)
        return data


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None)
    start = forms.DateField(
        label=_("调动日期"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("默认今天；本年度的记录（含待审核）随人转到新单位，以往年度的记录留在原单位"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, required=True, label=_("调入单位"))


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("离职日期"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("离职人员的学时记录保留；登录账号停用"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        help_text=_("不超过 5 MB、5000 行；按ARP编号新增或更新，有任何错误则全部不导入"),
    )
    dry_run = forms.BooleanField(
        label=_("只检查，不导入"), required=False, widget=forms.CheckboxInput(attrs=_CHECK)
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(MSG_XLSX_ONLY)
        return upload
