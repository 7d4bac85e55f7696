"""Home bar (网络学时 / 培训学时 / 总学时 with 达标), 我的档案 and the FAQ Q3 explanation."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hourbook.accounts.scope import scope_of

from ..engine import archive_summary, employee_year, explain
from .common import own_employee, selected_year, year_choices


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """After login: the hours bar of the chosen year for employees; role shortcuts for everyone."""
    year = selected_year(request)
    context = {"year": year, "years": year_choices(), "scope": scope_of(request.user)}
    employee = getattr(request.user, "employee", None)
    if employee is not None:
        ey = employee_year(employee, year)
        context.update(ey=ey, result=ey.result, explanation=explain(ey))
    template = "ledger/_hours_bar.html" if request.headers.get("HX-Request") else "ledger/home.html"
    return render(request, template, context)


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """我的档案: personal details and 各项学习情况说明 (DOMAIN.md decision on what each line counts)."""
    employee = own_employee(request)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in year_choices() else None
    context = {
        "employee": employee,
        "summary": archive_summary(employee, year),
        "year": year,
        "years": year_choices(),
        "unit": employee.unit,
    }
    return render(request, "ledger/archive.html", context)


@login_required
@require_GET
def explain_view(request: HttpRequest) -> HttpResponse:
    """为什么我未达标 (FAQ Q3): per category and bucket, in plain words, for the chosen year."""
    employee = own_employee(request)
    year = selected_year(request)
    ey = employee_year(employee, year)
    return render(
        request,
        "ledger/explain.html",
        {"ey": ey, "result": ey.result, "explanation": explain(ey), "year": year, "years": year_choices()},
    )
