"""A record's detail page: its fields, its effective part, its status history and its evidence files."""

import datetime as dt

from django.urls import reverse

from hourbook.ledger.choices import Category, Status
from hourbook.ledger.models import RecordTransition
from hourbook.testing.factories import RecordFactory


def detail(record):
    return reverse("ledger:record_detail", args=[record.pk])


def test_detail_shows_every_field_and_the_history(cast, login):
    """DOMAIN.md Review: every transition is kept: who, when, from, to, why."""
    record = RecordFactory(
        employee=cast.employee.employee,
        name="同步辐射光源培训",
        content="束线操作",
        place="上海",
        organiser="上海光源",
        start_date=dt.date(2024, 5, 6),
        end_date=dt.date(2024, 5, 7),
        seconds=10 * 3600,
        off_job=True,
        status=Status.REJECTED,
    )
    RecordTransition.objects.create(
        record=record, from_status="", to_status="pending", action="submit", actor=cast.employee
    )
    RecordTransition.objects.create(
        record=record,
        from_status="pending",
        to_status="rejected",
        action="reject",
        actor=cast.hr,
        reason="请补充证书",
    )

    response = login(cast.employee).get(detail(record))

    body = response.content.decode()
    for text in (
        "同步辐射光源培训",
        "束线操作",
        "上海光源",
        "2024-05-06",
        "2024-05-07",
        "10",
        "是",
        "物理研究所",
    ):
        assert text in body
    assert "未通过原因" in body and "请补充证书" in body
    assert "赵人事" in body and "张三" in body  # who
    assert "待审核 → 未通过" in body  # from → to
    # 10 学时 over 2 days is not a whole number of half days: flagged for the reviewer (第十条).
    assert "审核人会看到" in body
    assert reverse("ledger:record_edit", args=[record.pk]) in body


def test_detail_shows_the_effective_part_under_a_cap(cast, login):
    """第九条五: 在职自学 counts at most 10 effective hours a year; allocation in order of end date."""
    first = RecordFactory(
        employee=cast.employee.employee,
        category=Category.SELF_STUDY,
        start_date=dt.date(2024, 3, 1),
        seconds=8 * 3600,
    )
    second = RecordFactory(
        employee=cast.employee.employee,
        category=Category.SELF_STUDY,
        start_date=dt.date(2024, 4, 1),
        seconds=8 * 3600,
    )
    client = login(cast.employee)
    assert client.get(detail(first)).context["effective"] == 8 * 3600
    response = client.get(detail(second))
    assert response.context["effective"] == 2 * 3600
    assert "只计入总学时" in response.content.decode()
    # An approved record is locked: no edit link for its owner.
    assert reverse("ledger:record_edit", args=[second.pk]) not in response.content.decode()


def test_who_sees_a_record(cast, login):
    """The owner, the unit's HR and the ancestors' HR, the academy admin; nobody else (404)."""
    record = RecordFactory(employee=cast.employee.employee, status=Status.PENDING)
    for persona in ("employee", "hr", "parent_hr", "academy"):
        assert login(cast[persona]).get(detail(record)).status_code == 200, persona
    for persona in ("colleague", "outsider", "sibling_hr", "manager"):
        assert login(cast[persona]).get(detail(record)).status_code == 404, persona


def test_hr_sees_the_record_read_only(cast, login):
    record = RecordFactory(employee=cast.employee.employee, status=Status.PENDING)
    body = login(cast.hr).get(detail(record)).content.decode()
    assert reverse("ledger:record_edit", args=[record.pk]) not in body
    assert reverse("ledger:evidence_upload", args=[record.pk]) not in body
