"""Reads of the roster: the units an HR admin administers and their people, with current-year figures.

Everything starts from the admin's scope (`accounts.scope.hr_units_q`): a unit HR sees their unit trees,
the academy admin everything. Per-person hours come from the ledger's SQL twin for the page's people only,
in a fixed number of queries whatever the page size.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from hourbook.accounts.models import User
from hourbook.accounts.scope import hr_units_q, scope_of
from hourbook.common.dates import today
from hourbook.ledger.selectors import YearFigures, year_summaries
from hourbook.org.models import Employee, Unit


def require_hr(user) -> None:
    """Unit HR admins and the academy admin only; everyone else gets 403."""
    if not scope_of(user).is_hr:
        raise PermissionDenied


def hr_units(user) -> QuerySet:
    """The units the user administers (their trees; all for the academy admin), in tree order."""
    return Unit.objects.filter(hr_units_q(user, "path")).order_by("path")


def unit_choices_label(unit: Unit, top_depth: int) -> str:
    """A unit's name indented by its depth below the admin's top unit, for <select> options."""
    return "\u3000" * max(unit.depth - top_depth, 0) + unit.name


def roster_employees(user) -> QuerySet:
    """The people of the user's unit trees (404 material for anyone else's)."""
    return Employee.objects.filter(hr_units_q(user))


def roster_list(
    user,
    *,
    unit: Unit | None = None,
    q: str = "",
    registered: str = "",
    status: str = "",
    level: str = "",
) -> QuerySet:
    """The filtered roster: current unit, level held today (or on the leaving day), whether an account exists."""
    qs = (
        roster_employees(user)
        .select_related("unit")
        .with_standing(today().year)
        .annotate(has_account=Exists(User.objects.filter(employee=OuterRef("pk"))))
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(arp__icontains=q))
    if registered == "yes":
        qs = qs.filter(is_registered=True)
    elif registered == "no":
        qs = qs.filter(is_registered=False)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "left":
        qs = qs.filter(is_active=False)
    if level:
        qs = qs.filter(level_at=level)
    return qs.order_by("unit__path", "arp")


def current_year_status(employee_ids: list[int]) -> dict[int, YearFigures]:
    """This year's figures of the given people (the page's), from the SQL twin: five queries in all."""
    if not employee_ids:
        return {}
    return year_summaries(today().year, Employee.objects.filter(pk__in=employee_ids))
