"""Yearly policy and unit rules (第八条, 第九条五, 第十六条)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hourbook.audit.models import AuditEntry
from hourbook.common.dates import today
from hourbook.policy.models import UnitRule, YearPolicy
from hourbook.policy.selectors import policy_for_unit, year_policy
from hourbook.policy.services import (
    MSG_POLICY_ACADEMY_ONLY,
    MSG_RULE_OUT_OF_SCOPE,
    MSG_RULE_PAST_YEAR,
    unit_rule_delete,
    unit_rule_save,
    year_policy_save,
)

H = 3600
YEAR = today().year  # HR admins change only the current year's rules


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
        rule=UnitRule(unit=u["parent"], year=YEAR, training_required=100 * H, cap_self_study=8 * H),
    )
    unit_rule_save(
        actor=cast.hr,
        rule=UnitRule(unit=u["unit"], year=YEAR, online_required=60 * H, cap_external_online=30 * H),
    )
    resolved = policy_for_unit(year=YEAR, unit=u["dept"])
    assert resolved.training_required == 100 * H and resolved.online_required == 60 * H
    assert resolved.caps["self_study"] == 8 * H and resolved.caps["external_online"] == 30 * H
    sibling = policy_for_unit(year=YEAR, unit=u["sibling"])
    assert sibling.training_required == 100 * H and sibling.online_required == 50 * H
    assert AuditEntry.objects.filter(action="unit_rule.save").count() == 2
    # Another year is untouched.
    assert policy_for_unit(year=YEAR - 1, unit=u["dept"]).training_required == 90 * H


@pytest.mark.django_db
def test_looser_rule_is_refused_with_a_clear_message(cast):
    u = cast.units
    unit_rule_save(
        actor=cast.parent_hr,
        rule=UnitRule(unit=u["parent"], year=YEAR, training_required=100 * H, cap_self_study=8 * H),
    )
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=YEAR, training_required=95 * H))
    assert "低于上级规定的 100 学时" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=YEAR, cap_self_study=9 * H))
    assert "高于上级规定的上限 8 学时" in str(exc.value)
    with pytest.raises(ValidationError):
        unit_rule_save(actor=cast.hr, rule=UnitRule(unit=u["unit"], year=YEAR, online_required=49 * H))
    assert not UnitRule.objects.filter(unit=u["unit"]).exists()


@pytest.mark.django_db
def test_capping_an_uncapped_category_is_stricter(cast):
    rule = unit_rule_save(
        actor=cast.hr, rule=UnitRule(unit=cast.units["unit"], year=YEAR, cap_external_training=200 * H)
    )
    assert rule.pk
    assert policy_for_unit(year=YEAR, unit=cast.units["dept"]).caps["external_training"] == 200 * H


# --- access decided in the services (issue 9, deliverable 3) ---


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["hr", "parent_hr", "sibling_hr", "manager", "employee"])
def test_only_the_academy_admin_saves_a_year_policy(cast, persona):
    policy = YearPolicy.objects.get(year=2025)
    policy.online_required = 60 * H
    with pytest.raises(PermissionDenied) as exc:
        year_policy_save(actor=cast[persona], policy=policy)
    assert str(exc.value) == str(MSG_POLICY_ACADEMY_ONLY)
    assert YearPolicy.objects.get(year=2025).online_required == 50 * H
    assert not AuditEntry.objects.filter(action="policy.save").exists()
    year_policy_save(actor=cast.academy, policy=policy)
    assert YearPolicy.objects.get(year=2025).online_required == 60 * H


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("sibling_hr", "unit"),  # another tree
        ("hr", "parent"),  # above one's own unit
        ("hr", "sibling"),
        ("manager", "unit"),  # a programme manager is no HR admin
        ("employee", "unit"),
    ],
)
def test_unit_rule_outside_the_actors_tree_is_refused(cast, persona, unit):
    with pytest.raises(PermissionDenied) as exc:
        unit_rule_save(
            actor=cast[persona], rule=UnitRule(unit=cast.units[unit], year=YEAR, training_required=100 * H)
        )
    assert str(exc.value) == str(MSG_RULE_OUT_OF_SCOPE)
    assert not UnitRule.objects.exists()
    assert not AuditEntry.objects.filter(action="unit_rule.save").exists()


@pytest.mark.django_db
def test_unit_rule_of_the_actors_tree_is_saved_and_deleted_by_its_hr_only(cast):
    rule = unit_rule_save(
        actor=cast.parent_hr, rule=UnitRule(unit=cast.units["dept"], year=YEAR, training_required=100 * H)
    )
    with pytest.raises(PermissionDenied):
        unit_rule_delete(actor=cast.sibling_hr, rule=rule)
    assert UnitRule.objects.filter(pk=rule.pk).exists()
    unit_rule_delete(actor=cast.hr, rule=rule)
    assert not UnitRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.django_db
def test_moving_a_foreign_rule_into_ones_tree_is_refused(cast):
    rule = unit_rule_save(
        actor=cast.sibling_hr, rule=UnitRule(unit=cast.units["sibling"], year=YEAR, training_required=100 * H)
    )
    rule.unit = cast.units["unit"]
    with pytest.raises(PermissionDenied):
        unit_rule_save(actor=cast.hr, rule=rule)
    assert UnitRule.objects.get(pk=rule.pk).unit == cast.units["sibling"]


@pytest.mark.django_db
def test_a_past_years_rule_is_the_academy_admins_alone(cast):
    past = UnitRule(unit=cast.units["unit"], year=YEAR - 1, training_required=100 * H)
    with pytest.raises(PermissionDenied) as exc:
        unit_rule_save(actor=cast.hr, rule=past)
    assert str(exc.value) == str(MSG_RULE_PAST_YEAR)
    saved = unit_rule_save(actor=cast.academy, rule=past)
    with pytest.raises(PermissionDenied):
        unit_rule_delete(actor=cast.hr, rule=saved)
    unit_rule_delete(actor=cast.academy, rule=saved)
