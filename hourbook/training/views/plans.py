"""培训计划: the list of plans in the user's unit trees, creating and editing a plan with its sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms import ProgrammeFilterForm, ProgrammeForm, SessionFormSet
from ..models import Programme
from ..services import programme_delete, programme_save
from .common import is_htmx, managed_programme, require_manager, year_choices

PAGE_SIZE = 20


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """培训计划 list, filtered by name, type, year (of the last session) and unit subtree; 20 a page."""
    require_manager(request)
    form = ProgrammeFilterForm(request.GET or None, user=request.user, years=year_choices())
    qs = (
        Programme.objects.visible_to(request.user)
        .select_related("unit")
        .annotate(trainee_count=Count("trainees"))
        .order_by("-start_date", "-pk")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"].strip())
        if data["type"]:
            qs = qs.filter(programme_type=data["type"])
        if data["year"]:
            qs = qs.filter(end_date__year=data["year"])
        if data["unit"]:
            qs = qs.filter(unit__path__startswith=data["unit"].path)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {"form": form, "page": page, "query": query, "hx_target": "#programme-table"}
    template = "training/_programme_table.html" if is_htmx(request) else "training/programme_list.html"
    return render(request, template, context)


def _edit(request: HttpRequest, programme: Programme | None) -> HttpResponse:
    instance = programme or Programme()
    if request.method == "POST":
        form = ProgrammeForm(request.POST, instance=instance, user=request.user)
        formset = SessionFormSet(request.POST, instance=instance, prefix="sessions")
        if form.is_valid() and formset.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                saved = programme_save(
                    actor=request.user, programme=programme, data=data, sessions=formset.specs()
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("培训计划已保存"))
                return redirect("training:programme_detail", pk=saved.pk)
    else:
        form = ProgrammeForm(instance=instance, user=request.user)
        formset = SessionFormSet(instance=instance, prefix="sessions", queryset=_sessions(programme))
        if programme is None:
            formset.extra = 1
    return render(
        request,
        "training/programme_form.html",
        {"form": form, "formset": formset, "programme": programme},
    )


def _sessions(programme: Programme | None):
    from ..models import Session

    if programme is None:
        return Session.objects.none()
    return programme.sessions.order_by("date", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = managed_programme(request, pk)
    return _edit(request, programme)


@login_required
@require_POST
def programme_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a plan; records it registered stop counting (soft-deleted in the ledger)."""
    programme = managed_programme(request, pk)
    counts = programme_delete(actor=request.user, programme=programme)
    if counts["deleted"]:
        messages.success(request, _("培训计划已删除，%(n)s 条学时记录已撤销") % {"n": counts["deleted"]})
    else:
        messages.success(request, _("培训计划已删除"))
    return redirect("training:programme_list")
