"""Forms of the review screens: the queue's filters and the decisions' fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.common.text import CleanCharField
from hourbook.ledger.choices import EMPLOYEE_CATEGORIES, Category, Status
from hourbook.org.models import Unit

from .selectors import ALL_STATUSES, DEFAULT_SORT, QueueFilters
from .services import REASON_MAX

SORT_CHOICES = [
    ("submitted", _("提交时间（早→晚）")),
    ("-submitted", _("提交时间（晚→早）")),
    ("end", _("结束时间（早→晚）")),
    ("-end", _("结束时间（晚→早）")),
    ("-hours", _("学时（多→少）")),
    ("hours", _("学时（少→多）")),
    ("name", _("职工姓名")),
    ("-name", _("职工姓名（倒序）")),
]
STATUS_CHOICES = [*Status.choices, (ALL_STATUSES, _("全部状态"))]
PAGE_SIZES = (25, 50, 100)


def unit_label(unit: Unit, base_depth: int = 0) -> str:
    """Sub-units indented so the tree shows in a plain <select>."""
    return "\u3000" * max(unit.depth - base_depth, 0) + unit.name


class QueueFilterForm(forms.Form):
    """The queue's filters; missing fields take their defaults (pending, oldest submitted first)."""

    unit = forms.ChoiceField(label=_("单位"), required=False)
    category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=[("", _("全部类别")), *[(c.value, c.label) for c in map(Category, EMPLOYEE_CATEGORIES)]],
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)
    submitted_from = forms.DateField(
        label=_("提交日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("职工姓名或ARP编号"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(
        label=_("每页"),
        required=False,
        coerce=int,
        choices=[(n, n) for n in PAGE_SIZES],
        empty_value=PAGE_SIZES[1],
    )

    def __init__(self, data, *, units: list[Unit]):
        data = data.copy()
        data.setdefault("status", Status.PENDING)
        data.setdefault("sort", DEFAULT_SORT)
        super().__init__(data)
        # The units were read once by the caller; the choices reuse them (no query here).
        base = min((u.depth for u in units), default=0)
        self.fields["unit"].choices = [
            ("", _("全部单位")),
            *[(str(u.pk), unit_label(u, base)) for u in units],
        ]
        self._units = {str(u.pk): u for u in units}
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean_unit(self):
        # Resolve from the units already read (no query); anything else is not the reviewer's.
        raw = self.cleaned_data.get("unit") or ""
        return self._units.get(raw) if raw else None

    def filters(self) -> QueueFilters:
        """The filters to apply; invalid fields fall back to their defaults."""
        self.is_valid()  # invalid fields are left out of cleaned_data
        data = self.cleaned_data
        return QueueFilters(
            unit=data.get("unit"),
            category=data.get("category") or "",
            status=data.get("status") or Status.PENDING,
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            query=data.get("q") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )

    def page_size(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("per_page") or PAGE_SIZES[1]


class ReasonForm(forms.Form):
    """The reason of a 不通过 or of revoking an approval: required; only spaces is refused by the service."""

    reason = CleanCharField(
        label=_("理由"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
