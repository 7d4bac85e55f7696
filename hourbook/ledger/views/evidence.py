"""证明材料: evidence files of a record, private as the record; plus the record-ownership helpers.

Files are stored through Django's storage under generated names, checked by their leading bytes (JPEG, PNG,
PDF), at most 10 MB each and 5 per record. They are served only by `evidence_download`, after the access
check of `Evidence.objects.visible_to`; in production the bytes are handed to the reverse proxy
(X-Accel-Redirect to settings.PRIVATE_FILES_ACCEL_PREFIX).
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hourbook.accounts.scope import scope_of

from ..forms import EvidenceForm
from ..models import Evidence, Record
from ..services import MSG_NOT_EDITABLE, evidence_add, evidence_remove

MSG_NOT_OWNER = gettext_lazy("只有记录本人可以修改、删除记录或管理证明材料")
MSG_EVIDENCE_ADDED = gettext_lazy("已上传 %(n)s 个证明材料")
MSG_EVIDENCE_DELETED = gettext_lazy("已删除证明材料“%(name)s”")


# --- access helpers shared with the record views -------------------------------------------------------


def refuse(request: HttpRequest, message, record: Record | None = None, back_url: str = "") -> HttpResponse:
    """403 with a clear message (a locked record, a foreign id in a batch, a wrong role)."""
    context = {"message": message, "record": record, "back_url": back_url}
    return render(request, "ledger/record_refused.html", context, status=403)


def visible_record(request: HttpRequest, pk: int) -> Record:
    """A live record the user may see: the owner, their unit's HR and ancestors' HR, the academy; else 404."""
    return get_object_or_404(Record.objects.live().visible_to(request.user), pk=pk)


def is_owner(request: HttpRequest, record: Record) -> bool:
    return record.employee_id is not None and record.employee_id == scope_of(request.user).employee_id


# --- views -----------------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload evidence from a record's detail page (owner, record pending or rejected)."""
    record = visible_record(request, pk)
    if not is_owner(request, record):
        return refuse(request, MSG_NOT_OWNER, record)
    if not record.editable_by_owner:
        return refuse(request, MSG_NOT_EDITABLE, record)
    form = EvidenceForm(request.POST, request.FILES, existing=record.evidence.count())
    if form.is_valid():
        try:
            added = evidence_add(actor=request.user, record=record, uploads=form.cleaned_data["evidence"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied:
            return refuse(request, MSG_NOT_EDITABLE, record)
        else:
            messages.success(request, MSG_EVIDENCE_ADDED % {"n": len(added)})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("ledger:record_detail", pk=record.pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own evidence file while its record is pending or rejected."""
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user)
        .filter(record__deleted_at__isnull=True)
        .select_related("record"),
        pk=pk,
    )
    record = evidence.record
    if not is_owner(request, record):
        return refuse(request, MSG_NOT_OWNER, record)
    try:
        evidence_remove(actor=request.user, evidence=evidence)
    except PermissionDenied:
        return refuse(request, MSG_NOT_EDITABLE, record)
    messages.success(request, MSG_EVIDENCE_DELETED % {"name": evidence.original_name})
    if request.POST.get("next") == "edit":
        return redirect("ledger:record_edit", pk=record.pk)
    return redirect("ledger:record_detail", pk=record.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an evidence file to whoever may see its record; everyone else gets 404."""
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user).filter(record__deleted_at__isnull=True), pk=pk
    )
    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=evidence.content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(evidence.file.name)
        response["Content-Disposition"] = content_disposition_header(False, evidence.original_name)
    else:
        response = FileResponse(
            evidence.file.storage.open(evidence.file.name, "rb"),
            content_type=evidence.content_type,
            filename=evidence.original_name,
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
