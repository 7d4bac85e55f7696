"""Changing policy: the academy admin's yearly policy and units' supplementary rules, each audited."""

from django.db import transaction
from django.forms.models import model_to_dict

from hourbook.audit.services import audit_log

from .models import UnitRule, YearPolicy


@transaction.atomic
def year_policy_save(*, actor, policy: YearPolicy) -> YearPolicy:
    """Save a year's policy (academy admin only; the caller checks the role) and audit the change."""
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
    audit_log(
        actor=actor,
        action="unit_rule.delete",
        obj=rule,
        unit=rule.unit,
        summary=str(rule),
        data=model_to_dict(rule),
    )
    rule.delete()
