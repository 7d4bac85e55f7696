"""我的培训班: a trainee's programmes with their sessions, own attendance, result and registered hours."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import trainee_cards, trainee_programmes
from .common import year_choices

PAGE_SIZE = 10


@login_required
@require_GET
def my_programmes(request: HttpRequest) -> HttpResponse:
    """The programmes one is a trainee of, newest first, ten a page, in five queries whatever the page."""
    employee = getattr(request.user, "employee", None)
    if employee is None:
        raise Http404
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in year_choices() else None
    page = Paginator(trainee_programmes(employee, year=year), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = trainee_cards(request.user, employee, list(page))
    return render(
        request,
        "training/my_programmes.html",
        {
            "page": page,
            "cards": cards,
            "year": year,
            "years": year_choices(),
            "query": f"year={year}" if year else "",
        },
    )
