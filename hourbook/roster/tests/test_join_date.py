"""A person counts for a unit from the day they joined it, never before (issue 8, item 15).

DOMAIN.md decision: the join date is asked when someone is added (default today); the unit membership
starts then, and the standing (`EmployeeQuerySet.in_year`) gives no place in a unit's denominator for the years
before it. Before the fix, the roster form and import started every membership on 2000-01-01, so a person
added today was 未达标 in every year since 2019.
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hourbook.org.models import Employee
from hourbook.org.services import MSG_JOINED_FUTURE
from hourbook.roster.imports import COL_JOINED, COLUMNS

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADDED = dt.datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
NEW_YEAR = dt.datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)


def report_arps(client, unit, year: int) -> set[str]:
    """Everyone in the unit report of `year` (all kinds: counted, left, not 在册)."""
    response = client.get(reverse("reports:unit"), {"unit": unit.pk, "year": year, "kind": "all"})
    assert response.status_code == 200
    return {e.arp for e, _unit in response.context["rows"]}


def add_form(client, **fields):
    data = {"arp": "880001", "name": "新入职", "level": "ordinary", "is_registered": "on"}
    data.update(fields)
    return client.post(reverse("roster:add"), data)


@pytest.mark.django_db
def test_added_today_counts_from_this_year_only_across_new_year(cast, login):
    """The issue's case: added on 2026-12-04, absent from 2025's report, present in 2026's, and still so
    once the year has turned."""
    unit = cast.units["unit"]
    with time_machine.travel(ADDED, tick=False):
        client = login(cast.hr)
        form = client.get(reverse("roster:add")).context["form"]
        assert form["joined_on"].value() == dt.date(2026, 12, 4)  # default today, shown in the field
        response = add_form(client, unit=unit.pk, joined_on="2026-12-04")
        assert response.status_code == 302
        person = Employee.objects.get(arp="880001")
        assert list(person.memberships.values_list("start", flat=True)) == [dt.date(2026, 12, 4)]
        assert [y for y in (2025, 2026) if Employee.objects.filter(pk=person.pk).in_year(y).exists()] == [
            2026
        ]
        assert "880001" not in report_arps(client, unit, 2025)
        assert "880001" in report_arps(client, unit, 2026)
    with time_machine.travel(NEW_YEAR, tick=False):
        client = login(cast.hr)
        assert "880001" not in report_arps(client, unit, 2025)
        assert "880001" in report_arps(client, unit, 2026)


@pytest.mark.django_db
@time_machine.travel(ADDED, tick=False)
def test_form_without_a_date_means_today_and_an_earlier_date_counts_from_then(cast, login):
    client = login(cast.hr)
    unit = cast.units["unit"]
    assert add_form(client, unit=unit.pk).status_code == 302  # a client that sends no date: today
    today_person = Employee.objects.get(arp="880001")
    assert today_person.memberships.get().start == dt.date(2026, 12, 4)

    assert add_form(client, arp="880002", unit=unit.pk, joined_on="2024-03-01").status_code == 302
    earlier = Employee.objects.get(arp="880002")
    years = [y for y in range(2022, 2028) if Employee.objects.filter(pk=earlier.pk).in_year(y).exists()]
    assert years == [2024, 2025, 2026]
    assert "880002" not in report_arps(client, unit, 2023)
    assert "880002" in report_arps(client, unit, 2024)


@pytest.mark.django_db
@time_machine.travel(ADDED, tick=False)
def test_form_refuses_a_join_date_after_today_at_the_field(cast, login):
    response = add_form(login(cast.hr), unit=cast.units["unit"].pk, joined_on="2026-12-05")
    assert response.status_code == 200
    assert response.context["form"].errors["joined_on"] == [str(MSG_JOINED_FUTURE)]
    assert not Employee.objects.filter(arp="880001").exists()


def _workbook(rows, headers) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(client, data: bytes):
    return client.post(reverse("roster:import"), {"file": SimpleUploadedFile("名册.xlsx", data)})


@pytest.mark.django_db
@time_machine.travel(ADDED, tick=False)
def test_import_takes_an_optional_join_date_and_defaults_to_today(cast, login):
    client = login(cast.hr)
    headers = [str(c) for c in COLUMNS]
    data = _workbook(
        [
            ["880011", "甲", "IOP", "普通职工", None, "", "", "是", None],
            ["880012", "乙", "IOP", "普通职工", None, "", "", "是", dt.date(2023, 9, 1)],
            ["880013", "丙", "IOP", "普通职工", None, "", "", "是", "2025/2/1"],
        ],
        headers,
    )
    assert _import(client, data).status_code == 302
    starts = dict(Employee.objects.filter(arp__startswith="88001").values_list("arp", "memberships__start"))
    assert starts == {
        "880011": dt.date(2026, 12, 4),
        "880012": dt.date(2023, 9, 1),
        "880013": dt.date(2025, 2, 1),
    }
    unit = cast.units["unit"]
    assert {"880011", "880012", "880013"} & report_arps(client, unit, 2024) == {"880012"}
    # A workbook made from the old template (no 入职日期 column) still imports: today.
    old = _workbook([["880014", "丁", "IOP", "普通职工", None, "", "", "是"]], headers[:-1])
    assert _import(client, old).status_code == 302
    assert Employee.objects.get(arp="880014").memberships.get().start == dt.date(2026, 12, 4)
    assert "880014" not in report_arps(client, unit, 2025)


@pytest.mark.django_db
@time_machine.travel(ADDED, tick=False)
def test_import_refuses_a_future_join_date_by_row_and_column(cast, login):
    data = _workbook(
        [["880021", "甲", "IOP", "普通职工", None, "", "", "是", dt.date(2027, 1, 1)]],
        [str(c) for c in COLUMNS],
    )
    response = _import(login(cast.hr), data)
    assert response.status_code == 422
    assert response.context["errors"] == ["第 2 行 · 入职日期：不能晚于今天"]
    assert not Employee.objects.filter(arp="880021").exists()


@pytest.mark.django_db
def test_template_offers_the_join_date_column(cast, login):
    response = login(cast.hr).get(reverse("roster:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert str(COL_JOINED) in headers
    column = headers.index(str(COL_JOINED)) + 1
    assert sheet.cell(row=2, column=column).is_date
