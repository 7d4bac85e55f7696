"""我的培训班: a trainee's programmes with their sessions, own attendance, result and registered hours."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hourbook.ledger.choices import Source
from hourbook.ledger.models import Record

from ..models import Attendance, Programme, Session, Trainee
from .common import year_choices

PAGE_SIZE = 10


@login_required
@require_GET
def my_programmes(request: HttpRequest) -> HttpResponse:
    """The programmes one is a trainee of, newest first, ten a page, in five queries whatever the page."""
    employee = getattr(request.user, "employee", None)
    if employee is None:
        raise Http404
    qs = Programme.objects.for_employee(employee).select_related("unit").order_by("-start_date", "-pk")
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in year_choices() else None
    if year:
        qs = qs.filter(end_date__year=year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = list(page)
    places = {t.programme_id: t for t in Trainee.objects.filter(employee=employee, programme__in=programmes)}
    sessions: dict[int, list[Session]] = {}
    for session in Session.objects.filter(programme__in=programmes).order_by("date", "pk"):
        sessions.setdefault(session.programme_id, []).append(session)
    marks = {
        a.session_id: a
        for a in Attendance.objects.filter(trainee__in=list(places.values())).only("session_id", "status")
    }
    records = {
        r.source_key: r
        for r in Record.objects.owned_by(request.user)
        .live()
        .filter(source=Source.PROGRAMME, source_key__in=[p.source_key(employee.pk) for p in programmes])
    }
    cards = [
        {
            "programme": p,
            "place": places.get(p.pk),
            "sessions": [(s, marks.get(s.pk)) for s in sessions.get(p.pk, [])],
            "record": records.get(p.source_key(employee.pk)),
        }
        for p in programmes
    ]
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
