"""Home bar, 我的档案 and the FAQ Q3 explanation pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hourbook.ledger.choices import Category, Status
from hourbook.testing.factories import RecordFactory

H = 3600
YEAR = dt.date.today().year


def _records(employee, n, offset=0):
    for i in range(offset, offset + n):
        RecordFactory(
            employee=employee,
            category=Category.SELF_STUDY if i % 2 else Category.EXTERNAL_TRAINING,
            name=f"记录{i}",
            seconds=4 * H,
            status=Status.APPROVED if i % 3 else Status.PENDING,
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [reverse("ledger:home"), reverse("ledger:explain"), reverse("ledger:archive")]
)
def test_queries_do_not_grow_with_records(login, cast, url):
    client = login(cast.employee)
    _records(cast.employee.employee, 5)
    few = _count(client, url)
    _records(cast.employee.employee, 45, offset=5)
    assert _count(client, url) == few


@pytest.mark.django_db
def test_home_bar_shows_hms_and_status(login, cast):
    employee = cast.employee.employee
    RecordFactory(
        employee=employee,
        category=Category.EXTERNAL_ONLINE,
        start_date=dt.date(YEAR, 1, 2),
        end_date=dt.date(YEAR, 1, 2),
        seconds=3 * H + 10 * 60 + 53,
    )
    html = login(cast.employee).get(reverse("ledger:home")).content.decode()
    assert "3小时10分53秒" in html
    assert "未达标" in html


@pytest.mark.django_db
def test_truncation_never_shows_the_requirement_beside_未达标(login, cast):
    """Hours show truncated: 90 h less one second shows 89.99, not 90.00 (DOMAIN.md, Hours)."""
    employee = cast.employee.employee
    RecordFactory(
        employee=employee, start_date=dt.date(YEAR, 1, 1), end_date=dt.date(YEAR, 1, 12), seconds=90 * H - 1
    )
    html = login(cast.employee).get(reverse("ledger:home")).content.decode()
    assert "89.99" in html and "90.00" not in html


@pytest.mark.django_db
def test_explain_page_says_what_the_cap_cut(login, cast):
    employee = cast.employee.employee
    for i in range(10):
        RecordFactory(employee=employee, category=Category.SELF_STUDY, name=f"读书{i}", seconds=5 * H)
    html = login(cast.employee).get(reverse("ledger:explain")).content.decode()
    assert "超出上限的 40 学时只计入总学时" in html
    assert "已达上限、再登记也不增加有效学时的类别：在职自学" in html
    assert "还差 80 学时" in html


@pytest.mark.django_db
def test_archive_lines(login, cast):
    employee = cast.employee.employee
    RecordFactory(
        employee=employee,
        category=Category.IN_HOUSE,
        programme_type="series",
        source="programme",
        source_key="p:1",
    )
    RecordFactory(employee=employee, category=Category.EXTERNAL_TRAINING, name="外部会议")
    RecordFactory(
        employee=employee, category=Category.SELF_STUDY, name="读书", seconds=4 * H, status=Status.PENDING
    )
    html = login(cast.employee).get(reverse("ledger:archive")).content.decode()
    assert "培训项目 2 个，其中系列讲座 1 个，外部培训 1 个，实际时长 16 小时。" in html
    assert "在职自学 0 项，实际时长 0 小时。" in html


@pytest.mark.django_db
def test_year_selector_shows_that_year(login, cast):
    employee = cast.employee.employee
    RecordFactory(employee=employee, start_date=dt.date(2024, 5, 1), end_date=dt.date(2024, 5, 1))
    client = login(cast.employee)
    assert 'hours-figure">8<small' in client.get(reverse("ledger:home"), {"year": 2024}).content.decode()
    assert 'hours-figure">0<small' in client.get(reverse("ledger:home")).content.decode()
