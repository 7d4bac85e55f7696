"""Policy screens: unit rules (第十六条) entered in 学时 and stored in seconds, looser rules refused at the field
with the model's message, scope by unit tree, past years for the academy only; the employee's applicable rule
with its sources; the academy-only year policy page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hourbook.audit.models import AuditEntry
from hourbook.policy.models import UnitRule, YearPolicy

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
H = 3600


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def rules_url(unit, year=2025):
    return reverse("policy:rules") + f"?year={year}&unit={unit.pk}"


def test_stricter_rule_is_saved_in_seconds_and_audited(cast, login):
    response = login(cast.hr).post(
        rules_url(cast.units["unit"]),
        {"training_required": "95.5", "cap_self_study": "6", "cap_external_online": "0", "note": "所规定"},
    )
    assert response.status_code == 302
    rule = UnitRule.objects.get(unit=cast.units["unit"], year=2025)
    assert rule.training_required == 95 * H + 30 * 60
    assert rule.cap_self_study == 6 * H and rule.cap_external_online == 0
    assert rule.online_required is None and rule.cap_in_house is None
    assert AuditEntry.objects.filter(action="unit_rule.save", object_id=str(rule.pk)).exists()


def test_looser_rule_is_refused_at_the_field_with_the_message(cast, login):
    """第十六条: a requirement below, or a cap above, what the unit inherits is refused."""
    response = login(cast.hr).post(
        rules_url(cast.units["unit"]), {"training_required": "80", "cap_self_study": "12"}
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "低于上级规定的 90 学时" in form.errors["training_required"][0]
    assert "高于上级规定的上限 10 学时" in form.errors["cap_self_study"][0]
    body = response.content.decode()
    assert "单位规则只能更严格（第十六条）" in body
    assert not UnitRule.objects.exists()


def test_an_ancestors_rule_is_inherited_with_its_source(cast, login):
    UnitRule.objects.create(unit=cast.units["parent"], year=2025, training_required=100 * H)
    client = login(cast.hr)
    response = client.get(rules_url(cast.units["unit"]))
    row = next(r for r in response.context["rows"] if r["name"] == "training_required")
    assert row["inherited"] == 100 * H and row["inherited_source"] == "北京分院补充规定"
    response = client.post(rules_url(cast.units["unit"]), {"training_required": "95"})
    assert "低于上级规定的 100 学时" in response.context["form"].errors["training_required"][0]


def test_rule_for_a_unit_outside_the_tree_is_404_and_saves_nothing(cast, login):
    client = login(cast.hr)
    assert client.get(rules_url(cast.units["sibling"])).status_code == 404
    assert client.post(rules_url(cast.units["sibling"]), {"training_required": "120"}).status_code == 404
    assert client.post(rules_url(cast.units["parent"]), {"training_required": "120"}).status_code == 404
    assert not UnitRule.objects.exists()


def test_hr_may_set_a_rule_for_a_sub_unit(cast, login):
    response = login(cast.hr).post(rules_url(cast.units["dept"]), {"online_required": "60"})
    assert response.status_code == 302
    assert UnitRule.objects.get(unit=cast.units["dept"]).online_required == 60 * H


def test_past_years_rules_are_the_academys(cast, login):
    """A past year is computed with its own rules; only the academy admin changes them (DOMAIN.md)."""
    response = login(cast.hr).post(rules_url(cast.units["unit"], 2024), {"training_required": "100"})
    assert response.status_code == 403
    assert not UnitRule.objects.exists()
    response = login(cast.academy).post(rules_url(cast.units["unit"], 2024), {"training_required": "100"})
    assert response.status_code == 302
    assert UnitRule.objects.get(year=2024).training_required == 100 * H


def test_delete_rule(cast, login):
    rule = UnitRule.objects.create(unit=cast.units["unit"], year=2025, training_required=100 * H)
    response = login(cast.hr).post(rules_url(cast.units["unit"]), {"action": "delete"})
    assert response.status_code == 302
    assert not UnitRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(action="unit_rule.delete").exists()


def test_employee_sees_the_rule_that_applies_and_where_it_comes_from(cast, login):
    UnitRule.objects.create(unit=cast.units["parent"], year=2025, training_required=100 * H)
    UnitRule.objects.create(unit=cast.units["unit"], year=2025, cap_self_study=5 * H)
    response = login(cast.employee).get(reverse("policy:my_rule"), {"year": 2025})
    assert response.context["training_required"] == 100 * H
    assert response.context["training_source"] == "北京分院补充规定"
    self_study = next(c for c in response.context["caps"] if c["label"] == "在职自学")
    assert self_study == {"label": "在职自学", "cap": 5 * H, "source": "物理研究所补充规定"}
    body = response.content.decode()
    assert "北京分院补充规定" in body and "院规定（" in body


def test_other_units_rules_do_not_apply_to_me(cast, login):
    UnitRule.objects.create(unit=cast.units["sibling"], year=2025, training_required=120 * H)
    response = login(cast.employee).get(reverse("policy:my_rule"))
    assert response.context["training_required"] == 90 * H


def test_year_policy_is_the_academys_alone(cast, login):
    client = login(cast.hr)
    assert client.get(reverse("policy:year_policy")).status_code == 403
    assert client.post(reverse("policy:year_policy"), {"training_required": "1"}).status_code == 403
    client = login(cast.academy)
    data = {
        "training_required": "96",
        "training_required_leader": "112",
        "online_required": "50",
        "cap_self_study": "8",
    }
    response = client.post(reverse("policy:year_policy") + "?year=2026", data)
    assert response.status_code == 302
    policy = YearPolicy.objects.get(year=2026)
    assert (policy.training_required, policy.cap_self_study, policy.cap_external_training) == (
        96 * H,
        8 * H,
        None,
    )
    assert AuditEntry.objects.filter(action="policy.save", object_id=str(policy.pk)).exists()


def test_year_policy_refuses_a_missing_requirement(cast, login):
    response = login(cast.academy).post(reverse("policy:year_policy"), {"training_required": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["training_required"]


def test_policy_pages_are_mounted_under_policy(client):
    """The policy app's URLs say policy (issue 9, deliverable 4); the old /rules/ prefix is gone."""
    assert reverse("policy:rules") == "/policy/"
    assert reverse("policy:my_rule") == "/policy/mine/"
    assert reverse("policy:year_policy") == "/policy/year/"
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/rules/")
