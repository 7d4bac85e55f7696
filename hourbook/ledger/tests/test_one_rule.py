"""Each hours rule written once (issue 9, deliverable 2) and the missing hours rounded up (issue 8, item 16)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hourbook.common.hours import format_hours, format_missing_hours, missing_seconds_to_hours
from hourbook.ledger import engine, rules, summary
from hourbook.ledger.choices import Category, Status, ZeroReason
from hourbook.ledger.models import Record, credited_seconds_sum
from hourbook.testing.factories import RecordFactory

H = 3600
YEAR = dt.date.today().year
ONE_SECOND_SHORT = 90 * H - 1


def test_missing_hours_round_up_while_figures_truncate():
    assert format_hours(ONE_SECOND_SHORT) == "89.99"
    assert format_missing_hours(1) == "0.01"
    assert format_missing_hours(H) == "1"
    assert format_missing_hours(H + 1) == "1.01"
    assert format_missing_hours(0) == "0"
    assert str(missing_seconds_to_hours(1)) == "0.01"


def _one_second_short(employee):
    """Approved training hours one second short of 90 (12 days allow 96 学时)."""
    record = RecordFactory(
        employee=employee,
        category=Category.EXTERNAL_TRAINING,
        start_date=dt.date(YEAR, 1, 1),
        end_date=dt.date(YEAR, 1, 12),
        seconds=ONE_SECOND_SHORT,
        status=Status.APPROVED,
    )
    summary.refresh_records([record])
    return record


@pytest.mark.django_db
def test_one_second_short_reads_as_one_hundredth_everywhere(cast, login):
    employee = cast.employee.employee
    _one_second_short(employee)
    ey = engine.employee_year(employee, YEAR)
    assert ey.result.buckets[rules.TRAINING].met is False
    training = next(b for b in engine.explain(ey)["buckets"] if b["bucket"] == rules.TRAINING)
    assert "还差 0.01 学时" in training["text"]
    assert engine.employee_year_json(ey)["training"]["missing_hours"] == 0.01

    client = login(cast.employee)
    for url in (reverse("ledger:home"), reverse("ledger:explain")):
        html = client.get(url, {"year": YEAR}).content.decode()
        assert "还差 0.01 学时" in html and "还差 0 学时" not in html, url

    hr = login(cast.hr)
    query = {"unit": cast.units["unit"].pk, "year": YEAR}
    html = hr.get(reverse("reports:unit"), query).content.decode()
    assert "还差 0.01" in html
    data = b"".join(hr.get(reverse("reports:unit_export"), query).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == employee.arp)
    assert row[header.index("培训学时还差")] == pytest.approx(0.01)
    assert row[header.index("网络学时还差")] == pytest.approx(50)


@pytest.mark.django_db
def test_credited_seconds_in_sql_equal_the_rule(cast):
    """`credited_seconds_sum` (summary, archive) is `rules.credited_seconds` over approved records."""
    employee = cast.employee.employee
    cases = [
        (Status.APPROVED, ZeroReason.NONE, 8 * H),
        (Status.APPROVED, ZeroReason.ABSENCE, 4 * H),
        (Status.PENDING, ZeroReason.NONE, 2 * H),
        (Status.REJECTED, ZeroReason.NONE, 1 * H),
    ]
    for i, (status, zero, seconds) in enumerate(cases):
        RecordFactory(
            employee=employee,
            status=status,
            zero_reason=zero,
            seconds=seconds,
            start_date=dt.date(YEAR, 1, i + 1),
        )
    records = list(Record.objects.filter(employee=employee))
    python = sum(
        rules.credited_seconds(r.seconds, r.zero_reason) for r in records if r.status == Status.APPROVED
    )
    assert python == 8 * H
    assert all(r.credited_seconds == rules.credited_seconds(r.seconds, r.zero_reason) for r in records)
    assert Record.objects.filter(employee=employee).aggregate(s=credited_seconds_sum())["s"] == python
    assert engine.archive_summary(employee, YEAR)["total_s"] == python
    summary.refresh_records(records)
    rows = summary.aggregate(employee_ids=[employee.pk], year=YEAR)
    assert sum(v[1] for v in rows.values()) == python


def test_cap_reached_is_one_rule():
    assert rules.cap_reached(10 * H, 10 * H)
    assert not rules.cap_reached(10 * H - 1, 10 * H)
    assert not rules.cap_reached(10**9, None)
    category = rules.CategoryResult(
        category=rules.SELF_STUDY, bucket=rules.TRAINING, cap=10 * H, effective=10 * H
    )
    assert category.cap_reached and category.room == 0
