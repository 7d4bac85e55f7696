"""The hours engine's Django side: loads one employee's year, runs `rules.compute_year`, explains it.

Every page that shows one person's hours reads them from here; pages that list many people use the
SQL twin in `selectors.year_summaries`.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hourbook.common.hours import format_hours, format_missing_hours, missing_seconds_to_hours
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, Unit
from hourbook.policy.selectors import ResolvedPolicy, policy_for_unit

from . import rules
from .choices import Category, ProgrammeType, Source, Status
from .models import Record, credited_seconds_sum

FACT_FIELDS = ("id", "category", "status", "seconds", "end_date", "created_at", "zero_reason")


def to_rules_policy(policy: ResolvedPolicy) -> rules.Policy:
    return rules.Policy(
        training_required=policy.training_required,
        training_required_leader=policy.training_required_leader,
        online_required=policy.online_required,
        caps=dict(policy.caps),
    )


@dataclass
class YearHours:
    """One employee's hours for a year, as the engine computes them: the rules' result plus what it was
    computed from (unit and level on the reference day, read by `Employee.unit_and_level_for_year`, the
    resolved policy)."""

    employee: Employee
    year: int
    unit: Unit
    level: str
    policy: ResolvedPolicy
    result: rules.YearResult

    @property
    def leader(self) -> bool:
        return self.level == PositionLevel.SECTION_AND_ABOVE


def record_facts(employee_id: int, year: int) -> list[rules.RecordFact]:
    """The facts of an employee's live records of a year, in one indexed query."""
    rows = Record.objects.live().filter(employee_id=employee_id, year=year).values_list(*FACT_FIELDS)
    return [rules.RecordFact(*row) for row in rows]


def employee_year(employee: Employee, year: int) -> YearHours:
    """Compute an employee's year (a handful of queries, whatever the number of records)."""
    # Unit and level on the reference day: the reports' own SQL (EmployeeQuerySet.with_standing).
    unit, level = employee.unit_and_level_for_year(year)
    policy = policy_for_unit(year=year, unit=unit)
    result = rules.compute_year(
        record_facts(employee.pk, year),
        to_rules_policy(policy),
        leader=level == PositionLevel.SECTION_AND_ABOVE,
        registered=employee.is_registered,
    )
    return YearHours(employee=employee, year=year, unit=unit, level=level, policy=policy, result=result)


def hours_json(seconds: int) -> float:
    """Hours truncated to two decimals, as a JSON number (for explain_hours and the API)."""
    return float(format_hours(seconds))


def employee_year_json(ey: YearHours) -> dict:
    """The operator's view of one year (manage.py explain_hours)."""
    result = ey.result
    buckets = {}
    for name, bucket in result.buckets.items():
        buckets[name] = {
            "effective_hours": hours_json(bucket.effective),
            "total_hours": hours_json(bucket.total),
            "required_hours": hours_json(bucket.required) if bucket.required is not None else None,
            "pending_hours": hours_json(bucket.pending),
            "missing_hours": float(missing_seconds_to_hours(bucket.missing)),
            "met": bucket.met,
        }
    return {
        "arp": ey.employee.arp,
        "name": ey.employee.name,
        "year": ey.year,
        "unit": ey.unit.name,
        "level": ey.level,
        "registered": ey.employee.is_registered,
        "training": buckets[rules.TRAINING],
        "online": buckets[rules.ONLINE],
        "total_hours": hours_json(result.total),
        "met": result.met,
        "categories": {
            key: {
                "count": cat.count,
                "total_hours": hours_json(cat.total),
                "effective_hours": hours_json(cat.effective),
                "capped_hours": hours_json(cat.capped),
                "pending_hours": hours_json(cat.pending),
                "pending_count": cat.pending_count,
                "cap_hours": hours_json(cat.cap) if cat.cap is not None else None,
            }
            for key, cat in result.categories.items()
        },
    }


# How each category can be raised, in words for the explanation.
HOW_TO_RAISE = {
    Category.IN_HOUSE: gettext_lazy("参加本单位或院内举办的培训班、讲座，由培训班负责人登记"),
    Category.EXTERNAL_TRAINING: gettext_lazy("在“我的外部学习 → 线下培训”登记院外培训、讲座、学术会议"),
    Category.SELF_STUDY: gettext_lazy("在“我的外部学习 → 在职自学”登记书籍、文档学习"),
    Category.STUDY_ABROAD: gettext_lazy("在“我的外部学习 → 公派留学”登记"),
    Category.PLATFORM_ONLINE: gettext_lazy("在本平台学习在线课程，学时自动计入"),
    Category.EXTERNAL_ONLINE: gettext_lazy(
        "在“我的外部学习 → 网络学时”登记学习强国、中国干部网络学院等外部网络学习"
    ),
}


@dataclass
class ExplanationLine:
    category: str
    label: str
    text: str
    cap_reached: bool


def explain(ey: YearHours) -> dict:
    """FAQ Q3 in plain Chinese: per category records, total, effective, cut, pending; per bucket what is missing.

    Returns a dict of sentences for the template; the numbers come straight from the rules' result.
    """
    result = ey.result
    labels = {key: str(label) for key, label in Category.choices}
    lines = []
    for key, cat in result.categories.items():
        parts = [
            _("已通过 %(count)s 条，共 %(total)s 学时")
            % {"count": cat.count, "total": format_hours(cat.total)},
        ]
        if cat.cap is not None:
            parts.append(_("上限 %(cap)s 学时") % {"cap": format_hours(cat.cap)})
        parts.append(_("计入有效学时 %(eff)s") % {"eff": format_hours(cat.effective)})
        if cat.capped:
            parts.append(
                _("超出上限的 %(cut)s 学时只计入总学时，不计入有效学时") % {"cut": format_hours(cat.capped)}
            )
        if cat.zero_count:
            parts.append(_("其中 %(n)s 条因考核不合格或缺席不计学时") % {"n": cat.zero_count})
        if cat.pending_count:
            parts.append(
                _("另有 %(n)s 条待审核，共 %(pending)s 学时，通过后才计入")
                % {"n": cat.pending_count, "pending": format_hours(cat.pending)}
            )
        lines.append(
            ExplanationLine(
                category=key, label=labels[key], text="；".join(parts) + "。", cap_reached=cat.cap_reached
            )
        )

    bucket_names = {rules.TRAINING: _("培训学时"), rules.ONLINE: _("网络学时")}
    buckets = []
    for name, bucket in result.buckets.items():
        if bucket.required is None:
            text = _("%(bucket)s有效 %(eff)s 学时（非在册正式职工，不设学时要求，第二条）。") % {
                "bucket": bucket_names[name],
                "eff": format_hours(bucket.effective),
            }
        elif bucket.met:
            text = _("%(bucket)s有效 %(eff)s 学时，要求 %(req)s 学时，已达标。") % {
                "bucket": bucket_names[name],
                "eff": format_hours(bucket.effective),
                "req": format_hours(bucket.required),
            }
        else:
            raise_with = [
                f"{labels[c]}（{HOW_TO_RAISE[c]}）"
                + (
                    _("，最多还可计入 %(room)s 学时") % {"room": format_hours(result.categories[c].room)}
                    if result.categories[c].room is not None
                    else ""
                )
                for c in result.raisers(name)
            ]
            blocked = [labels[c] for c in result.blocked(name)]
            text = _("%(bucket)s有效 %(eff)s 学时，要求 %(req)s 学时，还差 %(miss)s 学时。") % {
                "bucket": bucket_names[name],
                "eff": format_hours(bucket.effective),
                "req": format_hours(bucket.required),
                "miss": format_missing_hours(bucket.missing),
            }
            if bucket.pending:
                text += _("待审核的 %(p)s 学时通过后可能计入。") % {"p": format_hours(bucket.pending)}
            if raise_with:
                text += _("还能提高有效学时的类别：") + "；".join(raise_with) + "。"
            if blocked:
                text += _("已达上限、再登记也不增加有效学时的类别：") + "、".join(blocked) + "。"
            if name == rules.TRAINING:
                text += _("网络学时的富余不能补足培训学时。")
            else:
                text += _("培训学时的富余不能补足网络学时。")
        buckets.append({"bucket": name, "label": bucket_names[name], "text": text, "met": bucket.met})
    return {"lines": lines, "buckets": buckets}


def archive_summary(employee: Employee, year: int | None = None) -> dict:
    """我的档案 → 各项学习情况说明 (DOMAIN.md decision), from real queries.

    培训项目 counts in-house and 线下培训 records; 其中系列讲座 counts in-house records of that type;
    外部培训 counts 线下培训 records; 实际时长 is approved hours before caps. Course and exam lines
    come from their features through `hooks.archive_contributors` (zero without them).
    """
    qs = Record.objects.live().filter(employee=employee, status=Status.APPROVED)
    if year is not None:
        qs = qs.filter(year=year)
    programme = Q(category__in=[Category.IN_HOUSE, Category.EXTERNAL_TRAINING])
    agg = qs.aggregate(
        programme_n=Count("pk", filter=programme),
        series_n=Count("pk", filter=Q(category=Category.IN_HOUSE, programme_type=ProgrammeType.SERIES)),
        external_n=Count("pk", filter=Q(category=Category.EXTERNAL_TRAINING)),
        programme_s=credited_seconds_sum(programme),
        self_n=Count("pk", filter=Q(category=Category.SELF_STUDY)),
        self_s=credited_seconds_sum(Q(category=Category.SELF_STUDY)),
        abroad_n=Count("pk", filter=Q(category=Category.STUDY_ABROAD)),
        abroad_s=credited_seconds_sum(Q(category=Category.STUDY_ABROAD)),
        online_courses_n=Count(
            "source_key", filter=Q(category=Category.PLATFORM_ONLINE, source=Source.PLATFORM), distinct=True
        ),
        online_s=credited_seconds_sum(Q(category=Category.PLATFORM_ONLINE)),
        ext_online_n=Count("pk", filter=Q(category=Category.EXTERNAL_ONLINE)),
        ext_online_s=credited_seconds_sum(Q(category=Category.EXTERNAL_ONLINE)),
        total_s=credited_seconds_sum(),
    )
    agg["exams_n"] = 0
    agg["exams_pass_rate"] = 0.0
    from .hooks import archive_contributors

    for contribute in archive_contributors():
        contribute(employee, year, agg)
    return agg
