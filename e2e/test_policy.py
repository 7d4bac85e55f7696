"""A unit's HR opens 单位补充规定 (mounted at /policy/) from the menu and sets a stricter rule (第十六条). A rule
that would leave the leaders' training requirement below the ordinary one is refused at the leaders' field
(DOMAIN.md; issue 8, item 18); setting both saves it."""

from e2e.conftest import log_in, shot
from hourbook.policy.models import UnitRule
from hourbook.testing.factories import PASSWORD

H = 3600


def test_hr_sets_a_rule_and_leaders_never_need_less(page, cast):
    log_in(page, "hr", PASSWORD)
    page.get_by_role("button", name="单位管理").click()
    page.get_by_role("link", name="单位补充规定").click()
    page.wait_for_load_state()
    assert "/policy/" in page.url

    page.get_by_label("培训学时要求", exact=True).fill("120")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    leaders = page.get_by_role("row", name="处级及以上培训学时要求")
    assert "不能低于培训学时要求" in leaders.inner_text()
    assert not UnitRule.objects.exists()
    shot(page, "policy-leaders-refused")

    page.get_by_label("处级及以上培训学时要求").fill("120")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    assert "已保存补充规定" in page.content()
    rule = UnitRule.objects.get(unit=cast.units["unit"])
    assert (rule.training_required, rule.training_required_leader) == (120 * H, 120 * H)
