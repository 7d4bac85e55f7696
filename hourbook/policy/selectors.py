"""Resolving the policy that applies to a unit in a year: the academy's, tightened by every ancestor's rule.

Requirement: the highest of the academy's and each ancestor rule's. Cap: the lowest; no cap is the loosest (第十六条).
Which is stricter is decided once, in `policy.regulation`. The leaders' training requirement that applies is never
below the ordinary one: a rule that would make it so is refused when saved (`UnitRule.clean`), and a combination
of rules of different units (an ancestor raising the ordinary requirement above a descendant's leaders') resolves
to the ordinary one.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hourbook.org.models import Unit

from . import regulation
from .choices import CAP_FIELDS, Category
from .models import UnitRule, YearPolicy

REQUIREMENT_FIELDS = ("training_required", "training_required_leader", "online_required")


@dataclass(frozen=True)
class ResolvedPolicy:
    """Requirements and caps in seconds, with where each came from (for the explanation)."""

    year: int
    training_required: int
    training_required_leader: int
    online_required: int
    caps: dict[str, int | None]
    sources: dict[str, str] = field(default_factory=dict)


def year_policy(year: int) -> YearPolicy:
    """The policy of `year`, or the latest earlier year's; the 2019 defaults if the table is empty."""
    policy = YearPolicy.objects.filter(year__lte=year).order_by("-year").first()
    if policy is None:
        policy = YearPolicy.objects.order_by("year").first() or YearPolicy(year=year)
    return policy


def _from_year_policy(policy: YearPolicy, year: int) -> ResolvedPolicy:
    academy = _("院规定（%(year)s）") % {"year": policy.year}
    return ResolvedPolicy(
        year=year,
        training_required=policy.training_required,
        training_required_leader=policy.training_required_leader,
        online_required=policy.online_required,
        caps={category: getattr(policy, f) for category, f in CAP_FIELDS.items()},
        sources=dict.fromkeys((*REQUIREMENT_FIELDS, *CAP_FIELDS.values()), academy),
    )


def _tighten(base: ResolvedPolicy, rule: UnitRule) -> ResolvedPolicy:
    values = {name: getattr(base, name) for name in REQUIREMENT_FIELDS}
    caps = dict(base.caps)
    sources = dict(base.sources)
    label = _("%(unit)s补充规定") % {"unit": rule.unit.name}
    for name in REQUIREMENT_FIELDS:
        value = getattr(rule, name)
        stricter = regulation.stricter_requirement(value, values[name])
        if stricter != values[name]:
            values[name] = stricter
            sources[name] = label
    for category, cap_field in CAP_FIELDS.items():
        stricter = regulation.stricter_cap(getattr(rule, cap_field), caps[category])
        if stricter != caps[category]:
            caps[category] = stricter
            sources[cap_field] = label
    leader = regulation.leader_requirement(
        ordinary=values["training_required"], leader=values["training_required_leader"]
    )
    if leader != values["training_required_leader"]:
        values["training_required_leader"] = leader
        sources["training_required_leader"] = sources["training_required"]
    return ResolvedPolicy(year=base.year, caps=caps, sources=sources, **values)


def policies_for_units(
    *, year: int, units: list[Unit], include_self: bool = True
) -> dict[int, ResolvedPolicy]:
    """The resolved policy of each unit for `year`, in two queries whatever the number of units."""
    base = _from_year_policy(year_policy(year), year)
    chains = {}
    needed: set[int] = set()
    for unit in units:
        chain = unit.ancestor_ids()
        if not include_self:
            chain = chain[:-1]
        chains[unit.pk] = chain
        needed.update(chain)
    rules = {
        rule.unit_id: rule
        for rule in UnitRule.objects.filter(year=year, unit_id__in=needed).select_related("unit")
    }
    resolved = {}
    for unit_id, chain in chains.items():
        policy = base
        for ancestor_id in chain:
            rule = rules.get(ancestor_id)
            if rule is not None:
                policy = _tighten(policy, rule)
        resolved[unit_id] = policy
    return resolved


def policy_for_unit(*, year: int, unit: Unit) -> ResolvedPolicy:
    return policies_for_units(year=year, units=[unit])[unit.pk]


def inherited_policy(*, year: int, unit: Unit) -> ResolvedPolicy:
    """What a unit's own rule must not loosen: the academy's policy and every ancestor's rule."""
    return policies_for_units(year=year, units=[unit], include_self=False)[unit.pk]


def rule_units(user) -> list[Unit]:
    """The units whose rules a user may see and (for the current year) set: an HR admin's unit trees, every
    unit for the academy admin; in tree order."""
    from hourbook.accounts.scope import hr_units_q

    return list(Unit.objects.filter(hr_units_q(user, "path")).order_by("path"))


def unit_rule_of(*, unit: Unit, year: int) -> UnitRule | None:
    """A unit's own rule of a year, if it has one."""
    return UnitRule.objects.filter(unit=unit, year=year).first()


def sub_unit_rules(*, unit: Unit, year: int):
    """The rules of a year set by the units below `unit`, in tree order."""
    return (
        UnitRule.objects.filter(year=year, unit__path__startswith=unit.path)
        .exclude(unit=unit)
        .select_related("unit")
        .order_by("unit__path")
    )


def own_year_policy(year: int) -> YearPolicy | None:
    """The policy row of `year` itself (None when the year inherits an earlier year's)."""
    return YearPolicy.objects.filter(year=year).first()


def year_policies():
    """Every year's policy row, newest first."""
    return YearPolicy.objects.order_by("-year")


__all__ = [
    "Category",
    "ResolvedPolicy",
    "inherited_policy",
    "own_year_policy",
    "policies_for_units",
    "policy_for_unit",
    "rule_units",
    "sub_unit_rules",
    "unit_rule_of",
    "year_policies",
    "year_policy",
]
