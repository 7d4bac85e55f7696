"""Reads that need care. `year_summaries` is the SQL twin of `rules.compute_year` for many employees.

One GROUP BY over the year's summary rows (ledger.summary; a LEFT JOIN from employees, so people without
records appear), caps applied in SQL as CASE over groups of units sharing a cap, the unit and level held on
the year's reference day joined from the histories (`Employee.objects.in_year`). A hypothesis property
(tests/test_engine_twins.py) keeps it equal to the Python rules.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee
from hourbook.policy.selectors import ResolvedPolicy, policies_for_units

from . import rules
from .choices import CATEGORY_BUCKET, Category


def _cap_case(total, policies: dict[int, ResolvedPolicy], category: str, unit_field: str):
    """min(total, cap of the row's unit) as SQL; units with the same cap share one WHEN."""
    groups: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, policy in policies.items():
        groups[policy.caps.get(category)].append(unit_id)
    whens = []
    for cap, unit_ids in groups.items():
        if cap is None:
            whens.append(When(**{f"{unit_field}__in": unit_ids}, then=total))
        else:
            whens.append(When(**{f"{unit_field}__in": unit_ids}, then=Least(total, Value(cap))))
    return Case(*whens, default=total, output_field=IntegerField())


def _requirement_case(policies: dict[int, ResolvedPolicy], unit_field: str, bucket: str):
    whens = []
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for unit_id, policy in policies.items():
        if bucket == rules.ONLINE:
            key = (policy.online_required, policy.online_required)
        else:
            key = (policy.training_required, policy.training_required_leader)
        groups[key].append(unit_id)
    for (ordinary, leader), unit_ids in groups.items():
        whens.append(
            When(
                Q(**{f"{unit_field}__in": unit_ids}) & Q(level_at=PositionLevel.SECTION_AND_ABOVE),
                then=Value(leader),
            )
        )
        whens.append(When(**{f"{unit_field}__in": unit_ids}, then=Value(ordinary)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


def employees_for_year(year: int, employees: QuerySet | None = None) -> QuerySet:
    """A year's population with `ref_day`, `unit_at` and `level_at`: `org.models.EmployeeQuerySet.in_year`,
    the one definition of a person's standing, derived at query time from the unit and level histories."""
    qs = employees if employees is not None else Employee.objects.all()
    return qs.in_year(year)


def annotate_year_summary(qs: QuerySet, year: int, policies: dict[int, ResolvedPolicy]) -> QuerySet:
    """Annotate employees (from `employees_for_year`) with the year's figures, in one query.

    Per category c: t_<c> (approved credited total), e_<c> (effective), p_<c> (pending), n_<c> (approved count);
    per bucket: training_effective, online_effective, training_pending, online_pending, *_required;
    total, training_met, online_met, met (None where no requirement).
    """
    # One LEFT JOIN to the year's summary rows (at most six per employee), kept equal to the records
    # by ledger.summary in every write's transaction.
    qs = qs.annotate(ys=FilteredRelation("year_summaries", condition=Q(year_summaries__year=year)))
    annotations = {}
    for category in Category.values:
        in_category = Q(ys__category=category)
        annotations[f"t_{category}"] = Coalesce(Sum("ys__credited_seconds", filter=in_category), 0)
        annotations[f"p_{category}"] = Coalesce(Sum("ys__pending_seconds", filter=in_category), 0)
        annotations[f"n_{category}"] = Coalesce(Sum("ys__approved_count", filter=in_category), 0)
    qs = qs.annotate(**annotations)
    effective = {
        f"e_{category}": _cap_case(F(f"t_{category}"), policies, category, "unit_at")
        for category in Category.values
    }
    qs = qs.annotate(**effective)

    def bucket_sum(prefix: str, bucket: str):
        expr = Value(0)
        for category in Category.values:
            if CATEGORY_BUCKET[category] == bucket:
                expr = expr + F(f"{prefix}_{category}")
        return ExpressionWrapper(expr, output_field=IntegerField())

    qs = qs.annotate(
        training_effective=bucket_sum("e", rules.TRAINING),
        online_effective=bucket_sum("e", rules.ONLINE),
        training_total=bucket_sum("t", rules.TRAINING),
        online_total=bucket_sum("t", rules.ONLINE),
        training_pending=bucket_sum("p", rules.TRAINING),
        online_pending=bucket_sum("p", rules.ONLINE),
        # Max() over the person's rows (all equal) keeps these long CASEs out of the GROUP BY key.
        training_required=Max(
            Case(
                When(is_registered=True, then=_requirement_case(policies, "unit_at", rules.TRAINING)),
                default=Value(None),
                output_field=IntegerField(),
            )
        ),
        online_required=Max(
            Case(
                When(is_registered=True, then=_requirement_case(policies, "unit_at", rules.ONLINE)),
                default=Value(None),
                output_field=IntegerField(),
            )
        ),
    )
    qs = qs.annotate(
        total=ExpressionWrapper(F("training_total") + F("online_total"), output_field=IntegerField()),
        training_met=Case(
            When(training_required__isnull=True, then=Value(None)),
            When(training_effective__gte=F("training_required"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        ),
        online_met=Case(
            When(online_required__isnull=True, then=Value(None)),
            When(online_effective__gte=F("online_required"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        ),
    )
    return qs.annotate(
        met=Case(
            When(is_registered=False, then=Value(None)),
            When(Q(training_met=True) & Q(online_met=True), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        )
    )


@dataclass(frozen=True)
class YearFigures:
    """One employee's year as the SQL twin computes it."""

    employee_id: int
    unit_id: int
    level: str
    categories: dict[str, tuple[int, int, int, int]]  # (count, total, effective, pending)
    training_effective: int
    online_effective: int
    training_pending: int
    online_pending: int
    training_required: int | None
    online_required: int | None
    total: int
    met: bool | None


def year_summaries(year: int, employees: QuerySet | None = None, units=None) -> dict[int, YearFigures]:
    """The SQL twin for a set of employees: {employee_id: YearFigures}, in four queries.

    `units` (optional) are the units whose policies may be needed; by default every unit of the
    population's units-for-the-year is resolved.
    """
    from hourbook.org.models import Unit

    base = employees_for_year(year, employees)
    if units is None:
        unit_ids = set(base.values_list("unit_at", flat=True))
        if (
            not unit_ids
        ):  # nobody of these people belongs to the year (and PostgreSQL cannot type an empty CASE)
            return {}
        units = list(Unit.objects.filter(pk__in=unit_ids))
    policies = policies_for_units(year=year, units=list(units))
    qs = annotate_year_summary(base, year, policies)
    fields = [
        "pk",
        "unit_at",
        "level_at",
        "training_effective",
        "online_effective",
        "training_pending",
        "online_pending",
        "training_required",
        "online_required",
        "total",
        "met",
    ]
    for category in Category.values:
        fields += [f"n_{category}", f"t_{category}", f"e_{category}", f"p_{category}"]
    out = {}
    for row in qs.values(*fields):
        out[row["pk"]] = YearFigures(
            employee_id=row["pk"],
            unit_id=row["unit_at"],
            level=row["level_at"],
            categories={
                c: (row[f"n_{c}"], row[f"t_{c}"], row[f"e_{c}"], row[f"p_{c}"]) for c in Category.values
            },
            training_effective=row["training_effective"],
            online_effective=row["online_effective"],
            training_pending=row["training_pending"],
            online_pending=row["online_pending"],
            training_required=row["training_required"],
            online_required=row["online_required"],
            total=row["total"],
            met=row["met"],
        )
    return out
