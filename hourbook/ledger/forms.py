"""Forms of the employee's 我的外部学习 screens: the record form, the list filter, evidence files.

The record form only parses what the browser sent; the rules and their Chinese messages come from
`ledger.validation` (the same checks as the batch upload and the API), and the writes from `ledger.services`.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import HOURS_PER_DAY, format_hours
from hourbook.common.text import CleanCharField, clean_text

from . import rules
from .choices import CATEGORY_BUCKET, DEFAULT_FORM, Assessment, Bucket, Form
from .services import RecordData
from .validation import (
    EVIDENCE_MAX_PER_RECORD,
    MSG_EVIDENCE_COUNT,
    TEXT_MAX,
    check_days_step,
    check_record,
    parse_hours,
)

# Evidence files (证明材料): the real type is read from the leading bytes, never from the name.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
EVIDENCE_ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"

MSG_EVIDENCE_TYPE = _("“%(name)s” 不是 JPEG、PNG 或 PDF 文件（按文件内容判断，而非文件名）")
MSG_EVIDENCE_SIZE = _("“%(name)s” 超过 10 MB")
MSG_EVIDENCE_EMPTY = _("“%(name)s” 是空文件")
MSG_WHOLE_HALF_DAYS = _(
    "学时不是 4 的整数倍（培训学时按天计：1 天 8 学时，半天 4 学时，第十条）。可以保存，审核人会看到这条提示。"
)


def sniff_evidence(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or PDF by its magic number; None for anything else."""
    for signature, content_type, extension in EVIDENCE_SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_evidence_file(upload) -> tuple[str | None, tuple[str, str] | None]:
    """(error, (content type, extension)) of one uploaded file: size, then type by magic number."""
    name = upload.name
    if upload.size == 0:
        return str(MSG_EVIDENCE_EMPTY % {"name": name}), None
    if upload.size > EVIDENCE_MAX_BYTES:
        return str(MSG_EVIDENCE_SIZE % {"name": name}), None
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_evidence(head)
    if kind is None:
        return str(MSG_EVIDENCE_TYPE % {"name": name}), None
    return None, kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `check_evidence_file`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class EvidenceFieldMixin:
    """Validates the `evidence` field against the per-record limit; `existing` files already attached."""

    existing_evidence = 0

    def clean_evidence(self) -> list:
        files = self.cleaned_data.get("evidence") or []
        errors = []
        checked = []
        for upload in files:
            error, kind = check_evidence_file(upload)
            if error:
                errors.append(error)
            else:
                checked.append((upload, kind))
        room = max(EVIDENCE_MAX_PER_RECORD - self.existing_evidence, 0)
        if len(files) > room:
            errors.append(str(MSG_EVIDENCE_COUNT % {"max": EVIDENCE_MAX_PER_RECORD, "room": room}))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class EvidenceForm(EvidenceFieldMixin, forms.Form):
    """Add evidence to an existing record (detail page)."""

    evidence = MultipleFileField(label=_("证明材料"), required=True)

    def __init__(self, *args, existing: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_evidence = existing
        bootstrap(self)


def bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (errors are marked by Django's aria-invalid)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RecordForm(EvidenceFieldMixin, forms.Form):
    """One employee-entered record: every field of 第六条, plus 培训形式 (第五条), 举办单位 and 是否脱产.

    Required-ness and the rules are checked by `validation.check_record`, so the messages are the shared ones.
    """

    name = CleanCharField(
        label=_("培训名称"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TEXT_MAX["name"]}),
    )
    form = forms.ChoiceField(
        label=_("培训形式"), choices=Form.choices, help_text=_("第五条规定的九种形式之一")
    )
    content = CleanCharField(
        label=_("培训内容"),
        required=False,
        max_length=TEXT_MAX["content"],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    place = CleanCharField(label=_("培训地点"), required=False, max_length=TEXT_MAX["place"])
    organiser = CleanCharField(label=_("举办单位"), required=False, max_length=TEXT_MAX["organiser"])
    start_date = forms.DateField(label=_("开始时间"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("结束时间"), required=False, widget=DateInput())
    days = forms.DecimalField(
        label=_("天数"),
        required=False,
        min_value=Decimal("0.5"),
        max_digits=6,
        widget=forms.NumberInput(
            attrs={
                "step": "0.5",
                "min": "0.5",
                "data-days-to-hours": "id_hours",
                "data-hours-per-day": str(HOURS_PER_DAY),  # 第十条, read by hourbook.js
            }
        ),
        help_text=_("按天填写时自动换算：1 天 = 8 学时，半天 = 4 学时（第十条）"),
    )
    hours = forms.CharField(
        label=_("学时（小时）"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("最多两位小数；不超过日期范围天数 × 8"),
    )
    assessment = forms.ChoiceField(label=_("考核结果"), choices=Assessment.choices, initial=Assessment.NONE)
    off_job = forms.BooleanField(label=_("是否脱产"), required=False)
    evidence = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=_("证书、照片或 PDF；JPEG、PNG、PDF，每个不超过 10 MB，每条记录最多 5 个"),
    )
    confirm_overlap = forms.BooleanField(label=_("仍然保存"), required=False)

    def __init__(self, *args, category: str, existing_evidence: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.existing_evidence = existing_evidence
        self.fields["form"].initial = DEFAULT_FORM[category]
        self.training_bucket = CATEGORY_BUCKET[category] == Bucket.TRAINING
        if not self.training_bucket:
            del self.fields["days"]
        for name in ("name", "start_date", "end_date", "hours"):
            self.fields[name].widget.attrs["required"] = True
        bootstrap(self)

    @classmethod
    def initial_from(cls, record) -> dict:
        return {
            "name": record.name,
            "form": record.form,
            "content": record.content,
            "place": record.place,
            "organiser": record.organiser,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "hours": format_hours(record.seconds),
            "assessment": record.assessment,
            "off_job": record.off_job,
        }

    def clean_days(self) -> Decimal | None:
        days = self.cleaned_data.get("days")
        if days is not None:
            error = check_days_step(days)
            if error:
                raise forms.ValidationError(error)
        return days

    def clean(self) -> dict:
        data = super().clean()
        seconds = self._seconds(data)
        errors = check_record(
            name=data.get("name", ""),
            start=data.get("start_date"),
            end=data.get("end_date"),
            seconds=seconds,
            content=data.get("content") or "",
            place=data.get("place") or "",
            organiser=data.get("organiser") or "",
        )
        for key, message in errors.items():
            field = "hours" if key == "hours" else key
            if field not in self.errors:  # a parse error already says what is wrong
                self.add_error(field, message)
        data["seconds"] = seconds
        return data

    def _seconds(self, data: dict) -> int | None:
        """学时 as integer seconds; the 天数 helper fills it when 学时 is left empty (1 天 = 8 学时)."""
        raw = (data.get("hours") or "").strip()
        if not raw and data.get("days") is not None and "days" not in self.errors:
            raw = str(data["days"] * HOURS_PER_DAY)
            data["hours"] = raw
        if not raw:
            return None
        seconds, error = parse_hours(raw)
        if error:
            self.add_error("hours", error)
            return None
        return max(seconds, 0)  # zero or less: check_record says 学时必须大于零

    def record_data(self) -> RecordData:
        data = self.cleaned_data
        return RecordData(
            category=self.category,
            form=data["form"],
            name=clean_text(data["name"]),
            start_date=data["start_date"],
            end_date=data["end_date"],
            seconds=data["seconds"],
            content=data.get("content", ""),
            place=data.get("place", ""),
            organiser=data.get("organiser", ""),
            assessment=data["assessment"],
            off_job=bool(data.get("off_job")),
        )

    @property
    def half_day_notice(self) -> bool:
        """Training-bucket hours not a multiple of 4 are allowed and flagged for the reviewer (第十条)."""
        seconds = self.cleaned_data.get("seconds") if hasattr(self, "cleaned_data") else None
        return bool(self.training_bucket and seconds and not rules.is_whole_half_days(seconds))


class RecordFilterForm(forms.Form):
    """The tab's filter: 培训名称 contains, a date range the records' dates meet, an optional 年度."""

    q = forms.CharField(label=_("培训名称"), required=False, max_length=200)
    date_from = forms.DateField(label=_("培训时间从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("至"), required=False, widget=DateInput())
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部")), *((y, y) for y in years)]
        bootstrap(self)

    def filter(self, qs):
        """Apply the valid filters; an invalid one is ignored (the field shows its error)."""
        self.is_valid()
        data = self.cleaned_data  # fields with an error are left out of it
        if data.get("q"):
            qs = qs.filter(name__icontains=data["q"].strip())
        date_from: dt.date | None = data.get("date_from")
        date_to: dt.date | None = data.get("date_to")
        if date_to:
            qs = qs.filter(start_date__lte=date_to)
        if date_from:
            qs = qs.filter(end_date__gte=date_from)
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        return qs
