"""The unit report's reads: a unit subtree's people for a year with the engine's SQL twin, and SQL aggregates.

Population (DOMAIN.md decisions): everyone whose unit on the year's reference day lies in the unit's subtree,
except people who left before the year began. Kinds: `counted` (在册正式职工 active on 31 December, or today:
the completion rate's denominator), `left` (left during the year: listed apart), `other` (not 在册, 第二条:
listed without 达标). Figures per person come from `ledger.selectors.annotate_year_summary`; the completion
rates and the histogram come from one GROUP BY over that same annotated query, so they equal the list.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, CharField, Q, QuerySet, Value, When

from hourbook.ledger.selectors import annotate_year_summary, employees_for_year
from hourbook.org.models import Employee, Unit
from hourbook.policy.selectors import policies_for_units

COUNTED, LEFT, OTHER = "counted", "left", "other"
HIST_STEP_HOURS = 10
HIST_BUCKETS = 13  # 0–10, 10–20, … 110–120, 120 and more
SORTS = {
    "arp": ("arp",),
    "name": ("name", "arp"),
    "-training": ("-training_effective", "arp"),
    "training": ("training_effective", "arp"),
    "-online": ("-online_effective", "arp"),
    "online": ("online_effective", "arp"),
    "-total": ("-total", "arp"),
}
FIGURE_SORTS = {"-training", "training", "-online", "online", "-total"}


def kind_expression(year: int):
    """counted / left / other, as DOMAIN.md's denominator decision reads (第二条, 第八条)."""
    return Case(
        When(left_on__lte=dt.date(year, 12, 31), then=Value(LEFT)),
        When(is_registered=False, then=Value(OTHER)),
        default=Value(COUNTED),
        output_field=CharField(),
    )


@dataclass
class ReportScope:
    """A report's year and root unit, its subtree's units and their resolved policies."""

    year: int
    unit: Unit
    units: list[Unit]
    policies: dict = field(default_factory=dict)

    @classmethod
    def build(cls, *, year: int, unit: Unit) -> "ReportScope":
        units = list(Unit.objects.subtree(unit).order_by("path"))
        return cls(year=year, unit=unit, units=units, policies=policies_for_units(year=year, units=units))

    @property
    def unit_ids(self) -> list[int]:
        return [u.pk for u in self.units]

    def population(self) -> QuerySet:
        """People counted in this subtree for the year, annotated with reference day, unit, level and kind."""
        qs = employees_for_year(self.year, Employee.objects.all()).annotate(kind=kind_expression(self.year))
        if self.unit.parent_id is not None:  # the academy's root holds everyone: no filter needed
            qs = qs.filter(unit_at__in=self.unit_ids)
        return qs

    def figures(self, qs: QuerySet | None = None) -> QuerySet:
        """The population (or a filtered part of it) with the year's figures (the engine's SQL twin)."""
        return annotate_year_summary(qs if qs is not None else self.population(), self.year, self.policies)


@dataclass
class Filters:
    kind: str = COUNTED  # counted / left / other / "" (everyone)
    met: str = ""  # "met" / "unmet" / ""
    level: str = ""
    q: str = ""
    sort: str = "arp"

    @property
    def needs_figures(self) -> bool:
        """Whether filtering or ordering needs every person's figures (else only the page's are computed)."""
        return bool(self.met) or self.sort in FIGURE_SORTS


def _filter_people(qs: QuerySet, filters: Filters) -> QuerySet:
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level_at=filters.level)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(arp__icontains=q))
    return qs


def report_list(scope: ReportScope, filters: Filters) -> QuerySet:
    """The filtered, sorted list with figures: what the pages show and the export writes."""
    qs = scope.figures(_filter_people(scope.population(), filters))
    if filters.met == "met":
        qs = qs.filter(met=True)
    elif filters.met == "unmet":
        qs = qs.filter(met=False)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["arp"]))


def report_people(scope: ReportScope, filters: Filters) -> QuerySet:
    """The filtered, sorted list without figures (for paging cheaply when no figure is filtered or sorted)."""
    return _filter_people(scope.population(), filters).order_by(*SORTS.get(filters.sort, SORTS["arp"]))


def figures_for(scope: ReportScope, ids: list[int], sort: str) -> list:
    """The figures of the given people (a page), in the list's order."""
    return list(scope.figures(scope.population().filter(pk__in=ids)).order_by(*SORTS.get(sort, SORTS["arp"])))


@dataclass
class Completion:
    """Completion of a unit (its subtree): 达标 among the counted, plus the people listed apart."""

    unit: Unit | None
    label: str
    counted: int = 0
    met: int = 0
    left: int = 0
    other: int = 0
    training_sum: int = 0  # seconds of effective training hours of the counted

    @property
    def rate(self) -> float | None:
        """Percentage truncated to one decimal, so 99.96% never shows as 100.0%."""
        if not self.counted:
            return None
        return int(self.met * 1000 / self.counted) / 10

    @property
    def unmet(self) -> int:
        return self.counted - self.met


@dataclass
class ReportOverview:
    """A unit report's overview: completion of the unit and of each sub-unit, and the histogram."""

    total: Completion
    children: list[Completion]
    histogram: list[int]

    @property
    def histogram_labels(self) -> list[str]:
        step = HIST_STEP_HOURS
        labels = [f"{i * step}–{(i + 1) * step}" for i in range(HIST_BUCKETS - 1)]
        return [*labels, f"≥{(HIST_BUCKETS - 1) * step}"]


def report_overview(scope: ReportScope, *, own_label: str) -> ReportOverview:
    """Completion of the unit and of each direct sub-unit's subtree, and the histogram of effective training
    hours of the counted people: one GROUP BY over the annotated population, in SQL."""
    inner = scope.figures().order_by().values("unit_at", "kind", "met", "training_effective")
    sql, params = inner.query.sql_with_params()
    qn = connection.ops.quote_name
    step = HIST_STEP_HOURS * 3600
    top = HIST_BUCKETS - 1
    te = qn("training_effective")
    hist = f"CASE WHEN {qn('kind')} <> %s THEN -1 WHEN {te} >= {top * step} THEN {top} ELSE {te} / {step} END"
    query = (
        f"SELECT {qn('unit_at')}, {qn('kind')}, {qn('met')}, {hist} AS hist, COUNT(*), SUM({te}) "
        f"FROM ({sql}) report GROUP BY {qn('unit_at')}, {qn('kind')}, {qn('met')}, hist"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (COUNTED, *params))
        rows = cursor.fetchall()

    unit = scope.unit
    children = [u for u in scope.units if u.parent_id == unit.pk]
    by_path = sorted(children, key=lambda u: len(u.path), reverse=True)
    paths = {u.pk: u.path for u in scope.units}
    total = Completion(unit=unit, label=unit.name)
    own = Completion(unit=None, label=own_label)
    parts = {child.pk: Completion(unit=child, label=child.name) for child in children}
    histogram = [0] * HIST_BUCKETS
    for unit_at, kind, met, bucket, count, training in rows:
        path = paths.get(unit_at, "")
        part = next((parts[c.pk] for c in by_path if path.startswith(c.path)), own)
        for target in (total, part):
            if kind == COUNTED:
                target.counted += count
                target.met += count if met else 0
                target.training_sum += training or 0
            elif kind == LEFT:
                target.left += count
            else:
                target.other += count
        if kind == COUNTED and bucket is not None and bucket >= 0:
            histogram[int(bucket)] += count
    ordered = [parts[c.pk] for c in children]
    if own.counted or own.left or own.other:
        ordered.insert(0, own)
    return ReportOverview(total=total, children=ordered, histogram=histogram)


def records_for_export(user, *, unit: Unit, year: int) -> QuerySet:
    """Every live record of the year in the unit's subtree that the user may see, in a stable order."""
    from hourbook.ledger.models import Record

    return (
        Record.objects.visible_to(user)
        .live()
        .filter(year=year, unit__path__startswith=unit.path)
        .select_related("employee", "unit")
        .order_by("unit__path", "employee__arp", "end_date", "pk")
    )
