"""Helpers shared by the ledger's views."""

from django.http import Http404, HttpRequest

from hourbook.common.dates import today
from hourbook.org.models import Employee

MIN_YEAR = 2019


def selected_year(request: HttpRequest) -> int:
    """The year chosen with ?year=, defaulting to the current year; out-of-range values fall back."""
    current = today().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= current:
        return int(raw)
    return current


def year_choices() -> list[int]:
    return list(range(today().year, MIN_YEAR - 1, -1))


def own_employee(request: HttpRequest) -> Employee:
    """The employee behind the logged-in account; accounts without one have no self-service pages."""
    employee = getattr(request.user, "employee", None)
    if employee is None:
        raise Http404
    return employee
