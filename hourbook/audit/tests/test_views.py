"""审计日志 (第四条: 检查监督): decisions are recorded with who and when; the academy admin reads them."""

import datetime as dt

import pytest
from django.urls import reverse

from hourbook.audit.models import AuditEntry
from hourbook.audit.services import audit_log
from hourbook.ledger.choices import Status
from hourbook.review.services import record_approve, record_reject
from hourbook.testing.factories import RecordFactory

pytestmark = pytest.mark.django_db


def entries(response) -> list[AuditEntry]:
    return list(response.context["page"])


def test_review_decisions_are_audited_and_readable(cast, login):
    record = RecordFactory(employee=cast.employee.employee, status=Status.PENDING)
    other = RecordFactory(employee=cast.outsider.employee, status=Status.PENDING)
    record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
    record_reject(actor=cast.sibling_hr, record_id=other.pk, version=other.version, reason="材料缺失")
    client = login(cast.academy)
    url = reverse("audit:list")
    html = client.get(url).content.decode()
    assert "审核通过" in html and "审核不通过" in html and "材料缺失" in html
    assert [e.object_id for e in entries(client.get(url, {"action": "record.approve"}))] == [str(record.pk)]
    assert len(entries(client.get(url, {"action": "record."}))) == 2
    assert [e.actor for e in entries(client.get(url, {"actor": "周化学"}))] == [cast.sibling_hr]
    assert [e.actor for e in entries(client.get(url, {"actor": "hr"}))] == [cast.hr]
    assert [e.object_id for e in entries(client.get(url, {"obj": f"ledger.record:{other.pk}"}))] == [
        str(other.pk)
    ]
    assert len(entries(client.get(url, {"obj": record.name}))) == 1


def test_date_filter_and_pagination(cast, login):
    for i in range(60):
        audit_log(actor=cast.academy, action="policy.save", object_type="policy.yearpolicy", object_id=i)
    old = audit_log(actor=cast.academy, action="unit_rule.save", object_type="policy.unitrule", object_id=1)
    AuditEntry.objects.filter(pk=old.pk).update(created_at=dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC))
    client = login(cast.academy)
    url = reverse("audit:list")
    first = client.get(url)
    assert len(entries(first)) == 50 and first.context["page"].paginator.count == 61
    assert [e.pk for e in entries(client.get(url, {"date_to": "2024-05-01"}))] == [old.pk]
    assert client.get(url, {"date_from": "2024-05-02"}).context["page"].paginator.count == 60
    fragment = client.get(url, {"page": 2}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and len(entries(fragment)) == 11


@pytest.mark.parametrize("persona", ["employee", "hr", "parent_hr", "manager"])
def test_only_the_academy_reads_the_audit_log(cast, login, persona):
    assert login(cast[persona]).get(reverse("audit:list")).status_code == 403


def test_menu_shows_audit_only_to_the_academy(cast, login):
    assert reverse("audit:list") in login(cast.academy).get(reverse("ledger:home")).content.decode()
    assert reverse("audit:list") not in login(cast.hr).get(reverse("ledger:home")).content.decode()
