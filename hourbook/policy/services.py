"""Changing policy: the academy admin's yearly policy and units' supplementary rules, each audited.

Access is decided here, whoever calls (views, the admin site, commands): a year's policy is the academy admin's
alone; a unit's rule is for the HR admins of a unit tree holding that unit, or the academy admin; a past year's
rules change past results, so only the academy admin changes them (DOMAIN.md, Counting). A refusal raises
`PermissionDenied` with a message; views answer it with 403.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from hourbook.accounts.scope import hr_units_q, scope_of
from hourbook.audit.services import audit_log
from hourbook.common.dates import today
from hourbook.org.models import Unit

from .models import UnitRule, YearPolicy

MSG_POLICY_ACADEMY_ONLY = _("只有院人事局管理员可以修改年度学时政策")
MSG_RULE_OUT_OF_SCOPE = _("只能为您管理的单位及其下级单位制定补充规定")
MSG_RULE_PAST_YEAR = _("往年的补充规定会改变往年的结果，只有院人事局管理员可以修改")


def _check_academy_admin(actor) -> None:
    if not scope_of(actor).academy_admin:
        raise PermissionDenied(MSG_POLICY_ACADEMY_ONLY)


def _check_rule_access(actor, rule: UnitRule) -> None:
    """The actor may change `rule` (and, for a saved rule, the rule as stored): see the module docstring."""
    scope = scope_of(actor)
    if scope.academy_admin:
        return
    unit_ids = {rule.unit_id}
    if rule.pk:
        unit_ids |= set(UnitRule.objects.filter(pk=rule.pk).values_list("unit_id", flat=True))
    administered = Unit.objects.filter(hr_units_q(actor, "path"), pk__in=unit_ids).count()
    if not scope.hr_paths or administered != len(unit_ids):
        raise PermissionDenied(MSG_RULE_OUT_OF_SCOPE)
    if rule.year < today().year:
        raise PermissionDenied(MSG_RULE_PAST_YEAR)


def rule_editable_by(actor, *, year: int) -> bool:
    """Whether the actor may change a unit's rules of `year` (their units only; see the module docstring)."""
    scope = scope_of(actor)
    return scope.academy_admin or (scope.is_hr and year >= today().year)


@transaction.atomic
def year_policy_save(*, actor, policy: YearPolicy) -> YearPolicy:
    """Save a year's policy (academy admin only) and audit the change."""
    _check_academy_admin(actor)
    before = model_to_dict(YearPolicy.objects.get(pk=policy.pk)) if policy.pk else {}
    policy.full_clean()
    policy.save()
    audit_log(
        actor=actor,
        action="policy.save",
        obj=policy,
        summary=str(policy),
        data={"before": before, "after": model_to_dict(policy)},
    )
    return policy


@transaction.atomic
def unit_rule_save(*, actor, rule: UnitRule) -> UnitRule:
    """Save a unit's rule; `full_clean()` refuses anything looser than what it inherits (第十六条)."""
    _check_rule_access(actor, rule)
    before = model_to_dict(UnitRule.objects.get(pk=rule.pk)) if rule.pk else {}
    rule.full_clean()
    rule.save()
    audit_log(
        actor=actor,
        action="unit_rule.save",
        obj=rule,
        unit=rule.unit,
        summary=str(rule),
        data={"before": before, "after": model_to_dict(rule)},
    )
    return rule


@transaction.atomic
def unit_rule_delete(*, actor, rule: UnitRule) -> None:
    _check_rule_access(actor, rule)
    audit_log(
        actor=actor,
        action="unit_rule.delete",
        obj=rule,
        unit=rule.unit,
        summary=str(rule),
        data=model_to_dict(rule),
    )
    rule.delete()
