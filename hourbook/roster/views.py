"""单位人员名册: the HR admin's people, their current-year status, changes, accounts and the .xlsx import.

Every view is for unit HR admins and the academy admin (403 for anyone else); people and units are looked
up within the admin's trees, so anything of another unit is a 404, and a forged unit id in a form is an
invalid choice that refuses the whole request.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hourbook.accounts.models import User
from hourbook.common.dates import today
from hourbook.common.xlsx import MAX_FILE_BYTES, MSG_TOO_LARGE, SpreadsheetRefused
from hourbook.ledger.engine import employee_year
from hourbook.org.models import Employee

from . import powers, services
from .forms import EmployeeForm, ImportForm, LeaveForm, RosterFilterForm, TransferForm
from .imports import parse_roster, roster_template
from .selectors import current_year_status, hr_units, require_hr, roster_employees, roster_list

PAGE_SIZE = 50


def _employee(request: HttpRequest, pk: int) -> Employee:
    require_hr(request.user)
    return get_object_or_404(roster_employees(request.user).select_related("unit"), pk=pk)


def _form_errors_from(form, exc: ValidationError) -> None:
    """Show a service's ValidationError at its fields (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_GET
def roster_list_view(request: HttpRequest) -> HttpResponse:
    """The roster with filters and this year's status per person; htmx asks for the table only."""
    require_hr(request.user)
    units = hr_units(request.user)
    form = RosterFilterForm(request.GET or None, units=units)
    filters = {}
    if form.is_bound:
        if not form.is_valid() and "unit" in form.errors:
            raise Http404  # a unit outside the admin's trees
        filters = {
            k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v not in ("", None)
        }
    qs = roster_list(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    status = current_year_status([e.pk for e in rows])
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {
        "form": form,
        "page": page,
        "rows": [(e, status.get(e.pk)) for e in rows],
        "query": query,
        "hx_target": "#roster-table",
        "year": today().year,
    }
    template = "roster/_table.html" if request.headers.get("HX-Request") else "roster/list.html"
    return render(request, template, context)


@login_required
@require_GET
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee(request, pk)
    year = today().year
    ey = employee_year(employee, year) if employee.left_on is None or employee.left_on.year >= year else None
    account = User.objects.filter(employee=employee).first()
    context = {
        "employee": employee,
        "refusal": powers.refusal(request.user, employee),
        "is_self": powers.is_self(request.user, employee),
        "ey": ey,
        "year": year,
        "account": account,
        "memberships": employee.memberships.select_related("unit").order_by("-start", "-pk"),
        "levels": employee.levels.order_by("-since", "-pk"),
    }
    return render(request, "roster/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def employee_add(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    form = EmployeeForm(request.POST or None, units=hr_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.employee_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("已添加 %(e)s") % {"e": employee})
            return redirect("roster:detail", pk=employee.pk)
    return render(request, "roster/form.html", {"form": form, "title": _("添加人员")})


@login_required
@require_http_methods(["GET", "POST"])
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a person; 403 with the reason for anyone out of reach (`powers`). On one's own record 在册 and
    level are shown but locked (another admin changes them); the service refuses them anyway."""
    employee = _employee(request, pk)
    reason = powers.refusal(request.user, employee)
    if reason:
        raise PermissionDenied(reason)
    entry = services.current_level_entry(employee)
    initial = {
        "arp": employee.arp,
        "name": employee.name,
        "phone": employee.phone,
        "mobile": employee.mobile,
        "is_registered": employee.is_registered,
        "level": entry.level if entry else None,
        "level_since": entry.since if entry else None,
    }
    form = EmployeeForm(request.POST or None, initial=initial, instance=employee)
    if powers.is_self(request.user, employee):
        form.lock_own_fields()
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_update(actor=request.user, employee=employee, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("roster:detail", pk=employee.pk)
    return render(
        request, "roster/form.html", {"form": form, "employee": employee, "title": _("修改人员信息")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def employee_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee(request, pk)
    powers.require_may_change(request.user, employee)  # 403 with the reason, before the form is shown
    units = hr_units(request.user).exclude(pk=employee.unit_id)
    form = TransferForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.employee_transfer(
                actor=request.user,
                employee=employee,
                unit=form.cleaned_data["unit"],
                start=form.cleaned_data["start"],
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("已调至 %(unit)s；本年度 %(n)s 条记录随人转入新单位，以往年度的记录留在原单位。")
                % {"unit": form.cleaned_data["unit"], "n": moved},
            )
            if roster_employees(request.user).filter(pk=employee.pk).exists():
                return redirect("roster:detail", pk=employee.pk)
            return redirect("roster:list")
    return render(request, "roster/transfer.html", {"form": form, "employee": employee})


@login_required
@require_http_methods(["GET", "POST"])
def employee_leave(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee(request, pk)
    powers.require_may_change(request.user, employee)  # 403 with the reason, before the form is shown
    form = LeaveForm(request.POST or None, initial={"left_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_deactivate(
                actor=request.user, employee=employee, left_on=form.cleaned_data["left_on"]
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("已登记离职；其学时记录保留"))
            return redirect("roster:detail", pk=employee.pk)
    return render(request, "roster/leave.html", {"form": form, "employee": employee})


@never_cache
@login_required
@require_POST
def account_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an account; the initial password is shown on this response only (never stored, never cached)."""
    employee = _employee(request, pk)
    try:
        user, password = services.account_create(actor=request.user, employee=employee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roster:detail", pk=employee.pk)
    return render(
        request,
        "roster/password.html",
        {"employee": employee, "account": user, "password": password, "new": True},
    )


@never_cache
@login_required
@require_POST
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _employee(request, pk)
    user = get_object_or_404(User, employee=employee)
    try:
        password = services.account_reset_password(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roster:detail", pk=employee.pk)
    return render(
        request,
        "roster/password.html",
        {"employee": employee, "account": user, "password": password, "new": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster workbook: every error by row and column, or everything saved at once."""
    require_hr(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": [], "plan": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:  # refused before reading it into memory
                raise SpreadsheetRefused(MSG_TOO_LARGE % {"limit": MAX_FILE_BYTES // (1024 * 1024)})
            parsed = parse_roster(upload.read(), actor=request.user)
        except SpreadsheetRefused as exc:
            form.add_error("file", exc.message)
            return render(request, "roster/import.html", context, status=422)
        if parsed.errors:
            context["errors"] = parsed.errors
            return render(request, "roster/import.html", context, status=422)
        plan = {"new": parsed.new_count, "update": parsed.update_count, "rows": len(parsed.rows)}
        if form.cleaned_data["dry_run"]:
            context["plan"] = plan
            return render(request, "roster/import.html", context)
        try:
            result = services.roster_import(
                actor=request.user, rows=parsed.rows, existing=parsed.existing, filename=upload.name
            )
        except (services.ImportOutOfScope, services.ImportRowsRefused, ValidationError) as exc:
            context["errors"] = [str(message) for message in getattr(exc, "messages", [str(exc)])]
            return render(request, "roster/import.html", context, status=422)
        messages.success(
            request,
            _("导入完成：新增 %(c)s 人，更新 %(u)s 人（其中调动 %(t)s 人），%(n)s 人无变化。")
            % {
                "c": len(result.created),
                "u": len(result.updated),
                "t": len(result.transferred),
                "n": len(result.unchanged),
            },
        )
        return redirect(reverse("roster:list"))
    return render(request, "roster/import.html", context)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    data = roster_template(list(hr_units(request.user)))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''roster-template.xlsx"
    return response
