"""Access matrix of the policy screens: unit rules for HR admins (another tree's unit is a 404), the applicable
rule for anyone with an employee record, the year policy for the academy admin alone."""

from hourbook.testing.access import Access, register

NOT_HR = ("employee", "colleague", "outsider", "manager")
WITH_EMPLOYEE = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")

register(
    "policy:rules",
    Access(
        ok=("hr", "parent_hr", "academy"),
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        data=lambda cast, objects: {"unit": cast.units["unit"].pk},
        wrong_method="PUT",
    ),
)
register("policy:my_rule", Access(ok=WITH_EMPLOYEE, not_found=("academy",)))
register(
    "policy:year_policy",
    Access(ok=("academy",), forbidden=(*NOT_HR, "hr", "parent_hr", "sibling_hr"), wrong_method="PUT"),
)
