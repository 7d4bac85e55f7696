"""Access matrix of the policy screens: unit rules for HR admins (another tree's unit is a 404), the applicable
rule for anyone with an employee record, the year policy for the academy admin alone.

The rules page and the year policy page are also forms: their POSTs are in the matrix too, each with the
change it makes (a saved rule, a changed policy), asserted after every allowed POST and refused otherwise.
"""

from hourbook.common.dates import today
from hourbook.policy.models import UnitRule, YearPolicy
from hourbook.testing.access import Access, register

H = 3600
NOT_HR = ("employee", "colleague", "outsider", "manager")
WITH_EMPLOYEE = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")


def _rule_query(cast, objects):
    return {"unit": cast.units["unit"].pk, "year": today().year}


def _rule_saved(cast, objects) -> bool:
    return UnitRule.objects.filter(
        unit=cast.units["unit"], year=today().year, training_required=100 * H
    ).exists()


def _policy_query(cast, objects):
    return {"year": today().year}


def _policy_changed(cast, objects) -> bool:
    return YearPolicy.objects.filter(year=today().year, online_required=60 * H).exists()


register(
    "policy:rules",
    Access(
        ok=("hr", "parent_hr", "academy"),
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        data=lambda cast, objects: {"unit": cast.units["unit"].pk},
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=("hr", "parent_hr", "academy"),
            ok_status=(302,),
            not_found=("sibling_hr",),
            forbidden=NOT_HR,
            query=_rule_query,
            data=lambda cast, objects: {"training_required": "100", "training_required_leader": "110"},
            effect=_rule_saved,
        ),
    ),
)
register("policy:my_rule", Access(ok=WITH_EMPLOYEE, not_found=("academy",)))
register(
    "policy:year_policy",
    Access(
        ok=("academy",),
        forbidden=(*NOT_HR, "hr", "parent_hr", "sibling_hr"),
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=("academy",),
            ok_status=(302,),
            forbidden=(*NOT_HR, "hr", "parent_hr", "sibling_hr"),
            query=_policy_query,
            data=lambda cast, objects: {
                "training_required": "90",
                "training_required_leader": "110",
                "online_required": "60",
                "cap_self_study": "10",
            },
            effect=_policy_changed,
        ),
    ),
)
