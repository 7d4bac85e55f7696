"""Forms for unit rules (第十六条) and the academy's yearly policy. People type 学时; the models keep seconds."""

from decimal import ROUND_DOWN, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import SECONDS_PER_HOUR, hours_to_seconds

from .choices import CAP_FIELDS, Category
from .models import UnitRule, YearPolicy
from .selectors import REQUIREMENT_FIELDS

RULE_FIELDS = (*REQUIREMENT_FIELDS, *CAP_FIELDS.values())
MAX_HOURS = Decimal(2000)


def seconds_to_input(seconds: int | None) -> Decimal | None:
    """Seconds as an exact 学时 figure for a form (2 decimals at most: 0.01 学时 = 36 seconds)."""
    if seconds is None:
        return None
    value = (Decimal(seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    whole = value.to_integral_value()
    return whole if value == whole else value


def _hours_field(label, *, required: bool, min_value: Decimal, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=MAX_HOURS,
        max_digits=6,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5", "inputmode": "decimal"}),
    )


def _label(model, name: str) -> str:
    return model._meta.get_field(name).verbose_name


class UnitRuleForm(forms.Form):
    """A unit's own rule for a year: every field optional; blank inherits (第十六条)."""

    note = forms.CharField(
        label=_("说明"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, rule: UnitRule | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if rule is not None:
            initial.update({name: seconds_to_input(getattr(rule, name)) for name in RULE_FIELDS})
            initial["note"] = rule.note
        super().__init__(*args, initial=initial, **kwargs)
        for name in REQUIREMENT_FIELDS:
            self.fields[name] = _hours_field(
                _label(UnitRule, name), required=False, min_value=Decimal("0.01")
            )
        for name in CAP_FIELDS.values():
            self.fields[name] = _hours_field(_label(UnitRule, name), required=False, min_value=Decimal(0))
        self.order_fields([*RULE_FIELDS, "note"])

    def seconds(self) -> dict[str, int | None]:
        return {
            name: None if self.cleaned_data.get(name) is None else hours_to_seconds(self.cleaned_data[name])
            for name in RULE_FIELDS
        }


class YearPolicyForm(forms.Form):
    """The academy's requirements and caps for one year (第八条, 第九条五); a blank cap is no cap."""

    def __init__(self, *args, policy: YearPolicy, **kwargs):
        initial = {name: seconds_to_input(getattr(policy, name)) for name in RULE_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        for name in REQUIREMENT_FIELDS:
            self.fields[name] = _hours_field(
                _label(YearPolicy, name), required=True, min_value=Decimal("0.01")
            )
        for category, name in CAP_FIELDS.items():
            self.fields[name] = _hours_field(
                _label(YearPolicy, name),
                required=False,
                min_value=Decimal(0),
                help_text=_("留空表示不设上限")
                if category != Category.SELF_STUDY
                else _("第九条五：默认 10 学时"),
            )

    def seconds(self) -> dict[str, int | None]:
        return {
            name: None if self.cleaned_data.get(name) is None else hours_to_seconds(self.cleaned_data[name])
            for name in RULE_FIELDS
        }
