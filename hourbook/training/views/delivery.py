"""培训实施: the trainee list (search, ARP list upload, removal), the attendance grid, registering hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hourbook.ledger.choices import Assessment, Source
from hourbook.ledger.models import Record
from hourbook.org.models import Employee

from ..choices import AttendanceStatus
from ..forms import ArpListForm
from ..models import Attendance, Programme, Trainee
from ..services import (
    MSG_FOREIGN_IDS,
    AttendanceChange,
    attendance_save,
    programme_outcomes,
    programme_register_hours,
    trainees_add,
    trainees_import,
    trainees_remove,
)
from ..xlsx import XlsxError, read_arp_list
from .common import is_htmx, managed_programme

TRAINEE_PAGE = 100
SEARCH_PAGE = 20
GRID_PAGE = 200
IMPORT_ERRORS_KEY = "training_import_errors"
MAX_SHOWN_ERRORS = 500


def _detail_context(request: HttpRequest, programme: Programme) -> dict:
    """The programme, its sessions, and a page of trainees with absence, eligibility and registered hours."""
    sessions, outcomes, unmarked = programme_outcomes(programme)
    by_trainee = {o.trainee_id: o for o in outcomes}
    trainees = programme.trainees.select_related("employee__unit").order_by("employee__arp", "pk")
    page = Paginator(trainees, TRAINEE_PAGE).get_page(request.GET.get("page"))
    keys = [programme.source_key(t.employee_id) for t in page]
    records = {
        r.source_key: r for r in Record.objects.live().filter(source=Source.PROGRAMME, source_key__in=keys)
    }
    rows = [
        {
            "trainee": t,
            "outcome": by_trainee.get(t.pk),
            "record": records.get(programme.source_key(t.employee_id)),
        }
        for t in page
    ]
    return {
        "programme": programme,
        "sessions": sessions,
        "page": page,
        "rows": rows,
        "trainee_total": len(outcomes),
        "eligible_total": sum(1 for o in outcomes if o.eligible),
        "unmarked": unmarked,
        "import_form": ArpListForm(),
        "hx_target": "#trainee-table",
    }


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """培训实施 of one programme: plan summary, trainees, actions."""
    programme = managed_programme(request, pk)
    context = _detail_context(request, programme)
    context["import_errors"] = request.session.pop(IMPORT_ERRORS_KEY, None)
    template = "training/_trainee_table.html" if is_htmx(request) else "training/programme_detail.html"
    return render(request, template, context)


@login_required
@require_GET
def employee_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Find any active employee of the academy by name or ARP number, 20 a page, to add as trainees."""
    programme = managed_programme(request, pk)
    q = request.GET.get("q", "").strip()[:64]
    page = None
    if q:
        qs = (
            Employee.objects.filter(is_active=True)
            .filter(Q(name__icontains=q) | Q(arp__istartswith=q))
            .select_related("unit")
            .annotate(on_list=Exists(Trainee.objects.filter(programme=programme, employee=OuterRef("pk"))))
            .order_by("arp")
        )
        page = Paginator(qs, SEARCH_PAGE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "q": q,
        "page": page,
        "query": urlencode({"q": q}),
        "hx_target": "#search-results",
    }
    template = "training/_search_results.html" if is_htmx(request) else "training/trainee_search.html"
    return render(request, template, context)


def _ids(values: list[str]) -> list[int]:
    """Integer ids from a POST list; anything else is a forged request."""
    if not all(v.isdigit() for v in values):
        raise PermissionDenied(MSG_FOREIGN_IDS)
    return [int(v) for v in values]


@login_required
@require_POST
def trainee_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = managed_programme(request, pk)
    try:
        added = trainees_add(
            actor=request.user, programme=programme, employee_ids=_ids(request.POST.getlist("employee"))
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已添加 %(n)s 名学员") % {"n": added})
    return redirect("training:programme_detail", pk=programme.pk)


@login_required
@require_POST
def trainee_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the trainees of an .xlsx list of ARP numbers; any unknown or inactive number adds nobody."""
    programme = managed_programme(request, pk)
    form = ArpListForm(request.POST, request.FILES)
    errors: list[str] = []
    if not form.is_valid():
        errors = [m for field_errors in form.errors.values() for m in field_errors]
    else:
        try:
            rows = read_arp_list(form.cleaned_data["file"])
            result = trainees_import(actor=request.user, programme=programme, rows=rows)
        except XlsxError as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = exc.messages
        else:
            text = _("已从名单添加 %(n)s 名学员") % {"n": result.added}
            if result.already:
                text += _("；%(n)s 人已在名单中，已跳过") % {"n": len(result.already)}
            if result.repeated:
                text += _("；文件中重复的 %(n)s 行已跳过") % {"n": len(result.repeated)}
            messages.success(request, text)
            return redirect("training:programme_detail", pk=programme.pk)
    # Post/redirect/get: the errors wait in the session for the detail page (by row, all of them).
    request.session[IMPORT_ERRORS_KEY] = errors[:MAX_SHOWN_ERRORS]
    return redirect("training:programme_detail", pk=programme.pk)


@login_required
@require_POST
def trainee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    programme = managed_programme(request, pk)
    ids = _ids(request.POST.getlist("trainee"))
    if not ids:
        messages.error(request, _("请选择要移除的学员"))
        return redirect("training:programme_detail", pk=programme.pk)
    removed = trainees_remove(actor=request.user, programme=programme, trainee_ids=ids)
    text = _("已移除 %(n)s 名学员") % {"n": removed}
    if programme.registered_at:
        text += _("。请重新登记学时，被移除学员的学时记录将随之撤销")
    messages.success(request, text)
    return redirect("training:programme_detail", pk=programme.pk)


def _parse_grid(post) -> AttendanceChange:
    """The grid arrives as one field per cell (c-<trainee>-<session>, r-<trainee>), or compacted by the
    page's script into `cells` ("t:s:v,…") and `results` ("t:v,…") so that large grids stay under Django's
    limit on the number of fields. Ids that are not integers are a forged request.
    """

    def to_int(text: str) -> int:
        if not text.isdigit():
            raise PermissionDenied(MSG_FOREIGN_IDS)
        return int(text)

    cells: list[tuple[int, int, str]] = []
    results: dict[int, str] = {}
    for item in filter(None, post.get("cells", "").split(",")):
        parts = item.split(":")
        if len(parts) != 3:
            raise PermissionDenied(MSG_FOREIGN_IDS)
        if parts[2]:
            cells.append((to_int(parts[0]), to_int(parts[1]), parts[2]))
    for item in filter(None, post.get("results", "").split(",")):
        parts = item.split(":")
        if len(parts) != 2:
            raise PermissionDenied(MSG_FOREIGN_IDS)
        results[to_int(parts[0])] = parts[1]
    for key, value in post.items():
        if key.startswith("c-") and value:
            parts = key.split("-")
            if len(parts) != 3:
                raise PermissionDenied(MSG_FOREIGN_IDS)
            cells.append((to_int(parts[1]), to_int(parts[2]), value))
        elif key.startswith("r-"):
            results[to_int(key[2:])] = value
    session = post.get("all_session", "")
    trainee = post.get("all_trainee", "")
    return AttendanceChange(
        cells=cells,
        results=results,
        all_present_session=to_int(session) if session else None,
        all_present_trainee=to_int(trainee) if trainee else None,
    )


def _grid_options() -> dict[str, str]:
    """The <option> list of a cell for each current mark; an unrecorded cell offers "—" first."""
    options = {}
    for current in ("", *AttendanceStatus.values):
        parts = [] if current else ['<option value="" selected>—</option>']
        for value, label in AttendanceStatus.choices:
            selected = " selected" if value == current else ""
            parts.append(f'<option value="{value}"{selected}>{escape(label)}</option>')
        options[current] = "".join(parts)
    return options


def _grid_cells(trainee: Trainee, sessions: list, marks: dict, options: dict[str, str]) -> SafeString:
    """One row of the grid's cells, built in Python: 200 trainees × many sessions stay fast to render.

    Each cell is a <select> named c-<trainee>-<session>, labelled with the name, date and length.
    """
    cells = []
    for session in sessions:
        status = marks.get((trainee.pk, session.pk), "")
        label = escape(f"{trainee.employee.name} {session.date:%Y-%m-%d} {session.get_length_display()}")
        cells.append(
            f'<td class="p-1"><select class="form-select form-select-sm att att-{status or "none"}" '
            f'name="c-{trainee.pk}-{session.pk}" aria-label="{label}">{options[status]}</select></td>'
        )
    # Safe: names and labels are escaped; ids are integers; statuses are choice keys.
    return mark_safe("".join(cells))


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """考勤与考核: trainees by sessions, each cell 出勤 / 缺席 / 请假; one request saves the page.

    本场全部出勤 (a column) and 全部出勤 (a row) apply to every trainee or every session of the programme.
    """
    programme = managed_programme(request, pk)
    if request.method == "POST":
        try:
            count = attendance_save(actor=request.user, programme=programme, change=_parse_grid(request.POST))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("考勤已保存（%(n)s 项）") % {"n": count})
        url = reverse("training:attendance", kwargs={"pk": programme.pk})
        page_no = request.POST.get("page", "")
        return redirect(f"{url}?page={page_no}" if page_no.isdigit() else url)

    sessions = list(programme.sessions.order_by("date", "pk"))
    trainees = programme.trainees.select_related("employee__unit").order_by("employee__arp", "pk")
    page = Paginator(trainees, GRID_PAGE).get_page(request.GET.get("page"))
    marks = {
        (a.trainee_id, a.session_id): a.status
        for a in Attendance.objects.filter(trainee__in=list(page), session__programme=programme)
    }
    options = _grid_options()
    rows = [{"trainee": t, "cells": _grid_cells(t, sessions, marks, options)} for t in page]
    return render(
        request,
        "training/attendance.html",
        {
            "programme": programme,
            "sessions": sessions,
            "page": page,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "results": [c for c in Assessment.choices if c[0] != Assessment.NONE],
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """登记学时: every trainee's record, created or updated; refusals say what to fix first."""
    programme = managed_programme(request, pk)
    try:
        counts = programme_register_hours(actor=request.user, programme=programme)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "学时已登记：学员 %(t)s 人，其中计入学时 %(e)s 人；"
                "新增 %(c)s 条、更新 %(u)s 条、撤销 %(d)s 条记录"
            )
            % {
                "t": counts["trainees"],
                "e": counts["eligible"],
                "c": counts["created"],
                "u": counts["updated"],
                "d": counts["deleted"],
            },
        )
    return redirect("training:programme_detail", pk=programme.pk)
