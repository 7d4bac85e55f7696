"""factory_boy factories whose SubFactory and LazyAttribute keep a record's employee, unit and year consistent."""

import datetime as dt
import itertools

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from hourbook.accounts.choices import Role
from hourbook.accounts.models import RoleAssignment, User
from hourbook.ledger import summary
from hourbook.ledger.choices import DEFAULT_FORM, Category, Source, Status
from hourbook.ledger.models import Record
from hourbook.org.choices import PositionLevel, UnitKind
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership

_arp = itertools.count(100001)
PASSWORD = "Hourbook-test-2026"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.INSTITUTE
    parent = None


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    arp = factory.LazyFunction(lambda: str(next(_arp)))
    name = factory.Sequence(lambda n: f"职工{n}")
    unit = factory.SubFactory(UnitFactory)
    is_registered = True

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        """A first membership and level, as `org.services.employee_create` makes."""
        if not create:
            return
        level = kwargs.get("level", PositionLevel.ORDINARY)
        since = kwargs.get("since", dt.date(2000, 1, 1))
        UnitMembership.objects.create(employee=obj, unit=obj.unit, start=since)
        PositionHistory.objects.create(employee=obj, level=level, since=since)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    employee = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EmployeeUserFactory(UserFactory):
    employee = factory.SubFactory(EmployeeFactory)
    username = factory.LazyAttribute(lambda o: f"arp{o.employee.arp}")


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.UNIT_HR
    unit = factory.SubFactory(UnitFactory)


class RecordFactory(DjangoModelFactory):
    """An employee record; `unit` and `year` follow the employee and the end date, as the services set them.

    Saved as the ledger's services save: in one transaction with the refresh of the person's yearly summary
    (`ledger.summary`), so the SQL twin sees the record without a rebuild by hand."""

    class Meta:
        model = Record

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with transaction.atomic():
            record = super()._create(model_class, *args, **kwargs)
            summary.refresh_records([record])
        return record

    employee = factory.SubFactory(EmployeeFactory)
    category = Category.EXTERNAL_TRAINING
    form = factory.LazyAttribute(lambda o: DEFAULT_FORM[o.category])
    source = Source.EMPLOYEE
    name = factory.Sequence(lambda n: f"学术报告会{n}")
    start_date = factory.LazyFunction(lambda: dt.date(dt.date.today().year, 1, 10))
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    seconds = 8 * 3600
    status = Status.APPROVED
    year = factory.LazyAttribute(lambda o: o.end_date.year)
    unit = factory.LazyAttribute(lambda o: o.employee.unit_for_year(o.end_date.year))
