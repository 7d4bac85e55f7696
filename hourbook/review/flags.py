"""Pre-flight checks: each pending record arrives at the reviewer already checked, its flags shown.

Flags (DOMAIN.md, Review and Hours; 第九条二, 第九条五, 第十条):

- duplicate: another live record of the person with the same name, dates and hours, in any category or
  source (an in-house programme record included): the same learning may be counted twice;
- overlap: another live record of the person whose dates meet this one's (a warning, never a refusal);
- half_days: a training-bucket record whose hours are not a multiple of 4 (第十条: a day is 8 学时, half a day 4;
  `ledger.rules.is_whole_half_days`);
- cross_year: the start date lies in an earlier year than the record's year (the year of its end date);
- no_evidence: no certificate, photo or PDF attached;
- cap_reached: the category's cap for the person's year is already filled by approved records, so approving
  adds no effective hours (第九条五; the yearly summary's credited seconds, `rules.cap_reached` against the
  cap of the record's unit and year).

Decisions taken here:
- "Hours not matching 8 a day": more than 8 × the days of the range cannot be stored (a database constraint
  and `ledger.validation` refuse it), so the only mismatch left is a training-bucket figure that is not a
  whole number of half days, which `half_days` flags. Fewer hours than 8 a day is normal (a one-day talk in a
  three-day conference, self-study spread over months) and is not flagged. Online-bucket hours are free.
- Duplicates and overlaps are sought among the person's pending and approved records only: a rejected
  record counts nothing, so it cannot be counted twice.

All flags of a list of records are computed in a fixed number of queries: one for evidence, one for the
person's other records, one read of the yearly summary rows, plus the policies of each distinct year of the
list (two queries per year; a page of the year-end rush holds one or two years).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import format_hours
from hourbook.ledger import rules
from hourbook.ledger.choices import CATEGORY_BUCKET, Category, Status
from hourbook.ledger.models import Evidence, Record, YearSummary
from hourbook.policy.selectors import policies_for_units

DUPLICATE = "duplicate"
OVERLAP = "overlap"
HALF_DAYS = "half_days"
CROSS_YEAR = "cross_year"
NO_EVIDENCE = "no_evidence"
CAP_REACHED = "cap_reached"

LABELS = {
    DUPLICATE: _("疑似重复"),
    OVERLAP: _("日期重叠"),
    HALF_DAYS: _("非半天整数倍"),
    CROSS_YEAR: _("跨年度"),
    NO_EVIDENCE: _("无证明材料"),
    CAP_REACHED: _("已达上限"),
}
MSG_DUPLICATE = _("与该职工另一条记录（%(other)s）名称、日期、学时相同，疑似重复登记")
MSG_OVERLAP = _("与该职工另一条记录（%(other)s）日期重叠")
MSG_HALF_DAYS = _("培训学时按天计算（1天8学时，半天4学时，第十条），%(hours)s 学时不是 4 的整数倍")
MSG_CROSS_YEAR = _("开始时间在 %(start_year)s 年，记录计入 %(year)s 年度（按结束时间）")
MSG_NO_EVIDENCE = _("未上传证明材料")
MSG_CAP_REACHED = _("“%(category)s”本年度上限 %(cap)s 学时已满，通过后不增加有效学时（第九条五）")


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str

    @property
    def label(self) -> str:
        return str(LABELS[self.code])


def _describe(other: tuple) -> str:
    _pk, _emp, category, _source, name, start, end, _seconds = other
    return f"{Category(category).label}·{name}·{start:%Y-%m-%d}～{end:%Y-%m-%d}"


def preflight_flags(records: list[Record]) -> dict[int, list[Flag]]:
    """The flags of each pending record of `records` ({pk: [Flag]}); other records get no flags.

    `records` need their unit loaded (select_related) for the cap check.
    """
    pending = [r for r in records if r.status == Status.PENDING and r.deleted_at is None]
    out: dict[int, list[Flag]] = {r.pk: [] for r in records}
    if not pending:
        return out
    ids = [r.pk for r in pending]
    with_evidence = set(
        Evidence.objects.filter(record_id__in=ids).order_by().values_list("record_id", flat=True).distinct()
    )
    others = _other_records(pending)
    reached = _caps_reached(pending)

    for record in pending:
        flags = out[record.pk]
        duplicate_of = overlap_with = None
        for other in others.get(record.employee_id, ()):
            pk, _emp, _category, _source, name, start, end, seconds = other
            if pk == record.pk or start > record.end_date or end < record.start_date:
                continue
            if (name, start, end, seconds) == (
                record.name,
                record.start_date,
                record.end_date,
                record.seconds,
            ):
                duplicate_of = duplicate_of or other
            else:
                overlap_with = overlap_with or other
        if duplicate_of:
            flags.append(Flag(DUPLICATE, str(MSG_DUPLICATE % {"other": _describe(duplicate_of)})))
        if overlap_with:
            flags.append(Flag(OVERLAP, str(MSG_OVERLAP % {"other": _describe(overlap_with)})))
        if CATEGORY_BUCKET[record.category] == rules.TRAINING and not rules.is_whole_half_days(
            record.seconds
        ):
            flags.append(Flag(HALF_DAYS, str(MSG_HALF_DAYS % {"hours": format_hours(record.seconds)})))
        if record.start_date.year < record.year:
            flags.append(
                Flag(
                    CROSS_YEAR,
                    str(MSG_CROSS_YEAR % {"start_year": record.start_date.year, "year": record.year}),
                )
            )
        if record.pk not in with_evidence:
            flags.append(Flag(NO_EVIDENCE, str(MSG_NO_EVIDENCE)))
        cap = reached.get(record.pk)
        if cap is not None:
            flags.append(
                Flag(
                    CAP_REACHED,
                    str(
                        MSG_CAP_REACHED
                        % {"category": record.get_category_display(), "cap": format_hours(cap)}
                    ),
                )
            )
    return out


def _other_records(pending: list[Record]) -> dict[int, list[tuple]]:
    """The persons' pending and approved live records meeting the dates of the list, in one query."""
    start = min(r.start_date for r in pending)
    end = max(r.end_date for r in pending)
    rows = (
        Record.objects.live()
        .filter(
            employee_id__in={r.employee_id for r in pending},
            status__in=[Status.PENDING, Status.APPROVED],
            start_date__lte=end,
            end_date__gte=start,
        )
        .order_by("start_date", "pk")
        .values_list("pk", "employee_id", "category", "source", "name", "start_date", "end_date", "seconds")
    )
    by_employee: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_employee[row[1]].append(row)
    return by_employee


def _caps_reached(pending: list[Record]) -> dict[int, int]:
    """{record pk: cap} for the records whose category cap is already filled for their person and year.

    The approved credited seconds per (person, year, category) are the yearly summary's figures (the same
    rows the SQL twin reads, `ledger.summary`), and "reached" is the rules' own `rules.cap_reached` of the
    effective part, against the policy of the record's unit and year: no second aggregate of the records.
    """
    policies = {}
    for year in sorted({r.year for r in pending}):
        units = {r.unit_id: r.unit for r in pending if r.year == year}
        policies[year] = policies_for_units(year=year, units=list(units.values()))
    capped = [r for r in pending if policies[r.year][r.unit_id].caps.get(r.category) is not None]
    if not capped:
        return {}
    totals = {
        (row.employee_id, row.year, row.category): row.credited_seconds
        for row in YearSummary.objects.filter(
            employee_id__in={r.employee_id for r in capped},
            year__in={r.year for r in capped},
            category__in={r.category for r in capped},
        ).only("employee_id", "year", "category", "credited_seconds")
    }
    out = {}
    for record in capped:
        cap = policies[record.year][record.unit_id].caps[record.category]
        total = totals.get((record.employee_id, record.year, record.category), 0)
        if rules.cap_reached(rules.effective_total(total, cap), cap):
            out[record.pk] = cap
    return out
