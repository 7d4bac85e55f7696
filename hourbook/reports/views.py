"""单位学时报表 (第八条, 第十五条): a unit's year, its completion by sub-unit, the list and its exports.

For unit HR admins over their unit trees and the academy admin (whose root report is the academy summary);
another unit is a 404, anyone else a 403. The list, its export and the charts read the same annotated query.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hourbook.common.dates import today
from hourbook.jobs.services import job_start
from hourbook.roster.selectors import hr_units, require_hr

from .exports import records_xlsx, unit_report_xlsx
from .forms import ReportFilterForm
from .jobs import RECORDS_EXPORT
from .selectors import (
    COUNTED,
    Filters,
    ReportScope,
    figures_for,
    records_for_export,
    report_list,
    report_overview,
    report_people,
)

PAGE_SIZE = 50
MIN_YEAR = 2019
FILTER_FIELDS = ("year", "unit", "kind", "met", "level", "q", "sort")


def _parse(request: HttpRequest) -> tuple[ReportFilterForm, ReportScope, Filters]:
    """The report's year, unit and filters from ?…; a unit outside the admin's trees is a 404."""
    require_hr(request.user)
    units = hr_units(request.user)
    first = units.first()
    if first is None:
        raise Http404
    years = list(range(today().year, MIN_YEAR - 1, -1))
    data = QueryDict(mutable=True)
    data.update({"year": str(years[0]), "unit": str(first.pk), "kind": COUNTED, "sort": "arp"})
    for name in FILTER_FIELDS:
        if request.GET.get(name, "") != "":
            data[name] = request.GET[name]
    form = ReportFilterForm(data, units=units, years=years)
    if not form.is_valid():
        if "unit" in form.errors:
            raise Http404
        for name in form.errors:  # a stale or mistyped filter falls back to its default
            data.pop(name, None)
        data.setdefault("year", str(years[0]))
        form = ReportFilterForm(data, units=units, years=years)
        if not form.is_valid():
            raise Http404
    cd = form.cleaned_data
    scope = ReportScope.build(year=cd["year"], unit=cd["unit"])
    filters = Filters(
        kind="" if cd["kind"] == "all" else (cd["kind"] or COUNTED),
        met=cd["met"],
        level=cd["level"],
        q=cd["q"],
        sort=cd["sort"] or "arp",
    )
    return form, scope, filters


def _query(form: ReportFilterForm, *names: str) -> str:
    return urlencode({k: v for k, v in form.data.items() if k in names and v not in ("", None)})


@login_required
@require_GET
def unit_report(request: HttpRequest) -> HttpResponse:
    form, scope, filters = _parse(request)
    if filters.needs_figures:
        page = Paginator(report_list(scope, filters), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    else:  # ordered by ARP number or name: page the people, compute the page's figures only
        people = report_people(scope, filters).values_list("pk", flat=True)
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = figures_for(scope, list(page.object_list), filters.sort)
    summary = report_overview(scope, own_label=_("本级"))
    names = {u.pk: u.name for u in scope.units}
    query = _query(form, *FILTER_FIELDS)
    context = {
        "form": form,
        "year": scope.year,
        "unit": scope.unit,
        "filters": filters,
        "page": page,
        "rows": [(e, names.get(e.unit_at, "")) for e in rows],
        "summary": summary,
        "query": query,
        "hx_target": "#report-body",
        "export_query": query,
        "records_query": _query(form, "year", "unit"),
        "completion_chart": {
            "labels": [c.label for c in summary.children],
            "rates": [c.rate or 0 for c in summary.children],
            "counted": [c.counted for c in summary.children],
            "met": [c.met for c in summary.children],
        },
        "hours_chart": {"labels": summary.histogram_labels, "counts": summary.histogram},
        "academy_root": scope.unit.parent_id is None,
    }
    template = "reports/_report.html" if request.headers.get("HX-Request") else "reports/unit.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_export(request: HttpRequest) -> HttpResponse:
    """Exactly the filtered, scoped list of the report, every page, as .xlsx (streamed)."""
    _form, scope, filters = _parse(request)
    return unit_report_xlsx(
        report_list(scope, filters),
        year=scope.year,
        unit_names={u.pk: u.name for u in scope.units},
        filename=_("%(unit)s%(year)s年度学时.xlsx") % {"unit": scope.unit.name, "year": scope.year},
    )


@login_required
@require_GET
def records_export(request: HttpRequest) -> HttpResponse:
    """Every live record of the year in the chosen unit's subtree, from the admin's visible records."""
    _form, scope, _filters = _parse(request)
    qs = records_for_export(request.user, unit=scope.unit, year=scope.year)
    return records_xlsx(
        qs,
        year=scope.year,
        filename=_("%(unit)s%(year)s年度学时记录.xlsx") % {"unit": scope.unit.name, "year": scope.year},
    )


@login_required
@require_POST
def records_export_job(request: HttpRequest) -> HttpResponse:
    """Start the year's records export as a background job (issue 5): large scopes run off the request,
    the page shows its progress, and the file is kept for download."""
    _form, scope, _filters = _parse(request)
    job = job_start(
        owner=request.user,
        kind=RECORDS_EXPORT,
        title=_("%(unit)s%(year)s年度学时记录导出") % {"unit": scope.unit.name, "year": scope.year},
        params={"unit": scope.unit.pk, "year": scope.year},
    )
    return redirect("jobs:detail", job.pk)
