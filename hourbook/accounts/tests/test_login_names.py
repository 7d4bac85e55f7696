"""A login name means one account (issue 8, item 3): ARP numbers are digits, usernames never start with one.

An HR admin once set an employee's ARP number to `HR_BJ`; the account `hr_bj` could no longer log in, and
`hr_bj` with the employee's password logged in as the employee.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from hourbook.accounts.models import User
from hourbook.accounts.selectors import account_for_login
from hourbook.org.models import Employee
from hourbook.roster.services import account_create
from hourbook.testing.factories import PASSWORD, EmployeeFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("arp", ["HR_BJ", "hr_bj", "ARP100001", "12-34", " 123", "１２３", "1" * 33, ""])
def test_arp_numbers_are_digits_only(arp, cast):
    employee = Employee(arp=arp, name="甲", unit=cast.units["unit"])
    with pytest.raises(ValidationError) as error:
        employee.full_clean()
    assert "arp" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("arp", ["HR_BJ", "ARP100001"])
def test_the_database_refuses_an_arp_that_is_not_digits(arp, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.create(arp=arp, name="甲", unit=cast.units["unit"])


@pytest.mark.django_db
def test_the_database_refuses_usernames_that_could_be_arp_numbers_or_differ_only_in_case(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="200300001")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Employee")
    with pytest.raises(ValidationError) as error:
        User(username="9lives", password="x").full_clean()
    assert "用户名不能以数字开头" in str(error.value)


@pytest.mark.django_db
def test_hr_cannot_give_an_employee_an_arp_that_is_a_username(client, cast):
    """The roster form, the roster import and the admin all use the model field's validator."""
    client.force_login(cast.hr)
    employee = cast.employee.employee
    data = {"arp": "HR", "name": employee.name, "level": "ordinary", "is_registered": "on"}
    response = client.post(reverse("roster:edit", args=[employee.pk]), data)
    assert response.status_code == 200
    assert "员工ARP编号只能由数字组成" in response.content.decode()
    employee.refresh_from_db()
    assert employee.arp != "HR"
    assert client.login(username="hr", password=PASSWORD)


@pytest.mark.django_db
def test_the_admin_refuses_an_arp_that_is_not_digits(cast):
    employee = cast.employee.employee
    request = RequestFactory().post("/admin/org/employee/")
    request.user = cast.academy
    form_class = admin.site._registry[Employee].get_form(request, employee)
    form = form_class(
        data={"arp": "HR_BJ", "name": employee.name, "unit": employee.unit_id, "is_registered": "on"},
        instance=employee,
    )
    assert not form.is_valid()
    assert "员工ARP编号只能由数字组成" in str(form.errors["arp"])


@pytest.mark.django_db
def test_login_names_resolve_to_one_account(cast):
    hr_bj = UserFactory(username="hr_bj")
    person = EmployeeFactory(unit=cast.units["unit"])
    account, _ = account_create(actor=cast.hr, employee=person)
    assert account.username == f"arp{person.arp}"
    assert account_for_login("HR_BJ") == hr_bj
    assert account_for_login(person.arp) == account
    assert account_for_login(f" {person.arp} ") == account
    assert account_for_login(account.username.upper()) == account
    assert account_for_login("arp") is None and account_for_login("") is None
    assert authenticate(None, username="hr_bj", password=PASSWORD) == hr_bj
