"""The review screens: scope (404 outside, 403 for non-HR), filters, own records, htmx rows, query budget."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hourbook.ledger.choices import Category, Source, Status
from hourbook.ledger.models import Record, RecordTransition
from hourbook.notifications.models import Notification
from hourbook.review.services import MSG_CHANGED, MSG_OWN_RECORD
from hourbook.testing.factories import EmployeeFactory, RecordFactory

pytestmark = pytest.mark.django_db


def queue_pks(response) -> set[int]:
    return {row.record.pk for row in response.context["rows"]}


def test_employee_gets_403_on_every_review_page(cast, login, make_record):
    record = make_record()
    client = login(cast.employee)
    for url, method in (
        (reverse("review:queue"), "get"),
        (reverse("review:pending_count"), "get"),
        (reverse("review:record", args=[record.pk]), "get"),
        (reverse("review:approve", args=[record.pk]), "post"),
        (reverse("review:reject", args=[record.pk]), "post"),
        (reverse("review:revoke", args=[record.pk]), "post"),
        (reverse("review:bulk"), "post"),
    ):
        assert getattr(client, method)(url, {"version": 1, "reason": "x"}).status_code == 403, url
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


def test_hr_of_another_unit_sees_nothing_of_this_unit(cast, login, make_record):
    """An admin of unit A cannot list, open, decide or bulk-decide a record of unit B (issue 3, checks)."""
    record = make_record()  # 物理研究所
    own_unit = make_record(employee=cast.outsider.employee)  # 化学研究所
    client = login(cast.sibling_hr)
    listed = client.get(reverse("review:queue"), {"status": "all"})
    assert queue_pks(listed) == {own_unit.pk}
    assert client.get(reverse("review:record", args=[record.pk])).status_code == 404
    data = {"version": record.version, "reason": "越权"}
    for name in ("review:approve", "review:reject", "review:revoke"):
        assert client.post(reverse(name, args=[record.pk]), data).status_code == 404
    forged = client.post(
        reverse("review:bulk"),
        {"action": "approve", "ids": [f"{own_unit.pk}:{own_unit.version}", f"{record.pk}:{record.version}"]},
    )
    assert forged.status_code == 403
    assert set(Record.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not RecordTransition.objects.filter(action="approve").exists()


def test_parent_unit_hr_lists_and_decides_sub_unit_records(cast, login, make_record):
    in_unit = make_record()
    in_dept = make_record(employee=cast.colleague.employee)
    elsewhere = make_record(employee=cast.outsider.employee)
    client = login(cast.parent_hr)
    assert queue_pks(client.get(reverse("review:queue"))) == {in_unit.pk, in_dept.pk, elsewhere.pk}
    narrowed = client.get(reverse("review:queue"), {"unit": cast.units["unit"].pk})
    assert queue_pks(narrowed) == {in_unit.pk, in_dept.pk}
    response = client.post(reverse("review:approve", args=[in_dept.pk]), {"version": in_dept.version})
    assert response.status_code == 302
    assert Record.objects.get(pk=in_dept.pk).status == Status.APPROVED


def test_queue_shows_only_employee_records_pending_by_default(cast, login, make_record):
    pending = make_record()
    make_record(status=Status.APPROVED, start_date=dt.date(dt.date.today().year, 2, 1))
    make_record(source=Source.PROGRAMME, source_key="p:1", category=Category.IN_HOUSE, status=Status.APPROVED)
    response = login(cast.hr).get(reverse("review:queue"))
    assert queue_pks(response) == {pending.pk}
    assert response.context["form"]["status"].value() == "pending"


def test_queue_filters(cast, login, make_record):
    year = dt.date.today().year
    a = make_record(category=Category.SELF_STUDY, start_date=dt.date(year, 3, 1), seconds=4 * 3600)
    b = make_record(
        employee=cast.colleague.employee,
        start_date=dt.date(year, 3, 5),
        seconds=16 * 3600,
        end_date=dt.date(year, 3, 6),
    )
    c = make_record(status=Status.REJECTED, start_date=dt.date(year, 3, 9))
    Record.objects.filter(pk=a.pk).update(created_at=dt.datetime(year, 1, 2, 10, tzinfo=dt.UTC))
    client = login(cast.hr)
    url = reverse("review:queue")
    assert queue_pks(client.get(url, {"category": Category.SELF_STUDY})) == {a.pk}
    assert queue_pks(client.get(url, {"status": "rejected"})) == {c.pk}
    assert queue_pks(client.get(url, {"status": "all"})) == {a.pk, b.pk, c.pk}
    assert queue_pks(client.get(url, {"q": "李"})) == {b.pk}
    assert queue_pks(client.get(url, {"q": cast.employee.employee.arp.lower()})) == {a.pk}
    assert queue_pks(client.get(url, {"submitted_to": f"{year}-01-02"})) == {a.pk}
    assert queue_pks(client.get(url, {"submitted_from": f"{year}-01-03"})) == {b.pk}
    assert queue_pks(client.get(url, {"unit": cast.units["dept"].pk})) == {b.pk}
    # A unit outside the reviewer's trees is ignored, never widened.
    assert queue_pks(client.get(url, {"unit": cast.units["sibling"].pk})) == {a.pk, b.pk}
    ordered = [r.record.pk for r in client.get(url, {"sort": "-hours"}).context["rows"]]
    assert ordered == [b.pk, a.pk]
    ordered = [r.record.pk for r in client.get(url, {"sort": "submitted"}).context["rows"]]
    assert ordered == [a.pk, b.pk]


def test_htmx_gets_the_table_fragment(cast, login, make_record):
    make_record()
    response = login(cast.hr).get(reverse("review:queue"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="bulk-form"' in html and "data-review-row" in html
    assert response.templates[0].name == "review/_queue_table.html"


def test_own_records_are_not_in_the_reviewers_pages(cast, login, make_record):
    """DOMAIN.md decision: nobody reviews their own records; they are not in one's review pages at all
    (issue 8, item 8; the queues and counts are in test_own_records.py)."""
    own = make_record(employee=cast.hr.employee)
    client = login(cast.hr)
    html = client.get(reverse("review:queue"), {"status": "all"}).content.decode()
    assert own.name not in html
    assert client.get(reverse("review:record", args=[own.pk])).status_code == 404
    response = client.post(reverse("review:approve", args=[own.pk]), {"version": own.version})
    assert response.status_code == 404


def test_a_refused_decision_is_a_403_not_a_redirect(cast, login, make_record, monkeypatch):
    """A refusal is an error the caller sees (STYLE.md §7): a full page answers 403 with the reason, never the
    redirect of a success; the queue's htmx row shows the reason in place. (A record in scope when looked up
    but refused by the service: a transfer in between.)"""
    from django.core.exceptions import PermissionDenied

    from hourbook.review import services

    def refuse(**kwargs):
        raise PermissionDenied(MSG_OWN_RECORD)

    monkeypatch.setattr(services, "record_approve", refuse)
    record = make_record()
    client = login(cast.hr)
    response = client.post(reverse("review:approve", args=[record.pk]), {"version": record.version})
    assert response.status_code == 403
    assert str(MSG_OWN_RECORD) in response.content.decode()
    row = client.post(
        reverse("review:approve", args=[record.pk]),
        {"version": record.version},
        headers={"HX-Request": "true"},
    )
    assert str(MSG_OWN_RECORD) in row.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


@pytest.mark.parametrize("reason", ["", "    ", "\u3000"])
def test_reject_without_reason_is_refused(cast, login, make_record, reason):
    record = make_record()
    response = login(cast.hr).post(
        reverse("review:reject", args=[record.pk]), {"version": record.version, "reason": reason}, follow=True
    )
    assert "请填写理由" in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PENDING
    assert not Notification.objects.exists()


def test_stale_version_is_refused_with_a_clear_message(cast, login, make_record):
    record = make_record()
    response = login(cast.hr).post(
        reverse("review:approve", args=[record.pk]), {"version": record.version + 1}, follow=True
    )
    assert str(MSG_CHANGED) in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


def test_htmx_decision_returns_the_row(cast, login, make_record):
    record = make_record()
    client = login(cast.hr)
    response = client.post(
        reverse("review:reject", args=[record.pk]),
        {"version": record.version, "reason": "缺少证明"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{record.pk}"')
    assert 'data-decided="1"' in html and "未通过" in html
    again = client.post(
        reverse("review:approve", args=[record.pk]),
        {"version": record.version},
        headers={"HX-Request": "true"},
    )
    assert str(MSG_CHANGED) in again.content.decode()
    assert 'data-decided="1"' not in again.content.decode()


def test_bulk_approve_unflagged_through_the_view(cast, login, make_record):
    year = dt.date.today().year
    clean = make_record(start_date=dt.date(year, 5, 4))
    clean.evidence.create(file="e.png", original_name="e.png", content_type="image/png", size=1)
    flagged = make_record(start_date=dt.date(year, 5, 8))  # no evidence
    response = login(cast.hr).post(
        reverse("review:bulk"),
        {
            "action": "approve_unflagged",
            "ids": [f"{clean.pk}:{clean.version}", f"{flagged.pk}:{flagged.version}"],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已通过 1 条记录" in html and "1 条记录有预检标记" in html
    assert Record.objects.get(pk=clean.pk).status == Status.APPROVED
    assert Record.objects.get(pk=flagged.pk).status == Status.PENDING


def test_bulk_refuses_malformed_selection(cast, login, make_record):
    record = make_record()
    client = login(cast.hr)
    assert (
        client.post(reverse("review:bulk"), {"action": "approve", "ids": [str(record.pk)]}).status_code == 400
    )
    assert (
        client.post(reverse("review:bulk"), {"action": "burn", "ids": [f"{record.pk}:1"]}).status_code == 400
    )
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


def test_detail_shows_evidence_inline_flags_and_history(cast, login, make_record):
    record = make_record()
    image = record.evidence.create(file="a.png", original_name="证书.png", content_type="image/png", size=1)
    pdf = record.evidence.create(
        file="b.pdf", original_name="结业.pdf", content_type="application/pdf", size=1
    )
    html = login(cast.hr).get(reverse("review:record", args=[record.pk])).content.decode()
    assert f'<img src="{reverse("review:evidence", args=[image.pk])}"' in html
    # An <iframe>, not an <object>: the Content-Security-Policy has object-src 'none'.
    assert f'<iframe src="{reverse("review:evidence", args=[pdf.pk])}"' in html
    assert 'name="version" value="1"' in html


def test_evidence_is_served_inline_to_reviewers_only(cast, client, make_record):
    from django.core.files.base import ContentFile

    record = make_record()
    ev = record.evidence.create(
        file=ContentFile(b"%PDF-1.4 test", name="x.pdf"),
        original_name="x.pdf",
        content_type="application/pdf",
        size=13,
    )
    client.force_login(cast.hr)
    response = client.get(reverse("review:evidence", args=[ev.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.sibling_hr)
    assert client.get(reverse("review:evidence", args=[ev.pk])).status_code == 404


def test_html_evidence_is_never_rendered_inline(cast, client, make_record):
    from django.core.files.base import ContentFile

    record = make_record()
    ev = record.evidence.create(
        file=ContentFile(b"<script>alert(1)</script>", name="x.html"),
        original_name="x.html",
        content_type="text/html",
        size=25,
    )
    client.force_login(cast.hr)
    response = client.get(reverse("review:evidence", args=[ev.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_pending_count_badge(cast, login, make_record):
    make_record()
    make_record(start_date=dt.date(dt.date.today().year, 2, 3))
    make_record(employee=cast.hr.employee)  # own: not awaiting this reviewer
    assert ">2<" in login(cast.hr).get(reverse("review:pending_count")).content.decode()


def _fill_unit(cast, n: int) -> None:
    year = dt.date.today().year
    for i in range(n):
        employee = EmployeeFactory(unit=cast.units["unit"] if i % 2 else cast.units["dept"])
        RecordFactory(
            employee=employee, category=Category.SELF_STUDY, status=Status.APPROVED, seconds=8 * 3600
        )
        record = RecordFactory(
            employee=employee,
            status=Status.PENDING,
            start_date=dt.date(year, 1, 1) + dt.timedelta(days=i % 200),
            seconds=6 * 3600,
        )
        if i % 3:
            record.evidence.create(file="e.png", original_name="e.png", content_type="image/png", size=1)


def _queries_for_queue(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("review:queue"), {"per_page": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["rows"])


def test_queue_runs_the_same_queries_at_10_and_100_records(cast, login):
    """Query budget (STYLE.md §5): flags and rows are computed for the page at once, never per row."""
    client = login(cast.hr)
    _fill_unit(cast, 10)
    small, rows_small = _queries_for_queue(client)
    _fill_unit(cast, 90)
    large, rows_large = _queries_for_queue(client)
    assert (rows_small, rows_large) == (10, 100)
    assert small == large
    assert large <= 14
