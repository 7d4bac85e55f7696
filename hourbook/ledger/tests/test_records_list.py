"""我的外部学习, the tabs (FAQ Q6): filters, columns, badges, htmx fragment, pagination, query budget."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse

from hourbook import urls as root_urls
from hourbook.ledger import urls as ledger_urls
from hourbook.ledger.choices import Category, Status
from hourbook.ledger.models import RecordTransition
from hourbook.ledger.views.records import PAGE_SIZE
from hourbook.testing.factories import RecordFactory

NOW = dt.datetime(2025, 6, 15, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(category="external_training", **query):
    base = reverse("ledger:records", args=[category])
    if query:
        base += "?" + urlencode(query)
    return base


def record(cast, name="学术报告会", start=(2025, 3, 1), end=None, **kwargs):
    start = dt.date(*start)
    end = dt.date(*end) if end else start
    kwargs.setdefault("employee", cast.employee.employee)
    return RecordFactory(name=name, start_date=start, end_date=end, **kwargs)


def test_tab_lists_own_records_of_its_category_only(cast, login):
    mine = record(cast, name="我的线下培训")
    record(cast, name="我的网络学习", category=Category.EXTERNAL_ONLINE)
    record(cast, name="同事的培训", employee=cast.colleague.employee)
    deleted = record(cast, name="已删除的培训")
    deleted.deleted_at = NOW
    deleted.save()

    body = login(cast.employee).get(url()).content.decode()

    assert mine.name in body
    assert "我的网络学习" not in body
    assert "同事的培训" not in body
    assert "已删除的培训" not in body
    for column in ("年度", "培训名称", "开始时间", "结束时间", "学时(小时)", "状态", "操作"):
        assert column in body
    for button in ("新增记录", "批量删除"):
        assert button in body


def test_all_four_tabs_exist_and_other_categories_do_not(cast, login):
    client = login(cast.employee)
    for category, label in (
        ("external_training", "线下培训"),
        ("external_online", "网络学时"),
        ("self_study", "在职自学"),
        ("study_abroad", "公派留学"),
    ):
        response = client.get(url(category))
        assert response.status_code == 200
        assert label in response.content.decode()
    # Programme and platform records are not entered by the employee (第九条一、四).
    assert client.get(url("in_house")).status_code == 404
    assert client.get(url("platform_online")).status_code == 404
    assert client.get(url("nonsense")).status_code == 404


def test_status_badges_and_the_last_rejection_reason(cast, login):
    """未通过 shows the reason of the last rejection (FAQ Q5: a reason is required)."""
    record(cast, name="待审的", status=Status.PENDING)
    record(cast, name="通过的", status=Status.APPROVED)
    rejected = record(cast, name="退回的", status=Status.REJECTED)
    RecordTransition.objects.create(
        record=rejected, from_status="pending", to_status="rejected", action="reject", reason="缺少证书"
    )
    RecordTransition.objects.create(
        record=rejected, from_status="pending", to_status="rejected", action="reject", reason="学时与通知不符"
    )

    body = login(cast.employee).get(url()).content.decode()

    assert "待审核" in body and "已通过" in body and "未通过" in body
    assert "学时与通知不符" in body
    assert "缺少证书" not in body


def test_only_pending_and_rejected_rows_offer_edit_delete_and_a_checkbox(cast, login):
    approved = record(cast, name="通过的", status=Status.APPROVED)
    pending = record(cast, name="待审的", status=Status.PENDING)

    body = login(cast.employee).get(url()).content.decode()

    assert reverse("ledger:record_edit", args=[pending.pk]) in body
    assert reverse("ledger:record_delete", args=[pending.pk]) in body
    assert f'name="ids" value="{pending.pk}"' in body
    assert reverse("ledger:record_detail", args=[approved.pk]) in body
    assert reverse("ledger:record_edit", args=[approved.pk]) not in body
    assert reverse("ledger:record_delete", args=[approved.pk]) not in body
    assert f'name="ids" value="{approved.pk}"' not in body


def test_name_filter_is_contains(cast, login):
    record(cast, name="量子计算前沿讲座")
    record(cast, name="党课学习")

    body = login(cast.employee).get(url(q="计算")).content.decode()

    assert "量子计算前沿讲座" in body
    assert "党课学习" not in body


def test_date_range_keeps_records_whose_dates_meet_it(cast, login):
    """A record counts as in the range when its dates meet it, even partly (DOMAIN.md, Screens)."""
    record(cast, name="跨入范围", start=(2025, 2, 27), end=(2025, 3, 2))
    record(cast, name="恰在首日", start=(2025, 3, 1))
    record(cast, name="恰在末日", start=(2025, 3, 31))
    record(cast, name="范围之前", start=(2025, 2, 1), end=(2025, 2, 28))
    record(cast, name="范围之后", start=(2025, 4, 1))

    body = login(cast.employee).get(url(date_from="2025-03-01", date_to="2025-03-31")).content.decode()

    for name in ("跨入范围", "恰在首日", "恰在末日"):
        assert name in body
    for name in ("范围之前", "范围之后"):
        assert name not in body


def test_year_filter_reads_the_year_of_the_end_date(cast, login):
    record(cast, name="跨年培训", start=(2023, 12, 30), end=(2024, 1, 2))
    record(cast, name="去年培训", start=(2023, 5, 1))

    body = login(cast.employee).get(url(year="2024")).content.decode()

    assert "跨年培训" in body
    assert "去年培训" not in body


def test_a_bad_filter_value_is_ignored_not_a_crash(cast, login):
    record(cast, name="学术报告")
    response = login(cast.employee).get(url(date_from="not-a-date", year="1999"))
    assert response.status_code == 200
    assert "学术报告" in response.content.decode()


def test_htmx_gets_only_the_table_fragment(cast, login):
    record(cast, name="量子计算前沿讲座")
    client = login(cast.employee)

    fragment = client.get(url(q="量子"), headers={"HX-Request": "true"})
    page = client.get(url(q="量子"))
    restore = client.get(url(q="量子"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert "<html" not in fragment.content.decode()
    assert 'data-testid="records-table"' in fragment.content.decode()
    assert "量子计算前沿讲座" in fragment.content.decode()
    assert fragment.templates[0].name == "ledger/_records_table.html"
    assert "<html" in page.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_pagination_keeps_the_filter(cast, login):
    for i in range(PAGE_SIZE + 5):
        record(cast, name=f"报告{i:02d}", start=(2025, 1, 1 + i))
    client = login(cast.employee)

    second = client.get(url(q="报告", page=2)).content.decode()

    assert second.count(">查看</a>") == 5  # the 5 rows left for page 2
    assert "q=%E6%8A%A5%E5%91%8A&amp;page=1" in second  # previous page link keeps the filter


def test_upload_buttons_appear_only_when_their_urls_exist(cast, login, settings):
    """批量上传 and 下载导入模板 link to `ledger:upload` / `ledger:upload_template` (built elsewhere)."""
    response = login(cast.employee).get(url("self_study"))
    assert response.status_code == 200
    if not _url_exists("ledger:upload"):  # until the upload screens exist: no dead buttons
        assert "批量上传" not in response.content.decode()

    settings.ROOT_URLCONF = __name__
    body = login(cast.employee).get(url("self_study")).content.decode()
    assert 'href="/test-upload/self_study/"' in body
    assert 'href="/test-template/self_study/"' in body
    assert "批量上传" in body and "下载导入模板" in body


def _url_exists(name: str) -> bool:
    try:
        reverse(name, args=["self_study"])
    except NoReverseMatch:
        return False
    return True


def _dummy(request, category):  # pragma: no cover - only reversed
    raise AssertionError


# The project's URLs with stand-ins for the two upload URL names (the real ones may or may not exist yet).
urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path("test-upload/<slug:category>/", _dummy, name="upload"),
                    path("test-template/<slug:category>/", _dummy, name="upload_template"),
                    *(p for p in ledger_urls.urlpatterns if p.name not in ("upload", "upload_template")),
                ],
                "ledger",
            )
        ),
    ),
    *(p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "ledger"),
]


def test_academy_admin_without_employee_has_no_tabs(cast, login):
    assert login(cast.academy).get(url()).status_code == 404


def test_menu_and_home_link_to_the_tabs(cast, login):
    body = login(cast.employee).get(reverse("ledger:home")).content.decode()
    assert body.count(f'href="{url()}"') == 2  # the 我的学习 menu and the home shortcut


@pytest.mark.parametrize("query", [{}, {"q": "报告", "date_from": "2024-01-01", "year": "2025"}])
def test_list_runs_the_same_queries_for_5_and_50_records(cast, client, django_assert_num_queries, query):
    """Query budget: a constant number of queries whatever the number of records (STYLE.md §5)."""
    client.force_login(cast.employee)
    for i in range(5):
        record(cast, name=f"报告{i}", start=(2025, 1, 1 + i), status=Status.REJECTED)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url(**query)).status_code == 200
    for i in range(5, 50):
        r = record(cast, name=f"报告{i}", start=(2025, 2, 1 + i % 28), status=Status.REJECTED)
        RecordTransition.objects.create(record=r, from_status="pending", to_status="rejected", reason="退回")

    assert len(five) <= 8, [q["sql"] for q in five.captured_queries]
    with django_assert_num_queries(len(five)):
        assert client.get(url(**query)).status_code == 200
    with django_assert_num_queries(len(five) - 1):  # htmx: no unread-notifications count
        client.get(url(**query), headers={"HX-Request": "true"})
