"""我的外部学习: the four tabs of an employee's own records; add, edit, delete, view, batch delete.

The rules live in `ledger.validation` (through the form) and the writes in `ledger.services`; these views
only fetch what the user may see (404 otherwise), check the role (403), and render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..choices import EMPLOYEE_CATEGORIES, Bucket, Category, Status
from ..engine import employee_year
from ..forms import (
    EVIDENCE_ACCEPT,
    MSG_WHOLE_HALF_DAYS,
    EvidenceForm,
    RecordFilterForm,
    RecordForm,
)
from ..models import Record
from ..record_selectors import own_records, record_history
from ..rules import is_whole_half_days
from ..validation import EVIDENCE_MAX_PER_RECORD
from .common import own_employee, year_choices
from .evidence import MSG_NOT_OWNER, is_owner, refuse, visible_record

PAGE_SIZE = 20
OVERLAPS_SHOWN = 20

MSG_CREATED = gettext_lazy("已提交“%(name)s”，等待单位人事审核")
MSG_ALREADY_EXISTS = gettext_lazy("该记录已存在（“%(name)s”），未重复保存")
MSG_EVIDENCE_NOT_REPEATED = gettext_lazy("证明材料未重复上传；如需补充，请在记录详情页上传")
MSG_UPDATED = gettext_lazy("已保存修改")
MSG_RESUBMITTED = gettext_lazy("已保存修改，记录已重新提交审核")
MSG_DELETED = gettext_lazy("已删除记录“%(name)s”")
MSG_BATCH_DELETED = gettext_lazy("已删除 %(n)s 条记录")
MSG_BATCH_NONE = gettext_lazy("请先勾选要删除的记录")
MSG_OVERLAP = gettext_lazy("该记录的日期与您已有的以下记录重叠。确认无误后勾选“仍然保存”再提交。")

STATUS_LABELS = {**dict(Status.choices), "deleted": gettext_lazy("已删除"), "": "—"}
ACTION_LABELS = {
    "submit": gettext_lazy("提交"),
    "edit": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "upload": gettext_lazy("批量上传"),
    "approve": gettext_lazy("审核通过"),
    "reject": gettext_lazy("审核不通过"),
    "revoke": gettext_lazy("撤销通过"),
    "register": gettext_lazy("登记"),
    "update": gettext_lazy("更新"),
}


def _category_or_404(category: str) -> str:
    if category not in EMPLOYEE_CATEGORIES:
        raise Http404
    return category


@login_required
@require_GET
def record_list(request: HttpRequest, category: str) -> HttpResponse:
    """One tab of 我的外部学习: filter by 培训名称 and a date range, a paginated table (FAQ, Q6)."""
    employee = own_employee(request)
    category = _category_or_404(category)
    filters = RecordFilterForm(request.GET, years=year_choices())
    records = filters.filter(own_records(employee_id=employee.pk, category=category))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "category": category,
        "category_label": Category(category).label,
        "tabs": [(key, Category(key).label) for key in EMPLOYEE_CATEGORIES],
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "hx_target": "#records-table",
    }
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "ledger/_records_table.html" if fragment else "ledger/records.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _overlaps(employee_id: int, data: services.RecordData, exclude_pk: int | None = None) -> list[Record]:
    """Other live records whose dates meet this one's; the identical record (natural key) is not an overlap.

    Overlapping dates only warn (DOMAIN.md, natural key decision); an identical record is handled by the
    service (one record for ten identical submits; a duplicate edit is refused).
    """
    found = services.overlapping_records(
        employee_id=employee_id, start=data.start_date, end=data.end_date, exclude_pk=exclude_pk
    )
    key = data.natural_key(employee_id)
    return [
        r
        for r in found[: OVERLAPS_SHOWN + 1]
        if not all(getattr(r, field) == value for field, value in key.items())
    ][:OVERLAPS_SHOWN]


def _errors_to_form(form: RecordForm, exc: ValidationError) -> None:
    """Put a service's ValidationError at the form's fields (the service names 学时 `seconds`)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        field = {"seconds": "hours"}.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


def _form_context(form: RecordForm, category: str, **extra) -> dict:
    return {
        "form": form,
        "category": category,
        "category_label": Category(category).label,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, category: str) -> HttpResponse:
    """新增记录: a 待审核 record of one's own (第九条二); identical submits make one record."""
    employee = own_employee(request)
    category = _category_or_404(category)
    form = RecordForm(request.POST or None, request.FILES or None, category=category)
    overlaps: list[Record] = []
    if request.method == "POST" and form.is_valid():
        data = form.record_data()
        overlaps = _overlaps(employee.pk, data)
        if not overlaps or form.cleaned_data["confirm_overlap"]:
            try:
                record, created = services.record_submit(actor=request.user, employee=employee, data=data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                if created:
                    services.evidence_add(
                        actor=request.user, record=record, uploads=form.cleaned_data["evidence"]
                    )
                    messages.success(request, MSG_CREATED % {"name": record.name})
                    if form.half_day_notice:
                        messages.warning(request, MSG_WHOLE_HALF_DAYS)
                else:
                    messages.info(request, MSG_ALREADY_EXISTS % {"name": record.name})
                    if form.cleaned_data["evidence"]:
                        messages.info(request, MSG_EVIDENCE_NOT_REPEATED)
                return redirect("ledger:records", category=category)
    return render(
        request,
        "ledger/record_form.html",
        _form_context(form, category, overlaps=overlaps, overlap_message=MSG_OVERLAP, record=None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """编辑: the owner edits a pending or rejected record; a rejected one goes back to 待审核 (FAQ Q5)."""
    record = visible_record(request, pk)
    if not is_owner(request, record):
        return refuse(request, MSG_NOT_OWNER, record)
    if not record.editable_by_owner:
        return refuse(request, services.MSG_NOT_EDITABLE, record)
    evidence = list(record.evidence.all())
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        category=record.category,
        existing_evidence=len(evidence),
        initial=RecordForm.initial_from(record),
    )
    overlaps: list[Record] = []
    if request.method == "POST" and form.is_valid():
        data = form.record_data()
        overlaps = _overlaps(record.employee_id, data, exclude_pk=record.pk)
        if not overlaps or form.cleaned_data["confirm_overlap"]:
            previous = record.status
            try:
                record = services.record_update(actor=request.user, record=record, data=data)
            except PermissionDenied:
                return refuse(request, services.MSG_NOT_EDITABLE, record)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                services.evidence_add(
                    actor=request.user, record=record, uploads=form.cleaned_data["evidence"]
                )
                messages.success(request, MSG_RESUBMITTED if previous == Status.REJECTED else MSG_UPDATED)
                if form.half_day_notice:
                    messages.warning(request, MSG_WHOLE_HALF_DAYS)
                return redirect("ledger:record_detail", pk=record.pk)
    return render(
        request,
        "ledger/record_form.html",
        _form_context(
            form,
            record.category,
            overlaps=overlaps,
            overlap_message=MSG_OVERLAP,
            record=record,
            evidence=evidence,
        ),
    )


@login_required
@require_POST
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """删除 (soft): the record stops counting and leaves the lists; its history stays."""
    record = visible_record(request, pk)
    if not is_owner(request, record):
        return refuse(request, MSG_NOT_OWNER, record)
    try:
        services.record_delete(actor=request.user, record=record)
    except PermissionDenied:
        return refuse(request, services.MSG_NOT_EDITABLE, record)
    messages.success(request, MSG_DELETED % {"name": record.name})
    category = record.category if record.category in EMPLOYEE_CATEGORIES else EMPLOYEE_CATEGORIES[0]
    return redirect("ledger:records", category=category)


@login_required
@require_POST
def records_batch_delete(request: HttpRequest) -> HttpResponse:
    """批量删除: only one's own pending or rejected records; any other id refuses the whole request."""
    category = request.POST.get("category", "")
    if category not in EMPLOYEE_CATEGORIES:
        category = EMPLOYEE_CATEGORIES[0]
    raw = request.POST.getlist("ids")
    if any(not value.isdigit() for value in raw):
        return refuse(
            request, services.MSG_BATCH_FOREIGN, back_url=reverse("ledger:records", args=[category])
        )
    if not raw:
        messages.warning(request, MSG_BATCH_NONE)
        return redirect("ledger:records", category=category)
    try:
        count = services.records_batch_delete(actor=request.user, record_ids=[int(v) for v in raw])
    except PermissionDenied:
        return refuse(
            request, services.MSG_BATCH_FOREIGN, back_url=reverse("ledger:records", args=[category])
        )
    messages.success(request, MSG_BATCH_DELETED % {"n": count})
    return redirect("ledger:records", category=category)


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A record's fields, its effective part, its status history and its evidence files.

    Seen by the owner, their unit's HR (and the ancestors' HR) and the academy admin; others get 404.
    """
    record = get_object_or_404(
        Record.objects.live().visible_to(request.user).select_related("employee", "unit"), pk=pk
    )
    transitions = record_history(record)
    for t in transitions:
        t.from_label = STATUS_LABELS.get(t.from_status, t.from_status)
        t.to_label = STATUS_LABELS.get(t.to_status, t.to_status)
        t.action_label = ACTION_LABELS.get(t.action, t.action)
    rejection = next((t for t in reversed(transitions) if t.to_status == Status.REJECTED), None)
    owner = is_owner(request, record)
    effective = None
    if record.status == Status.APPROVED:
        effective = employee_year(record.employee, record.year).result.record_effective.get(record.pk)
    evidence = list(record.evidence.all())
    context = {
        "record": record,
        "transitions": transitions,
        "rejection": rejection if record.status == Status.REJECTED else None,
        "is_owner": owner,
        "can_edit": owner and record.editable_by_owner,
        "effective": effective,
        "evidence": evidence,
        "evidence_form": EvidenceForm(existing=len(evidence)),
        "evidence_room": max(EVIDENCE_MAX_PER_RECORD - len(evidence), 0),
        "evidence_accept": EVIDENCE_ACCEPT,
        "half_day_flag": record.bucket == Bucket.TRAINING and not is_whole_half_days(record.seconds),
        "list_category": record.category if record.category in EMPLOYEE_CATEGORIES else None,
    }
    return render(request, "ledger/record_detail.html", context)
