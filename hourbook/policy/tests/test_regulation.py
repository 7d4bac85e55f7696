"""The regulation's figures and the 第十六条 strictness, each written once (`policy.regulation`), and the rule
that the leaders' training requirement is never below the ordinary one (DOMAIN.md; issue 8, item 18)."""

import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hourbook.common import hours
from hourbook.common.dates import today
from hourbook.ledger import rules
from hourbook.policy import regulation
from hourbook.policy.choices import CATEGORY_BUCKET, Category
from hourbook.policy.models import UnitRule, YearPolicy
from hourbook.policy.selectors import policy_for_unit
from hourbook.policy.services import unit_rule_save, year_policy_save
from hourbook.training.choices import SESSION_SECONDS, SessionLength

H = 3600
YEAR = today().year  # HR admins change only the current year's rules


def test_stricter_requirement_is_the_higher_and_unset_inherits():
    assert regulation.stricter_requirement(100 * H, 90 * H) == 100 * H
    assert regulation.stricter_requirement(80 * H, 90 * H) == 90 * H
    assert regulation.stricter_requirement(None, 90 * H) == 90 * H
    assert regulation.is_looser_requirement(89 * H, 90 * H)
    assert not regulation.is_looser_requirement(90 * H, 90 * H)


def test_stricter_cap_is_the_lower_and_no_cap_is_loosest():
    assert regulation.stricter_cap(8 * H, 10 * H) == 8 * H
    assert regulation.stricter_cap(12 * H, 10 * H) == 10 * H
    assert regulation.stricter_cap(200 * H, None) == 200 * H  # capping an uncapped category is stricter
    assert regulation.stricter_cap(None, 10 * H) == 10 * H  # a blank field inherits
    assert regulation.is_looser_cap(11 * H, 10 * H)
    assert not regulation.is_looser_cap(None, 10 * H)
    assert not regulation.is_looser_cap(5 * H, None)


def test_every_copy_reads_the_one_definition():
    """90/110/50/10, each category's bucket and 8 学时 a day come from one place (STYLE.md §7)."""
    defaults = rules.Policy()
    model = YearPolicy(year=YEAR)
    for figures in (
        (defaults.training_required, defaults.training_required_leader, defaults.online_required),
        (model.training_required, model.training_required_leader, model.online_required),
    ):
        assert figures == (90 * H, 110 * H, 50 * H)
    assert defaults.caps == regulation.DEFAULT_CAPS
    assert model.cap_self_study == regulation.DEFAULT_SELF_STUDY_CAP == 10 * H
    assert dict(CATEGORY_BUCKET) == rules.CATEGORY_BUCKET == regulation.CATEGORY_BUCKET
    assert set(Category.values) == set(regulation.CATEGORIES)
    assert rules.SECONDS_PER_DAY is hours.SECONDS_PER_DAY == 8 * H
    assert SESSION_SECONDS[SessionLength.DAY] == hours.SECONDS_PER_DAY
    assert SESSION_SECONDS[SessionLength.HALF] == hours.SECONDS_PER_HALF_DAY == 4 * H


def test_the_rules_import_nothing_of_django():
    code = (
        "import sys, hourbook.ledger.rules; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the leaders' requirement never below the ordinary one (issue 8, item 18) ---


@pytest.mark.django_db
def test_unit_rule_raising_the_ordinary_above_the_leaders_is_refused_at_the_leaders_field(cast):
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(
            actor=cast.hr, rule=UnitRule(unit=cast.units["unit"], year=YEAR, training_required=120 * H)
        )
    errors = exc.value.message_dict
    assert list(errors) == ["training_required_leader"]
    assert (
        "处级及以上培训学时要求（110 学时）不能低于培训学时要求（120 学时）"
        in errors["training_required_leader"][0]
    )
    assert not UnitRule.objects.exists()
    # Setting both keeps leaders at least as high: saved.
    rule = unit_rule_save(
        actor=cast.hr,
        rule=UnitRule(
            unit=cast.units["unit"], year=YEAR, training_required=120 * H, training_required_leader=120 * H
        ),
    )
    resolved = policy_for_unit(year=YEAR, unit=cast.units["dept"])
    assert rule.pk and (resolved.training_required, resolved.training_required_leader) == (120 * H, 120 * H)


@pytest.mark.django_db
def test_unit_rule_below_an_ancestors_ordinary_requirement_for_leaders_is_refused(cast):
    unit_rule_save(
        actor=cast.parent_hr,
        rule=UnitRule(
            unit=cast.units["parent"], year=YEAR, training_required=115 * H, training_required_leader=115 * H
        ),
    )
    # 112 is above the academy's 110 but below the parent's 115 for leaders: looser than inherited.
    with pytest.raises(ValidationError) as exc:
        unit_rule_save(
            actor=cast.hr,
            rule=UnitRule(unit=cast.units["unit"], year=YEAR, training_required_leader=112 * H),
        )
    assert "training_required_leader" in exc.value.message_dict


@pytest.mark.django_db
def test_combined_rules_of_several_units_resolve_leaders_to_at_least_the_ordinary(cast):
    """A child raises the ordinary requirement to 130 relying on its parent's 140 for leaders; the parent
    then lowers its leaders' figure to 120 (valid for the parent). The child's leaders need 130, not 120."""
    parent = unit_rule_save(
        actor=cast.parent_hr,
        rule=UnitRule(unit=cast.units["parent"], year=YEAR, training_required_leader=140 * H),
    )
    unit_rule_save(
        actor=cast.hr, rule=UnitRule(unit=cast.units["unit"], year=YEAR, training_required=130 * H)
    )
    parent.training_required_leader = 120 * H
    unit_rule_save(actor=cast.parent_hr, rule=parent)
    resolved = policy_for_unit(year=YEAR, unit=cast.units["unit"])
    assert resolved.training_required == 130 * H
    assert resolved.training_required_leader == 130 * H
    assert resolved.sources["training_required_leader"] == resolved.sources["training_required"]
    engine_policy = rules.Policy(
        training_required=resolved.training_required,
        training_required_leader=resolved.training_required_leader,
    )
    assert engine_policy.required(rules.TRAINING, leader=True) >= engine_policy.required(
        rules.TRAINING, leader=False
    )


@pytest.mark.django_db
def test_year_policy_with_leaders_below_ordinary_is_refused(cast):
    policy = YearPolicy.objects.get(year=2025)
    policy.training_required = 120 * H
    with pytest.raises(ValidationError) as exc:
        year_policy_save(actor=cast.academy, policy=policy)
    assert list(exc.value.message_dict) == ["training_required_leader"]
    assert YearPolicy.objects.get(year=2025).training_required == 90 * H


@pytest.mark.django_db
def test_rule_form_shows_the_leaders_message_at_the_field(cast, login):
    url = reverse("policy:rules") + f"?year={YEAR}&unit={cast.units['unit'].pk}"
    response = login(cast.hr).post(url, {"training_required": "120"})
    assert response.status_code == 422
    form = response.context["form"]
    assert "不能低于培训学时要求" in form.errors["training_required_leader"][0]
    assert not UnitRule.objects.exists()


@pytest.mark.django_db
def test_year_policy_form_shows_the_leaders_message_at_the_field(cast, login):
    data = {"training_required": "120", "training_required_leader": "110", "online_required": "50"}
    response = login(cast.academy).post(reverse("policy:year_policy") + "?year=2025", data)
    assert response.status_code == 422
    assert "不能低于培训学时要求" in response.context["form"].errors["training_required_leader"][0]
