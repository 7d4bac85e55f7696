"""审计日志: who did what and when (decisions, edits, imports, rule changes), for the academy admin only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hourbook.accounts.scope import scope_of

from .forms import ACTION_LABELS, AuditFilterForm, action_label
from .models import AuditEntry

PAGE_SIZE = 50


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered by action, actor, date and object; 403 for all but the academy."""
    if not scope_of(request.user).academy_admin:
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    entries = form.apply(AuditEntry.objects.select_related("actor", "actor__employee", "unit"))
    page = Paginator(entries.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.action_label = action_label(entry.action)
    context = {
        "form": form,
        "page": page,
        "actions": [(code, str(label)) for code, label in ACTION_LABELS.items()],
        "query": _query_without_page(request),
        "hx_target": "#audit-table",
    }
    template = "audit/_table.html" if request.headers.get("HX-Request") == "true" else "audit/list.html"
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
