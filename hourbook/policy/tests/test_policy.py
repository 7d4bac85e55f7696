"""Yearly policy and unit rules (第八条, 第九条五, 第十六条)."""

import pytest
from django.core.exceptions import ValidationError

from hourbook.audit.models import AuditEntry
from hourbook.policy.models import UnitRule, YearPolicy
from hourbook.policy.selectors import policy_for_unit, year_policy
from hourbook.policy.services import unit_rule_save

H = 3600


@pytest.mark.django_db
def test_default_policy_from_2019():
    """人字〔2019〕89号: 90 / 110 / 50, self-study capped at 10 (第八条, 第九条五)."""
    p = YearPolicy.objects.get(year=2019)
    assert (p.training_required, p.training_required_leader, p.online_required, p.cap_self_study) == (
        90 * H,
        110 * H,
        50 * H,
        10 * H,
    )
    assert p.cap_external_training is None


@pytest.mark.django_db
def test_year_without_policy_uses_latest_earlier():
    YearPolicy.objects.filter(year=2026).delete()
    YearPolicy.objects.filter(year=2025).update(online_required=60 * H)
    assert year_policy(2026).year == 2025
    assert year_policy(2026).online_required == 60 * H
    assert year_policy(2019).online_required == 50 * H


@pytest.mark.django_db
def test_highest_requirement_and_lowest_cap_of_ancestors(cast):
    u = cast.units
    unit_rule_save(
        actor=cast.parent_hr,
        rule=UnitRule(unit=u["parent"], year=2026, training_required=100 * H, cap_self_study=8 * H),
    )
    unit_rule_save(
        actor=cast.hr,
        rule=UnitRule(unit=u["unit"], year=2026, online_required=60 * H, cap_external_online=30 * H),
    )
    resolved = policy_for_unit(year=2026, unit=u["dept"])
    assert resolved.training_required == 100 * H and resolved.online_required == 60 * H
    assert resolved.caps["self_study"] == 8 * H and resolved.caps["external_online"] == 30 * H
    sibling = policy_for_unit(year=2026, unit=u["sibling"])
    assert sibling.training_required == 100 * H and sibling.online_required == 50 * H
    assert AuditEntry.objects.filter(action="unit_rule.save").count() == 2
    # Another year is untouched.
    assert policy_for_unit(year=2025, unit=u["dept"]).training_required == 90 * H


@pytest.mark.django_db
def test_looser_rule_is_refused_with_a_clear_message(cast):
    u = cast.units
    unit_rule_save(
        actor=cast.parent_hr,
        rule=UnitRule(unit=u["parent"], year=2026, training_required=100 * H, cap_self_study=8 * H),
    )
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=2026, training_required=95 * H))
    assert "低于上级规定的 100 学时" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=2026, cap_self_study=9 * H))
    assert "高于上级规定的上限 8 学时" in str(exc.value)
    with pytest.raises(ValidationError):
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=2026, online_required=49 * H))
    assert not UnitRule.objects.filter(unit=u["unit"]).exists()


@pytest.mark.django_db
def test_capping_an_uncapped_category_is_stricter(cast):
    rule = unit_rule_save(
        actor=cast.hr, rule=UnitRule(unit=cast.units["unit"], year=2026, cap_external_training=200 * H)
    )
    assert rule.pk
    assert policy_for_unit(year=2026, unit=cast.units["dept"]).caps["external_training"] == 200 * H
