"""Access matrix of the roster: HR admins of the person's unit tree and the academy admin get through; another
unit's HR gets 404 for a person of 物理研究所; employees and programme managers get 403 everywhere."""

from django.contrib.auth import get_user_model

from hourbook.testing.access import Access, register
from hourbook.testing.factories import EmployeeFactory

User = get_user_model()
ADMINS = ("hr", "parent_hr", "sibling_hr", "academy")
OWNERS = ("hr", "parent_hr", "academy")
NOT_HR = ("employee", "colleague", "outsider", "manager")


def _employee(cast, objects):
    return {"pk": cast.employee.employee_id}


def _without_account(cast):
    return EmployeeFactory(unit=cast.units["unit"])


register("roster:list", Access(ok=ADMINS, forbidden=NOT_HR))
register("roster:add", Access(ok=ADMINS, forbidden=NOT_HR, wrong_method="PUT"))
register("roster:import", Access(ok=ADMINS, forbidden=NOT_HR, wrong_method="PUT"))
register("roster:import_template", Access(ok=ADMINS, forbidden=NOT_HR))
register("roster:detail", Access(ok=OWNERS, not_found=("sibling_hr",), forbidden=NOT_HR, kwargs=_employee))
for name in ("roster:edit", "roster:transfer", "roster:leave"):
    register(
        name,
        Access(ok=OWNERS, not_found=("sibling_hr",), forbidden=NOT_HR, kwargs=_employee, wrong_method="PUT"),
    )
register(
    "roster:account_create",
    Access(
        method="POST",
        ok=OWNERS,
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        setup=_without_account,
        kwargs=lambda cast, employee: {"pk": employee.pk},
        effect=lambda cast, employee: User.objects.filter(employee=employee).exists(),
    ),
)
register(
    "roster:account_reset",
    Access(
        method="POST",
        ok=OWNERS,
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        kwargs=_employee,
        # The employee's password hash changed (cast.employee still holds the old one).
        effect=lambda cast, objects: User.objects.get(pk=cast.employee.pk).password != cast.employee.password,
    ),
)
