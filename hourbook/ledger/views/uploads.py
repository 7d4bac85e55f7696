"""批量上传 of 我的外部学习: the template of a tab, the upload, its preview, the marked workbook, the commit.

Every batch is its owner's alone: anyone else gets 404. Accounts without an employee have no uploads (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hourbook.common.resilience import database_interruption_guard
from hourbook.common.xlsx import MAX_FILE_BYTES, SpreadsheetRefused

from ..choices import EMPLOYEE_CATEGORIES, Category
from ..models import UploadBatch, UploadStatus
from ..uploads.forms import UploadForm
from ..uploads.parse import row_error_text
from ..uploads.services import upload_batch_commit, upload_batch_stage
from ..uploads.workbook import MAX_ROWS, build_template
from .common import own_employee

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 100
RECENT_BATCHES = 5

MSG_COMMITTED = _("已导入 %(created)s 条记录，等待单位人事审核")
MSG_COMMITTED_SKIPPED = _("已导入 %(created)s 条记录，等待单位人事审核；%(skipped)s 条已存在，已跳过")
MSG_ALREADY_COMMITTED = _("本批次已经导入过，未重复导入")
REASON_LABELS = {
    "new": _("新增"),
    "existing": _("已存在，跳过"),
    "in_file": _("文件内重复，跳过"),
    "example": _("示例行，忽略"),
}


def _category_or_404(category: str) -> str:
    if category not in EMPLOYEE_CATEGORIES:
        raise Http404
    return category


def _own_batch(request: HttpRequest, batch_id: int) -> UploadBatch:
    """A batch is private to the person who uploaded it; for anyone else it does not exist."""
    return get_object_or_404(UploadBatch.objects.defer("error_workbook"), pk=batch_id, owner=request.user)


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def upload_template(request: HttpRequest, category: str) -> HttpResponse:
    """下载导入模板: the .xlsx template of one tab."""
    category = _category_or_404(category)
    own_employee(request)
    filename = _g("%(tab)s导入模板.xlsx") % {"tab": Category(category).label}
    return _xlsx_response(build_template(category), filename)


@login_required
@require_http_methods(["GET", "POST"])
@database_interruption_guard
def upload(request: HttpRequest, category: str) -> HttpResponse:
    """批量上传: choose a file; a good file becomes a staged batch and the person sees its preview."""
    category = _category_or_404(category)
    employee = own_employee(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = upload_batch_stage(
                actor=request.user,
                employee=employee,
                category=category,
                filename=upload_file.name,
                data=upload_file.read(),
            )
        except SpreadsheetRefused as exc:
            form.add_error("file", exc.message)
        else:
            url = reverse("ledger:upload_detail", args=[batch.pk])
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    context = {
        "category": category,
        "category_label": Category(category).label,
        "tabs": [(key, Category(key).label) for key in EMPLOYEE_CATEGORIES],
        "form": form,
        "max_rows": f"{MAX_ROWS:,}",
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    if request.headers.get("HX-Request"):
        return render(request, "ledger/_upload_form.html", context)
    context["recent"] = list(
        UploadBatch.objects.filter(owner=request.user, category=category)
        .only("pk", "filename", "status", "created_at", "created_count", "category")
        .order_by("-created_at", "-pk")[:RECENT_BATCHES]
    )
    return render(request, "ledger/upload.html", context)


def _preview_rows(batch: UploadBatch) -> list[dict]:
    """Rows to add and rows skipped, in the file's order; rows with errors are listed with the errors."""
    rows = [{**row, "reason": "new"} for row in batch.rows] + list(batch.duplicates)
    rows.sort(key=lambda row: row["row"])
    for row in rows:
        row["reason_label"] = REASON_LABELS.get(row["reason"], row["reason"])
    return rows


@login_required
@require_GET
def upload_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The preview: what will be added, what is skipped and why, every error by row and column."""
    batch = _own_batch(request, batch_id)
    rows = _preview_rows(batch)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    counts = {
        "new": len(batch.rows),
        "existing": sum(1 for row in batch.duplicates if row["reason"] == "existing"),
        "in_file": sum(1 for row in batch.duplicates if row["reason"] == "in_file"),
        "example": sum(1 for row in batch.duplicates if row["reason"] == "example"),
        "errors": len(batch.errors),
        "error_rows": len({error["row"] for error in batch.errors}),
        "overlaps": sum(1 for row in batch.rows if row.get("overlaps")),
    }
    context = {
        "batch": batch,
        "category": batch.category,
        "category_label": Category(batch.category).label,
        "page": page,
        "counts": counts,
        "errors": [row_error_text(error) for error in batch.errors],
        "statuses": UploadStatus,
    }
    return render(request, "ledger/upload_detail.html", context)


@login_required
@require_GET
def upload_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The uploaded rows handed back with every bad cell marked (red fill and a comment)."""
    batch = get_object_or_404(UploadBatch, pk=batch_id, owner=request.user)
    if not batch.error_workbook:
        raise Http404
    stem = batch.filename.rsplit(".", 1)[0] or Category(batch.category).label
    return _xlsx_response(batch.error_workbook, _g("%(name)s_错误标注.xlsx") % {"name": stem})


@login_required
@require_POST
@database_interruption_guard
def upload_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    """确认导入: every row in one transaction; a second confirm adds nothing."""
    batch = _own_batch(request, batch_id)
    if batch.status == UploadStatus.COMMITTED:
        messages.info(request, MSG_ALREADY_COMMITTED)
        return redirect("ledger:upload_detail", batch.pk)
    try:
        batch, created = upload_batch_commit(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ledger:upload_detail", batch.pk)
    skipped = len(batch.rows) - created
    if skipped:
        messages.success(request, MSG_COMMITTED_SKIPPED % {"created": created, "skipped": skipped})
    else:
        messages.success(request, MSG_COMMITTED % {"created": created})
    return redirect("ledger:upload_detail", batch.pk)
