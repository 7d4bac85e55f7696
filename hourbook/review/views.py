"""The HR review screens (第九条二, FAQ Q5): the queue, a record's detail, decisions, bulk decisions.

Unit HR admins and the academy admin only (403 for everyone else); a record outside the reviewer's unit
trees is a 404. Decisions go through `review.services`, which refuse stale versions and one's own records.
"""

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from hourbook.accounts.scope import scope_of
from hourbook.ledger.choices import Bucket, Status
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Evidence, Record

from . import services
from .flags import Flag, preflight_flags
from .forms import QueueFilterForm, ReasonForm
from .selectors import (
    pending_count,
    queue_page,
    queue_records,
    queue_unit_ids,
    review_units,
    reviewable_records,
)

# Evidence types shown inline; anything else is downloaded as an opaque file.
INLINE_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
INLINE_PDF = "application/pdf"


def _require_reviewer(request: HttpRequest) -> None:
    """Unit HR admins and the academy admin review; any other role gets 403."""
    if not scope_of(request.user).is_hr:
        raise PermissionDenied


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass
class Row:
    """One queue row: the record, its pre-flight flags, the outcome of a decision just taken on it.

    Every row is the reviewer's to decide: the queue comes from `reviewable_records`, which never holds
    their own records (DOMAIN.md decision)."""

    record: Record
    flags: list[Flag] = field(default_factory=list)
    message: str = ""
    error: str = ""
    reason_open: bool = False


def _rows(records: list[Record]) -> list[Row]:
    flags = preflight_flags(records)
    return [Row(record=r, flags=flags[r.pk]) for r in records]


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """审核队列: the unit trees' employee-registered records, pending first by default, with their flags."""
    _require_reviewer(request)
    units = review_units(request.user)
    form = QueueFilterForm(request.GET, units=units)
    filters = form.filters()
    records = queue_records(user=request.user, units=units, filters=filters)
    page = queue_page(
        records,
        unit_ids=queue_unit_ids(units, filters),
        sort=filters.sort,
        number=request.GET.get("page"),
        per_page=form.page_size(),
    )
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "query": query,
        "hx_target": "#queue-table",
        "queue_url": request.get_full_path(),
        "next_param": quote(request.get_full_path(), safe=""),
        "pending_view": filters.status == Status.PENDING,
    }
    template = "review/_queue_table.html" if _is_htmx(request) else "review/queue.html"
    return render(request, template, context)


@login_required
@require_GET
def queue_pending_count(request: HttpRequest) -> HttpResponse:
    """The menu badge (loaded after the page by htmx): pending records awaiting the reviewer, capped."""
    _require_reviewer(request)
    limit = 1000
    count = pending_count(request.user, limit=limit)
    if not count:
        return HttpResponse("")
    text = f"{limit - 1}+" if count >= limit else str(count)
    return HttpResponse(
        format_html(
            '<span class="badge text-bg-warning ms-1" title="{}">{}</span>',
            _("待审核记录"),
            text,
        )
    )


def _evidence_kind(evidence: Evidence) -> str:
    if evidence.content_type in INLINE_IMAGES:
        return "image"
    if evidence.content_type == INLINE_PDF:
        return "pdf"
    return "file"


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A record for the reviewer: its fields, flags, evidence inline, the person's year, its history."""
    _require_reviewer(request)
    record = get_object_or_404(reviewable_records(request.user).select_related("employee", "unit"), pk=pk)
    evidence = list(record.evidence.all())
    for item in evidence:
        item.kind = _evidence_kind(item)
    ey = employee_year(record.employee, record.year)
    context = {
        "record": record,
        "flags": preflight_flags([record])[record.pk],
        "evidence": evidence,
        "transitions": record.transitions.select_related("actor", "actor__employee"),
        "ey": ey,
        "category_result": ey.result.categories[record.category],
        "bucket_result": ey.result.buckets[record.bucket],
        "bucket_label": Bucket(record.bucket).label,
        "reason_form": ReasonForm(),
        "next": _next_url(request, reverse("review:queue")),
    }
    return render(request, "review/record.html", context)


@login_required
@require_GET
@xframe_options_sameorigin
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A record's evidence for its reviewers, inline (image or PDF) so the detail page can show it."""
    _require_reviewer(request)
    evidence = get_object_or_404(Evidence.objects.filter(record__in=reviewable_records(request.user)), pk=pk)
    kind = _evidence_kind(evidence)
    content_type = evidence.content_type if kind != "file" else "application/octet-stream"
    disposition = "inline" if kind != "file" else "attachment"
    accel = getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", "")
    if accel:
        # Production: the reverse proxy sends the bytes once the access check passed.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + evidence.file.name
    else:
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(evidence.original_name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    return response


def _decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    _require_reviewer(request)
    record = get_object_or_404(reviewable_records(request.user), pk=pk)
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else -1
    reason = request.POST.get("reason", "")
    done = error = ""
    try:
        if decision == services.APPROVE:
            services.record_approve(actor=request.user, record_id=record.pk, version=version)
            done = _("已通过")
        elif decision == services.REJECT:
            services.record_reject(actor=request.user, record_id=record.pk, version=version, reason=reason)
            done = _("已设为不通过，已通知职工")
        else:
            services.record_revoke(actor=request.user, record_id=record.pk, version=version, reason=reason)
            done = _("已撤销通过，记录改为未通过，已通知职工")
    except services.ReviewConflict as exc:
        error = exc.message
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except PermissionDenied as exc:
        # Found by `reviewable_records` above, so only a change since (a transfer) lands here; say it plainly.
        # A full page answers 403 (a refusal never looks like a success); an htmx row shows it in place.
        error = str(exc) or _("您不能审核该记录")
        if not _is_htmx(request):
            raise PermissionDenied(error) from exc
    if _is_htmx(request):
        fresh = Record.objects.select_related("employee", "unit").get(pk=record.pk)
        row = _rows([fresh])[0]
        row.message, row.error = done, error
        row.reason_open = bool(error) and decision == services.REJECT and fresh.status == Status.PENDING
        queue_url = _next_url(request, reverse("review:queue"))
        context = {"row": row, "queue_url": queue_url, "next_param": quote(queue_url, safe="")}
        return render(request, "review/_queue_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_next_url(request, reverse("review:record", args=[record.pk])))


@login_required
@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.APPROVE)


@login_required
@require_POST
def record_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.REJECT)


@login_required
@require_POST
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.REVOKE)


def _selected_versions(request: HttpRequest) -> dict[int, int] | None:
    """The selection as {pk: version seen}, from checkboxes valued "pk:version"; None if malformed."""
    versions: dict[int, int] = {}
    for value in request.POST.getlist("ids"):
        pk, sep, version = value.partition(":")
        if not (sep and pk.isdigit() and version.isdigit()):
            return None
        versions[int(pk)] = int(version)
    return versions


BULK_ACTIONS = ("approve", "approve_unflagged", "reject")


@login_required
@require_POST
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """Decide a selection at once. Any id the reviewer may not decide refuses the whole request (403)."""
    _require_reviewer(request)
    action = request.POST.get("action", "")
    versions = _selected_versions(request)
    if action not in BULK_ACTIONS or versions is None:
        return HttpResponseBadRequest(_("请求无效"))
    back = _next_url(request, reverse("review:queue"))
    try:
        if action == "reject":
            result = services.records_reject_bulk(
                actor=request.user, versions=versions, reason=request.POST.get("reason", "")
            )
        else:
            result = services.records_approve_bulk(
                actor=request.user, versions=versions, only_unflagged=action == "approve_unflagged"
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if result.decided:
        text = (
            _("已通过 %(n)s 条记录") if action != "reject" else _("已将 %(n)s 条记录设为不通过，已通知职工")
        )
        messages.success(request, text % {"n": len(result.decided)})
    if result.flagged:
        messages.warning(
            request, _("%(n)s 条记录有预检标记，未处理，请逐条审核") % {"n": len(result.flagged)}
        )
    if result.changed:
        messages.error(
            request,
            _("%(n)s 条记录已被他人处理/已被修改，未处理，请刷新后重新审核") % {"n": len(result.changed)},
        )
    return redirect(back)
