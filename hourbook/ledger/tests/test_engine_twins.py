"""The Python rules and their SQL twin agree (STYLE.md §2): a hypothesis property over several employees with
every category and status, caps exceeded, records across New Year, promotions and transfers in the middle of
the year, people not 在册 (第二条), and unit rules (第十六条). A deliberately broken cap in SQL makes it fail."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hourbook.ledger import rules, selectors, summary
from hourbook.ledger.choices import DEFAULT_FORM, Source
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record
from hourbook.org import years
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
from hourbook.policy.models import UnitRule

H = 3600
YEAR = 2025

record_st = st.fixed_dictionaries(
    {
        "category": st.sampled_from(rules.CATEGORIES),
        "status": st.sampled_from(["approved", "approved", "pending", "rejected"]),
        "hours_tenths": st.integers(1, 80),  # 0.1 .. 8 hours a day
        "days": st.integers(1, 10),
        # Ends around the year: some in the previous year, some across New Year, some in the next.
        "end": st.dates(dt.date(YEAR - 1, 12, 20), dt.date(YEAR + 1, 1, 10)),
        "zero": st.sampled_from(["", "", "", "failed_assessment", "absence"]),
        "deleted": st.sampled_from([False, False, False, False, True]),
    }
)
employee_st = st.fixed_dictionaries(
    {
        "registered": st.sampled_from([True, True, False]),
        "unit": st.integers(0, 2),
        "moved_to": st.one_of(st.none(), st.integers(0, 2)),
        "moved_on": st.dates(dt.date(YEAR, 1, 2), dt.date(YEAR + 1, 3, 1)),
        "promoted_on": st.one_of(st.none(), st.dates(dt.date(YEAR - 1, 1, 1), dt.date(YEAR + 1, 6, 1))),
        "left_on": st.one_of(st.none(), st.none(), st.dates(dt.date(YEAR, 3, 1), dt.date(YEAR + 1, 1, 5))),
        "records": st.lists(record_st, max_size=12),
    }
)
rule_st = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "training_required": st.sampled_from([None, 100 * H]),
            "online_required": st.sampled_from([None, 60 * H]),
            "cap_self_study": st.sampled_from([None, 5 * H]),
            "cap_external_online": st.sampled_from([None, 20 * H, 0]),
        }
    ),
)


def _build(units, employees, unit_rules):
    for unit, rule in zip(units, unit_rules, strict=True):
        if rule:
            UnitRule.objects.create(unit=unit, year=YEAR, **rule)
    created = []
    for n, spec in enumerate(employees):
        employee = Employee.objects.create(
            arp=f"7{n:05d}",
            name=f"E{n}",
            unit=units[spec["unit"]],
            is_registered=spec["registered"],
            is_active=spec["left_on"] is None,
            left_on=spec["left_on"],
        )
        UnitMembership.objects.create(employee=employee, unit=units[spec["unit"]], start=dt.date(2000, 1, 1))
        if spec["moved_to"] is not None:
            UnitMembership.objects.create(
                employee=employee, unit=units[spec["moved_to"]], start=spec["moved_on"]
            )
        PositionHistory.objects.create(
            employee=employee, level=PositionLevel.ORDINARY, since=dt.date(2000, 1, 1)
        )
        if spec["promoted_on"]:
            PositionHistory.objects.create(
                employee=employee, level=PositionLevel.SECTION_AND_ABOVE, since=spec["promoted_on"]
            )
        years.refresh([employee.pk])
        rows = []
        for i, r in enumerate(spec["records"]):
            start = r["end"] - dt.timedelta(days=r["days"] - 1)
            seconds = r["hours_tenths"] * 360 * r["days"]
            rows.append(
                Record(
                    employee=employee,
                    unit=employee.unit_for_year(r["end"].year),
                    year=r["end"].year,
                    category=r["category"],
                    form=DEFAULT_FORM[r["category"]],
                    source=Source.EMPLOYEE,
                    name=f"R{n}-{i}",
                    start_date=start,
                    end_date=r["end"],
                    seconds=seconds,
                    status=r["status"],
                    zero_reason=r["zero"],
                    deleted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if r["deleted"] else None,
                )
            )
        Record.objects.bulk_create(rows)
        # Loaded past the services, as generate_academy does: bring the summary up to date the same way.
        summary.refresh((employee.pk, y) for y in (YEAR - 1, YEAR, YEAR + 1))
        created.append(employee)
    return created


def assert_twins_agree(units, employees, unit_rules):
    with transaction.atomic():
        people = _build(units, employees, unit_rules)
        sql = selectors.year_summaries(YEAR, Employee.objects.filter(pk__in=[p.pk for p in people]))
        for employee in people:
            employee.refresh_from_db()
            py = employee_year(employee, YEAR).result
            if employee.left_on and employee.left_on < dt.date(YEAR, 1, 1):
                assert employee.pk not in sql
                continue
            row = sql[employee.pk]
            for category, cat in py.categories.items():
                assert row.categories[category] == (cat.count, cat.total, cat.effective, cat.pending), (
                    category
                )
            assert row.training_effective == py.buckets["training"].effective
            assert row.online_effective == py.buckets["online"].effective
            assert row.training_pending == py.buckets["training"].pending
            assert row.online_pending == py.buckets["online"].pending
            assert row.training_required == py.buckets["training"].required
            assert row.online_required == py.buckets["online"].required
            assert row.total == py.total
            assert row.met == py.met
        transaction.set_rollback(True)


@pytest.fixture
def three_units(db):
    root = Unit.objects.create(code="R", name="院")
    a = Unit.objects.create(code="A", name="甲所", parent=root)
    b = Unit.objects.create(code="B", name="乙所", parent=root)
    a1 = Unit.objects.create(code="A1", name="甲所一室", parent=a)
    return [a, b, a1]


PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(
    employees=st.lists(employee_st, min_size=1, max_size=4),
    unit_rules=st.lists(rule_st, min_size=3, max_size=3),
)
def test_sql_twin_equals_rules(three_units, employees, unit_rules):
    assert_twins_agree(three_units, employees, unit_rules)


def test_broken_sql_cap_is_caught(three_units, monkeypatch):
    """Prove the property can fail: offset every SQL cap by one hour and hypothesis finds a counterexample."""
    monkeypatch.setattr(selectors, "_CAP_OFFSET_FOR_TESTS", 3600)

    @settings(PROPERTY, max_examples=200, phases=[Phase.generate], database=None)
    @given(
        employees=st.lists(employee_st, min_size=1, max_size=3),
        unit_rules=st.lists(rule_st, min_size=3, max_size=3),
    )
    def prop(employees, unit_rules):
        assert_twins_agree(three_units, employees, unit_rules)

    with pytest.raises(AssertionError):
        prop()
