"""Forms of the training screens: the plan with its sessions, the list filters, the ARP list upload."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from hourbook.common.text import CleanCharField
from hourbook.ledger.choices import ProgrammeType

from .models import Programme, Session
from .services import SessionSpec, manageable_units


class ProgrammeForm(forms.ModelForm):
    """培训计划: what, where, type and form; the unit among those the user manages."""

    class Meta:
        model = Programme
        fields = [
            "unit",
            "name",
            "content",
            "organiser",
            "place",
            "programme_type",
            "form",
            "off_job",
            "assessed",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
        }
        # Only spaces or invisible characters count as empty (issue 8, item 11).
        field_classes = dict.fromkeys(("name", "content", "organiser", "place"), CleanCharField)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = manageable_units(user).order_by("path")
        self.fields["unit"].queryset = units
        self.fields["unit"].label = _("所属单位")
        self.fields["unit"].label_from_instance = lambda u: "　" * max(u.depth, 0) + u.name
        self.fields["unit"].empty_label = _("请选择单位")
        if not self.instance.pk and not self.is_bound and not self.initial.get("unit"):
            first = units.first()
            self.initial["unit"] = first.pk if first else None
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
            if name == "name":
                field.widget.attrs["autofocus"] = True


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "length"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            "length": forms.Select(attrs={"class": "form-select"}),
        }


class BaseSessionFormSet(BaseInlineFormSet):
    def specs(self) -> list[SessionSpec]:
        """The sessions the form wants, in date order (deleted rows left out)."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("date"):
                continue
            existing = data.get("id")
            out.append(
                SessionSpec(date=data["date"], length=data["length"], pk=existing.pk if existing else None)
            )
        return sorted(out, key=lambda s: (s.date, s.pk or 0))


SessionFormSet = inlineformset_factory(
    Programme,
    Session,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=0,
    can_delete=True,
    max_num=400,
    validate_max=True,
)


class ProgrammeFilterForm(forms.Form):
    """培训计划 list filters: name, type, year, unit."""

    q = forms.CharField(label=_("培训名称"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("项目类型"), required=False, choices=[("", _("全部类型")), *ProgrammeType.choices]
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    unit = forms.ModelChoiceField(label=_("单位"), required=False, queryset=None, empty_label=_("全部单位"))

    def __init__(self, *args, user, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, y) for y in years]]
        self.fields["unit"].queryset = manageable_units(user).order_by("path")
        self.fields["unit"].label_from_instance = lambda u: "　" * max(u.depth, 0) + u.name
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = (
                f"{css} form-control-sm" if css == "form-control" else "form-select form-select-sm"
            )


class ArpListForm(forms.Form):
    file = forms.FileField(
        label=_("学员名单（.xlsx，一列员工ARP编号）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
