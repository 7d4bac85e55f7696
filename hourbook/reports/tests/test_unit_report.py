"""单位学时报表 (第八条, 第十五条): the report's figures equal the engine's for varied people, DOMAIN.md's
denominator, sub-unit completion, filters and sorting, a query budget that does not grow, exports that hold
exactly the filtered scoped list, and denials."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hourbook.ledger.choices import Assessment, Category, Status
from hourbook.ledger.engine import employee_year
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory, UnitMembership
from hourbook.policy.models import UnitRule
from hourbook.reports.selectors import COUNTED, Filters, ReportScope, report_list
from hourbook.roster.services import employee_transfer
from hourbook.testing.factories import EmployeeFactory, RecordFactory

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
H = 3600


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def rec(employee, day: dt.date, hours: float = 8, category=Category.EXTERNAL_TRAINING, **kwargs):
    days = max(1, int(hours // 8) + (1 if hours % 8 else 0))
    start = day - dt.timedelta(days=days - 1)
    return RecordFactory(
        employee=employee, start_date=start, end_date=day, seconds=int(hours * H), category=category, **kwargs
    )


def meets(employee, day=dt.date(2025, 3, 1)):
    """90 training + 50 online hours: 达标 for an ordinary 在册 employee (第八条)."""
    rec(employee, day, 88)
    rec(employee, day, 2, category=Category.EXTERNAL_TRAINING, name="补充")
    rec(employee, day, 50, category=Category.EXTERNAL_ONLINE)


@pytest.fixture
def people(cast):
    """A varied population of 物理研究所's tree for 2025 (and 2024)."""
    unit, dept = cast.units["unit"], cast.units["dept"]
    p = {}
    p["capped"] = EmployeeFactory(name="自学多", unit=unit)
    for i in range(3):  # 24 h of self-study, capped at 10 (第九条五)
        rec(p["capped"], dt.date(2025, 2, 1 + i), 8, category=Category.SELF_STUDY)
    rec(p["capped"], dt.date(2025, 3, 1), 85)
    rec(p["capped"], dt.date(2025, 3, 2), 50, category=Category.PLATFORM_ONLINE, source="platform")
    p["leader"] = EmployeeFactory(name="处长", unit=unit, history__level=PositionLevel.SECTION_AND_ABOVE)
    meets(p["leader"])  # 90 h: enough for ordinary staff, not for 处级及以上 (110)
    p["promoted"] = EmployeeFactory(name="新处长", unit=dept)
    PositionHistory.objects.create(
        employee=p["promoted"], level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2025, 5, 1)
    )
    meets(p["promoted"])
    p["met"] = EmployeeFactory(name="达标者", unit=dept)
    meets(p["met"])
    rec(p["met"], dt.date(2025, 4, 1), 8, status=Status.PENDING, name="待审")
    rec(p["met"], dt.date(2025, 4, 2), 8, status=Status.REJECTED, name="未过")
    rec(p["met"], dt.date(2025, 4, 3), 8, assessment=Assessment.FAILED, name="不合格")  # counts zero (第十条)
    p["temp"] = EmployeeFactory(name="非在册", unit=unit, is_registered=False)
    meets(p["temp"])
    p["left"] = EmployeeFactory(name="年内离职", unit=unit, is_active=False, left_on=dt.date(2025, 4, 30))
    meets(p["left"])
    p["gone"] = EmployeeFactory(name="去年离职", unit=unit, is_active=False, left_on=dt.date(2024, 12, 1))
    p["moved"] = EmployeeFactory(name="调入者", unit=cast.units["sibling"])
    rec(p["moved"], dt.date(2024, 5, 1), 40)  # last year in 化学研究所: stays there
    rec(p["moved"], dt.date(2025, 2, 1), 40)
    employee_transfer(actor=cast.parent_hr, employee=p["moved"], unit=dept, start=dt.date(2025, 5, 1))
    p["deleted"] = EmployeeFactory(name="删了", unit=unit)
    rec(p["deleted"], dt.date(2025, 3, 3), 95, deleted_at=NOW)
    UnitRule.objects.create(unit=dept, year=2025, online_required=60 * H)  # 第十六条
    return p


def report(client, **query):
    query.setdefault("unit", Employee.objects.get(name="张三").unit_id)
    return client.get(reverse("reports:unit"), query)


def test_figures_equal_the_engine_for_each_person(cast, login, people):
    response = report(login(cast.hr), kind="all", year=2025)
    rows = {e.pk: e for e, _unit in response.context["rows"]}
    for key in ("capped", "leader", "promoted", "met", "temp", "left", "moved", "deleted"):
        employee = people[key]
        ey = employee_year(employee, 2025)
        row = rows[employee.pk]
        result = ey.result
        got = (
            row.training_effective,
            row.online_effective,
            row.training_pending,
            row.online_pending,
            row.total,
        )
        want = (
            result.buckets["training"].effective,
            result.buckets["online"].effective,
            result.buckets["training"].pending,
            result.buckets["online"].pending,
            result.total,
        )
        assert got == want, key
        assert row.met == result.met, key
        assert row.training_required == result.buckets["training"].required, key
        assert row.online_required == result.buckets["online"].required, key
    assert rows[people["capped"].pk].training_effective == 95 * H
    assert rows[people["leader"].pk].met is False and rows[people["promoted"].pk].training_required == 110 * H
    assert rows[people["temp"].pk].met is None
    assert rows[people["moved"].pk].online_required == 60 * H
    assert people["gone"].pk not in rows


def test_last_years_report_keeps_the_transferred_person_in_the_old_unit(cast, login, people):
    """Past years never move (DOMAIN.md): 2024 of the person transferred in 2025 is 化学研究所's."""
    response = report(login(cast.parent_hr), kind="all", year=2024, unit=cast.units["sibling"].pk)
    rows = {e.pk: e for e, _unit in response.context["rows"]}
    assert rows[people["moved"].pk].training_effective == 40 * H
    response = report(login(cast.hr), kind="all", year=2024)
    assert people["moved"].pk not in {e.pk for e, _unit in response.context["rows"]}


def test_completion_rate_denominator(cast, login, people):
    """在册正式职工 active on the reference day; leavers of the year apart; non-在册 apart (第二条)."""
    total = report(login(cast.hr), year=2025).context["summary"].total
    # counted: 张三, 李四, hr, manager, capped, leader, promoted, met, moved, deleted = 10.
    # Met: only 自学多 (95 training, 50 online); 达标者 is in 人力资源处, whose own rule asks 60 online (第十六条).
    assert (total.counted, total.met, total.left, total.other) == (10, 1, 1, 1)
    assert total.rate == 10.0


def test_completion_by_sub_unit(cast, login, people):
    children = report(login(cast.hr), year=2025).context["summary"].children
    by_label = {c.label: c for c in children}
    dept = by_label["人力资源处"]  # 李四, promoted, met (short of the unit's 60 online hours), moved
    assert (dept.counted, dept.met, dept.rate) == (4, 0, 0.0)
    own = by_label["本级"]
    assert (own.counted, own.met, own.left, own.other) == (6, 1, 1, 1)
    assert own.rate == 16.6  # 1/6, truncated


def test_academy_summary_at_the_root(cast, login, people):
    response = login(cast.academy).get(reverse("reports:unit"))
    context = response.context
    assert context["unit"] == cast.units["root"] and context["academy_root"]
    assert [c.label for c in context["summary"].children] == ["北京分院"]
    assert (
        context["summary"].total.counted == 13
    )  # the 10 above plus 王五, 周化学 (化学研究所) and 钱分院 (北京分院)
    assert "全院学时汇总" in response.content.decode()


def test_filters_and_sorting(cast, login, people):
    client = login(cast.hr)

    def names(**query):
        return [e.name for e, _unit in report(client, year=2025, **query).context["rows"]]

    assert names(met="met") == ["自学多"]
    assert "达标者" in names(met="unmet")
    assert set(names(kind="left")) == {"年内离职"}
    assert set(names(kind="other")) == {"非在册"}
    assert set(names(level=PositionLevel.SECTION_AND_ABOVE)) == {"处长", "新处长"}
    assert names(q="自学") == ["自学多"]
    ordered = names(sort="-training")
    assert ordered[0] == "自学多"  # 95 effective hours
    assert names(sort="name") == sorted(names())
    assert set(names(unit=cast.units["dept"].pk)) == {"李四", "新处长", "达标者", "调入者"}


def test_unit_outside_the_tree_is_404_and_employee_403(cast, login, people):
    assert report(login(cast.hr), unit=cast.units["sibling"].pk).status_code == 404
    assert report(login(cast.hr), unit=cast.units["parent"].pk).status_code == 404
    assert report(login(cast.employee)).status_code == 403
    for name in ("reports:unit_export", "reports:records_export"):
        url = reverse(name)
        assert login(cast.hr).get(url, {"unit": cast.units["sibling"].pk}).status_code == 404
        assert login(cast.employee).get(url).status_code == 403


def _sheet(response):
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_export_holds_exactly_the_filtered_list(cast, login, people):
    client = login(cast.hr)
    for i in range(60):  # more than one page
        EmployeeFactory(name=f"补{i:02d}", unit=cast.units["dept"])
    query = {"unit": cast.units["unit"].pk, "year": 2025, "met": "unmet", "sort": "-training"}
    shown = []
    page = 1
    while True:
        response = client.get(reverse("reports:unit"), {**query, "page": page})
        shown += [e.arp for e, _unit in response.context["rows"]]
        if not response.context["page"].has_next():
            break
        page += 1
    response = client.get(reverse("reports:unit_export"), query)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _sheet(response)
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == shown and len(exported) == 69
    assert cast.outsider.employee.arp not in exported


def test_export_writes_formula_like_names_as_text(cast, login):
    EmployeeFactory(name="=1+2", unit=cast.units["unit"])
    response = login(cast.hr).get(reverse("reports:unit_export"), {"q": "=1+2"})
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "=1+2" and cell.data_type == "s"


def test_records_export_holds_the_scope_only(cast, login, people):
    RecordFactory(
        employee=cast.outsider.employee,
        name="化学所的记录",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 2, 1),
    )
    RecordFactory(
        employee=cast.employee.employee,
        name='=HYPERLINK("x")',
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 2, 1),
    )
    response = login(cast.hr).get(reverse("reports:records_export"), {"year": 2025})
    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("ARP编号", "姓名", "单位", "类别", "培训名称", "起止", "学时", "状态", "审核时间")
    names = [r[4] for r in rows[1:]]
    assert "化学所的记录" not in names and '=HYPERLINK("x")' in names
    assert "删了" not in [r[1] for r in rows[1:]]  # the deleted record is not exported
    moved = [r for r in rows[1:] if r[1] == "调入者"]
    assert len(moved) == 1 and moved[0][2] == "人力资源处"  # this year's record moved with the person
    in_db = {r.pk for r in people["capped"].records.filter(year=2025, deleted_at__isnull=True)}
    assert sum(1 for r in rows[1:] if r[1] == "自学多") == len(in_db)


def _queries(client, **query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:unit"), query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", [{}, {"sort": "-training", "met": "unmet"}], ids=["by-arp", "by-hours"])
def test_report_query_count_does_not_grow(cast, login, query):
    client = login(cast.hr)

    def add(n):
        for i in range(n):
            e = EmployeeFactory(unit=cast.units["unit" if i % 2 else "dept"])
            rec(e, dt.date(2025, 2, 1 + i % 20), 8)

    add(6)  # 10 with 张三, 李四, hr, manager
    at_10 = _queries(client, **query)
    add(90)
    at_100 = _queries(client, **query)
    assert at_10 == at_100 <= 17


def test_htmx_gets_the_fragment(cast, login):
    response = login(cast.hr).get(reverse("reports:unit"), HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "reports/_report.html"


def test_report_list_for_scope_matches_membership_history(cast):
    """Someone who joined 物理研究所 this year from outside counts here this year (unit for the year)."""
    newcomer = EmployeeFactory(unit=cast.units["sibling"])
    UnitMembership.objects.create(employee=newcomer, unit=cast.units["unit"], start=dt.date(2025, 5, 1))
    scope = ReportScope.build(year=2025, unit=cast.units["unit"])
    assert newcomer.pk in {e.pk for e in report_list(scope, Filters(kind=COUNTED))}
    scope = ReportScope.build(year=2024, unit=cast.units["unit"])
    assert newcomer.pk not in {e.pk for e in report_list(scope, Filters(kind=COUNTED))}


def test_report_page_keeps_the_hr_menu(cast, login):
    """The page's own context must not hide the HR menu (a context key named `scope` once did)."""
    body = login(cast.hr).get(reverse("reports:unit")).content.decode()
    assert "单位管理" in body and reverse("roster:list") in body and reverse("policy:rules") in body
