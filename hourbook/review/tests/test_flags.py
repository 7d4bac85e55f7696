"""Pre-flight flags (DOMAIN.md Review and Hours; 第九条五, 第十条): each pending record arrives checked."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hourbook.ledger.choices import Category, Source, Status
from hourbook.policy.models import UnitRule
from hourbook.review.flags import (
    CAP_REACHED,
    CROSS_YEAR,
    DUPLICATE,
    HALF_DAYS,
    NO_EVIDENCE,
    OVERLAP,
    preflight_flags,
)
from hourbook.testing.factories import EmployeeFactory, RecordFactory

pytestmark = pytest.mark.django_db
H = 3600


def codes(record) -> set[str]:
    record = type(record).objects.select_related("unit").get(pk=record.pk)
    return {f.code for f in preflight_flags([record])[record.pk]}


def with_evidence(record):
    record.evidence.create(file="e.png", original_name="e.png", content_type="image/png", size=1)
    return record


def test_clean_record_has_no_flags(make_record, year):
    assert codes(with_evidence(make_record(start_date=dt.date(year, 5, 6)))) == set()


def test_duplicate_of_an_in_house_programme_record(make_record, year):
    """The same learning registered by a programme manager and by the employee is flagged (issue 3, item 1)."""
    day = dt.date(year, 4, 1)
    make_record(
        source=Source.PROGRAMME,
        source_key="programme:7:1",
        category=Category.IN_HOUSE,
        status=Status.APPROVED,
        name="科研诚信培训",
        start_date=day,
    )
    record = with_evidence(make_record(name="科研诚信培训", start_date=day))
    assert codes(record) == {DUPLICATE}


def test_overlap_with_another_record(make_record, year):
    make_record(
        start_date=dt.date(year, 6, 1), end_date=dt.date(year, 6, 3), seconds=24 * H, status=Status.APPROVED
    )
    record = with_evidence(make_record(start_date=dt.date(year, 6, 3)))
    assert codes(record) == {OVERLAP}


def test_rejected_records_are_not_counted_twice(make_record, year):
    """A rejected record counts nothing, so it raises neither duplicate nor overlap."""
    day = dt.date(year, 4, 1)
    make_record(name="报告会", start_date=day, status=Status.REJECTED, category=Category.SELF_STUDY)
    assert codes(with_evidence(make_record(name="报告会", start_date=day))) == set()


def test_other_people_do_not_overlap(cast, make_record, year):
    day = dt.date(year, 4, 1)
    make_record(employee=cast.colleague.employee, start_date=day)
    assert codes(with_evidence(make_record(start_date=day))) == set()


@pytest.mark.parametrize(
    ("category", "hours", "flagged"),
    [
        (Category.EXTERNAL_TRAINING, 6, True),
        (Category.EXTERNAL_TRAINING, 4, False),
        (Category.EXTERNAL_TRAINING, 12, False),
        (Category.STUDY_ABROAD, 2, True),
        (Category.EXTERNAL_ONLINE, 6, False),  # online hours are free
    ],
)
def test_training_hours_not_whole_half_days(make_record, year, category, hours, flagged):
    """第十条: training counts 8 学时 a day, 4 a half day; other figures are flagged, not refused."""
    record = with_evidence(
        make_record(
            category=category, start_date=dt.date(year, 3, 2), end_date=dt.date(year, 3, 3), seconds=hours * H
        )
    )
    assert (HALF_DAYS in codes(record)) is flagged


def test_start_in_previous_year(make_record, year):
    record = with_evidence(make_record(start_date=dt.date(year - 1, 12, 30), end_date=dt.date(year, 1, 2)))
    assert record.year == year
    assert codes(record) == {CROSS_YEAR}


def test_no_evidence(make_record, year):
    assert codes(make_record(start_date=dt.date(year, 7, 1))) == {NO_EVIDENCE}


def test_cap_reached_adds_no_effective_hours(make_record, year):
    """第九条五: 在职自学 counts at most 10 学时 a year; once filled, approving more adds nothing effective."""
    make_record(
        category=Category.SELF_STUDY, start_date=dt.date(year, 1, 5), seconds=8 * H, status=Status.APPROVED
    )
    pending = with_evidence(
        make_record(category=Category.SELF_STUDY, start_date=dt.date(year, 2, 5), seconds=4 * H)
    )
    assert CAP_REACHED not in codes(pending)  # 8 of 10 used: room left
    make_record(
        category=Category.SELF_STUDY, start_date=dt.date(year, 1, 8), seconds=4 * H, status=Status.APPROVED
    )
    assert CAP_REACHED in codes(pending)  # 12 approved ≥ 10


def test_cap_of_a_unit_rule_applies(cast, make_record, year):
    """第十六条: a unit's stricter cap (here: 线下培训 capped at 8 学时) is the one checked."""
    UnitRule.objects.create(unit=cast.units["parent"], year=year, cap_external_training=8 * H)
    make_record(start_date=dt.date(year, 1, 5), seconds=8 * H, status=Status.APPROVED)
    pending = with_evidence(make_record(start_date=dt.date(year, 2, 5)))
    assert CAP_REACHED in codes(pending)


def test_failed_assessment_does_not_fill_the_cap(make_record, year):
    make_record(
        category=Category.SELF_STUDY,
        start_date=dt.date(year, 1, 5),
        end_date=dt.date(year, 1, 6),
        seconds=16 * H,
        status=Status.APPROVED,
        assessment="failed",
    )
    pending = with_evidence(
        make_record(category=Category.SELF_STUDY, start_date=dt.date(year, 2, 5), seconds=4 * H)
    )
    assert CAP_REACHED not in codes(pending)


def test_only_pending_records_are_flagged(make_record, year):
    approved = make_record(status=Status.APPROVED, start_date=dt.date(year, 8, 1), seconds=3 * H)
    assert codes(approved) == set()


def _page(n: int, year: int) -> list:
    records = []
    for i in range(n):
        employee = EmployeeFactory()
        day = dt.date(year, 1, 1) + dt.timedelta(days=i % 300)
        RecordFactory(
            employee=employee,
            category=Category.SELF_STUDY,
            start_date=day,
            status=Status.APPROVED,
            seconds=8 * H,
        )
        records.append(
            RecordFactory(
                employee=employee,
                start_date=day,
                status=Status.PENDING,
                seconds=6 * H,
                category=Category.SELF_STUDY,
            )
        )
    return list(type(records[0]).objects.select_related("unit").filter(pk__in=[r.pk for r in records]))


def test_flags_run_a_fixed_number_of_queries(year):
    """No query per row: the same count for 5 and for 50 records."""
    counts = []
    for n in (5, 50):
        page = _page(n, year)
        with CaptureQueriesContext(connection) as ctx:
            flags = preflight_flags(page)
        assert all(flags[r.pk] for r in page)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
