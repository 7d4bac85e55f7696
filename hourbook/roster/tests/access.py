"""Access matrix of the roster: HR admins of the person's unit tree and the academy admin get through; another
unit's HR gets 404 for a person of 物理研究所; employees and programme managers get 403 everywhere.

The add and edit pages are also forms: their POSTs are in the matrix too, each with the change it makes (the new
person exists, the changed phone is saved), asserted after every allowed POST and refused otherwise.
"""

from django.contrib.auth import get_user_model

from hourbook.common.dates import today
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee
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
NEW_ARP = "90000001"
NEW_PHONE = "010-82649000"


def _new_person(cast, objects):
    """A valid new person of 物理研究所, joining today."""
    return {
        "arp": NEW_ARP,
        "name": "吴新人",
        "unit": cast.units["unit"].pk,
        "joined_on": today().isoformat(),
        "is_registered": "on",
        "level": PositionLevel.ORDINARY,
    }


def _person_added(cast, objects) -> bool:
    return Employee.objects.filter(arp=NEW_ARP, name="吴新人", unit=cast.units["unit"]).exists()


def _changed_phone(cast, objects):
    """张三's record as the edit form shows it, with a new phone number."""
    employee = cast.employee.employee
    return {
        "arp": employee.arp,
        "name": employee.name,
        "phone": NEW_PHONE,
        "mobile": employee.mobile,
        "is_registered": "on" if employee.is_registered else "",
        "level": PositionLevel.ORDINARY,
    }


def _phone_saved(cast, objects) -> bool:
    return Employee.objects.filter(pk=cast.employee.employee_id, phone=NEW_PHONE).exists()


register(
    "roster:add",
    Access(
        ok=ADMINS,
        forbidden=NOT_HR,
        wrong_method="PUT",
        # The POST names 物理研究所, outside 化学研究所's HR's choices (a form error, not a refusal by status),
        # so sibling_hr is left out here; the unit field only offers the admin's units (roster/forms.py).
        post=Access(
            method="POST",
            ok=OWNERS,
            ok_status=(302,),
            forbidden=NOT_HR,
            data=_new_person,
            effect=_person_added,
        ),
    ),
)
register("roster:import", Access(ok=ADMINS, forbidden=NOT_HR, wrong_method="PUT"))
register("roster:import_template", Access(ok=ADMINS, forbidden=NOT_HR))
register("roster:detail", Access(ok=OWNERS, not_found=("sibling_hr",), forbidden=NOT_HR, kwargs=_employee))
register(
    "roster:edit",
    Access(
        ok=OWNERS,
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        kwargs=_employee,
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=OWNERS,
            ok_status=(302,),
            not_found=("sibling_hr",),
            forbidden=NOT_HR,
            kwargs=_employee,
            data=_changed_phone,
            effect=_phone_saved,
        ),
    ),
)
for name in ("roster:transfer", "roster:leave"):
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
