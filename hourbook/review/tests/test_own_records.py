"""An HR admin's own records are not theirs to review, so they are not in their queue nor in its counts
(issue 8, item 8).

DOMAIN.md decision: nobody reviews their own records; an HR admin's own go to another HR admin of the unit,
an ancestor unit's HR or the academy admin. One definition (`review.selectors.reviewable_records`) serves
the queue, its count, the menu badge, the record page and the decisions; `services.check_decidable` is its
per-record twin, and a test below keeps the two equal.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hourbook.accounts.choices import Role
from hourbook.ledger.choices import Source, Status
from hourbook.ledger.models import Record
from hourbook.review.selectors import pending_count, reviewable_records
from hourbook.review.services import check_decidable
from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, RecordFactory, RoleFactory

pytestmark = pytest.mark.django_db


def queue(client, **query):
    response = client.get(reverse("review:queue"), query)
    assert response.status_code == 200
    return response


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["rows"]}


@pytest.fixture
def co_hr(cast):
    """A second HR admin of 物理研究所."""
    user = EmployeeUserFactory(
        username="co_hr", employee=EmployeeFactory(name="吴人事", unit=cast.units["unit"])
    )
    RoleFactory(user=user, role=Role.UNIT_HR, unit=cast.units["unit"])
    return user


def test_own_pending_record_is_not_in_the_queue_nor_its_count(cast, login, make_record):
    own = make_record(employee=cast.hr.employee)
    other = make_record()
    client = login(cast.hr)
    response = queue(client)
    assert listed(response) == {other.pk}
    assert response.context["page"].paginator.count == 1
    assert "本人记录" not in response.content.decode()
    everything = queue(client, status="all")
    assert own.pk not in listed(everything) and everything.context["page"].paginator.count == 1
    # The menu badge counts exactly what the queue lists.
    assert pending_count(cast.hr) == 1
    assert ">1<" in client.get(reverse("review:pending_count")).content.decode()


def test_own_decided_records_are_not_in_any_status_view(cast, login, make_record):
    approved = make_record(employee=cast.hr.employee, status=Status.APPROVED)
    rejected = make_record(employee=cast.hr.employee, status=Status.REJECTED, name="另一条")
    client = login(cast.hr)
    for status in (Status.APPROVED, Status.REJECTED, "all"):
        assert not {approved.pk, rejected.pk} & listed(queue(client, status=status)), status


def test_only_own_records_leave_an_empty_queue_and_no_badge(cast, login, make_record):
    make_record(employee=cast.hr.employee)
    client = login(cast.hr)
    assert listed(queue(client)) == set()
    assert client.get(reverse("review:pending_count")).content == b""


def test_another_hr_of_the_unit_an_ancestors_hr_and_the_academy_review_them(cast, login, co_hr, make_record):
    own = make_record(employee=cast.hr.employee)
    for reviewer in (co_hr, cast.parent_hr, cast.academy):
        assert own.pk in listed(queue(login(reviewer))), reviewer.username
        assert pending_count(reviewer) == 1, reviewer.username
    response = login(co_hr).post(reverse("review:approve", args=[own.pk]), {"version": own.version})
    assert response.status_code == 302
    assert Record.objects.get(pk=own.pk).status == Status.APPROVED


def test_academy_admin_with_an_employee_record_does_not_see_their_own(cast, login, make_record):
    admin = EmployeeUserFactory(
        username="admin2", employee=EmployeeFactory(name="周院人", unit=cast.units["root"])
    )
    RoleFactory(user=admin, role=Role.ACADEMY_ADMIN, unit=cast.units["root"])
    own = make_record(employee=admin.employee)
    other = make_record()
    response = queue(login(admin))
    assert listed(response) == {other.pk}
    assert pending_count(admin) == 1
    assert own.pk in listed(queue(login(cast.academy)))


def test_bulk_with_an_own_record_is_refused_whole(cast, login, make_record):
    own = make_record(employee=cast.hr.employee)
    other = make_record()
    response = login(cast.hr).post(
        reverse("review:bulk"),
        {"action": "approve", "ids": [f"{own.pk}:{own.version}", f"{other.pk}:{other.version}"]},
    )
    assert response.status_code == 403
    assert set(Record.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_queryset_and_per_record_check_agree(cast, co_hr, make_record):
    """`reviewable_records` and `check_decidable` are twins: the same records, for every persona."""
    records = [
        make_record(),
        make_record(employee=cast.colleague.employee),  # 人力资源处, below 物理研究所
        make_record(employee=cast.outsider.employee),  # 化学研究所
        make_record(employee=cast.hr.employee),
        make_record(employee=co_hr.employee, status=Status.APPROVED),
        make_record(employee=cast.parent_hr.employee, status=Status.REJECTED),
        make_record(source=Source.PROGRAMME, status=Status.APPROVED, source_key="programme:1:x"),
    ]
    gone = make_record(name="已删除")
    Record.objects.filter(pk=gone.pk).update(deleted_at=dt.datetime.now(dt.UTC))
    people = (cast.hr, co_hr, cast.parent_hr, cast.sibling_hr, cast.academy, cast.manager, cast.employee)
    for user in people:
        by_query = set(reviewable_records(user).values_list("pk", flat=True))
        by_check = set()
        for record in Record.objects.live().select_related("unit").filter(pk__in=[r.pk for r in records]):
            try:
                check_decidable(user, record)
            except PermissionDenied:
                continue
            by_check.add(record.pk)
        assert by_query == by_check, user.username


def _fill(cast, n: int, first: int = 0) -> None:
    year = dt.date.today().year
    for i in range(first, first + n):
        employee = EmployeeFactory(unit=cast.units["unit"] if i % 2 else cast.units["dept"])
        RecordFactory(employee=employee, status=Status.PENDING, start_date=dt.date(year, 1, 1 + i % 28))
        RecordFactory(
            employee=cast.hr.employee,
            status=Status.PENDING,
            name=f"本人{i}",
            start_date=dt.date(year, 1, 1 + i % 28),
        )


def test_queue_query_budget_stays_flat_with_own_records(cast, login):
    client = login(cast.hr)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("review:queue"), {"per_page": 100})
        return len(ctx.captured_queries), len(response.context["rows"])

    _fill(cast, 10)
    small, rows_small = count()
    _fill(cast, 90, first=10)
    large, rows_large = count()
    assert (rows_small, rows_large) == (10, 100)
    assert small == large
