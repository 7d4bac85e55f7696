"""Add and edit a record: the rules of 第六条 and 第十条 at the field, overlap warning, double submit, locking."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from hourbook.ledger import services
from hourbook.ledger.choices import Assessment, Category, Form, Source, Status
from hourbook.ledger.forms import MSG_WHOLE_HALF_DAYS
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.validation import (
    MSG_DAYS_STEP,
    MSG_DUPLICATE,
    MSG_END_BEFORE_START,
    MSG_END_IN_FUTURE,
    MSG_HOURS_DECIMALS,
    MSG_HOURS_NOT_A_NUMBER,
    MSG_HOURS_OUT_OF_RANGE,
    MSG_HOURS_POSITIVE,
    MSG_REQUIRED,
)
from hourbook.ledger.views.records import MSG_ALREADY_EXISTS, MSG_RESUBMITTED
from hourbook.testing.factories import RecordFactory

# 00:30 in Shanghai is still the previous day in UTC: "today" must be the academy's (DOMAIN.md).
NOW = dt.datetime(2025, 6, 15, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def create_url(category="external_training"):
    return reverse("ledger:record_create", args=[category])


def payload(**overrides):
    data = {
        "name": "国际凝聚态物理会议",
        "form": Form.CONFERENCE,
        "content": "报告与研讨",
        "place": "北京",
        "organiser": "中国物理学会",
        "start_date": "2025-03-10",
        "end_date": "2025-03-12",
        "hours": "24",
        "assessment": Assessment.PASSED,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_a_new_record_is_pending_with_its_history(cast, login):
    """第九条二: an employee's record waits for the unit HR's review."""
    response = login(cast.employee).post(create_url(), payload(off_job="on"))

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:records", args=["external_training"])
    record = Record.objects.get()
    assert record.employee == cast.employee.employee
    assert (record.status, record.source, record.category) == (
        Status.PENDING,
        Source.EMPLOYEE,
        Category.EXTERNAL_TRAINING,
    )
    assert (record.seconds, record.year, record.unit) == (24 * 3600, 2025, cast.units["unit"])
    assert (record.place, record.organiser, record.content, record.off_job) == (
        "北京",
        "中国物理学会",
        "报告与研讨",
        True,
    )
    transition = RecordTransition.objects.get(record=record)
    assert (transition.from_status, transition.to_status, transition.actor) == ("", "pending", cast.employee)


def test_the_form_offers_every_field_and_the_category_default_form(cast, login):
    """第六条 fields, 培训形式 of 第五条 defaulting per category, the days helper for training categories."""
    client = login(cast.employee)
    page = client.get(create_url("self_study"))
    form = page.context["form"]
    for field in ("name", "content", "place", "start_date", "end_date", "hours", "assessment", "form"):
        assert field in form.fields
    assert form["form"].value() == Form.SELF_STUDY
    assert 'data-days-to-hours="id_hours"' in page.content.decode()
    assert "data-submit-once" in page.content.decode()

    online = client.get(create_url("external_online")).context["form"]
    assert online["form"].value() == Form.ONLINE
    assert "days" not in online.fields  # online hours are not counted in days


@pytest.mark.parametrize(
    ("start", "end", "hours", "accepted"),
    [
        ("2025-03-10", "2025-03-12", "24", True),  # exactly 3 days × 8
        ("2025-03-10", "2025-03-12", "24.01", False),  # 36 seconds more
        ("2025-03-10", "2025-03-10", "8", True),
        ("2025-03-10", "2025-03-10", "8.01", False),
    ],
)
def test_hours_may_not_exceed_8_per_day_of_the_range(cast, login, start, end, hours, accepted):
    """第十条 and DOMAIN.md: at most 8 × the days of the range, counted inclusively."""
    response = login(cast.employee).post(create_url(), payload(start_date=start, end_date=end, hours=hours))
    assert Record.objects.exists() is accepted
    if not accepted:
        assert "第十条" in errors(response, "hours")[0]


def test_one_second_over_8_per_day_is_refused_on_the_path_the_form_uses(cast):
    """The form speaks hundredths of an hour; the service it calls refuses a single second more."""
    data = services.RecordData(
        category=Category.EXTERNAL_TRAINING,
        form=Form.CONFERENCE,
        name="一秒之差",
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 10),
        seconds=8 * 3600 + 1,
    )
    with pytest.raises(ValidationError):
        services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data)
    exact = services.RecordData(**{**data.__dict__, "seconds": 8 * 3600})
    assert services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=exact)[1]


def test_end_date_today_is_accepted_tomorrow_refused(cast, login):
    """DOMAIN.md: an end date after today is refused; today is the academy's (Asia/Shanghai)."""
    client = login(cast.employee)
    tomorrow = client.post(create_url(), payload(start_date="2025-06-16", end_date="2025-06-16", hours="8"))
    assert errors(tomorrow, "end_date") == [str(MSG_END_IN_FUTURE)]
    assert not Record.objects.exists()

    today = client.post(create_url(), payload(start_date="2025-06-15", end_date="2025-06-15", hours="8"))
    assert today.status_code == 302
    assert Record.objects.get().end_date == TODAY


def test_reversed_dates_are_refused_at_the_end_date(cast, login):
    response = login(cast.employee).post(
        create_url(), payload(start_date="2025-03-12", end_date="2025-03-10")
    )
    assert errors(response, "end_date") == [str(MSG_END_BEFORE_START)]
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", MSG_HOURS_POSITIVE),
        ("-4", MSG_HOURS_POSITIVE),
        ("1.234", MSG_HOURS_DECIMALS),
        ("abc", MSG_HOURS_NOT_A_NUMBER),
        ("NaN", MSG_HOURS_NOT_A_NUMBER),
        ("sNaN", MSG_HOURS_NOT_A_NUMBER),
        ("", MSG_REQUIRED),
        # Issue 8, item 12: these crashed with decimal.Overflow (a 500), or came close.
        ("1E+999999", MSG_HOURS_OUT_OF_RANGE),
        ("-1E+999999", MSG_HOURS_OUT_OF_RANGE),
        ("Infinity", MSG_HOURS_OUT_OF_RANGE),
        ("-Infinity", MSG_HOURS_OUT_OF_RANGE),
        ("1E+30", MSG_HOURS_OUT_OF_RANGE),
        ("12345678901234567890.001", MSG_HOURS_OUT_OF_RANGE),
        ("1E-999999", MSG_HOURS_DECIMALS),
        ("-0", MSG_HOURS_POSITIVE),
        ("-0.00", MSG_HOURS_POSITIVE),
    ],
)
def test_bad_hours_are_refused_in_chinese_at_the_field(cast, login, hours, message):
    response = login(cast.employee).post(create_url(), payload(hours=hours))
    assert errors(response, "hours") == [str(message)]
    assert not Record.objects.exists()


def test_two_decimals_are_kept_exactly(cast, login):
    login(cast.employee).post(create_url(), payload(hours="3.25"))
    assert Record.objects.get().seconds == 3 * 3600 + 900


def test_required_name_and_dates(cast, login):
    response = login(cast.employee).post(create_url(), payload(name="  ", start_date="", end_date=""))
    assert errors(response, "name") == [str(MSG_REQUIRED)]
    assert errors(response, "start_date") == [str(MSG_REQUIRED)]
    assert errors(response, "end_date") == [str(MSG_REQUIRED)]


def test_invisible_name_is_empty(cast, login):
    """Issue 8, item 11: a name of zero-width spaces was accepted and showed as blank."""
    client = login(cast.employee)
    response = client.post(create_url(), payload(name="\u200b\u200b\u2060\ufeff"))
    assert errors(response, "name") == [str(MSG_REQUIRED)]
    assert not Record.objects.exists()
    client.post(create_url(), payload(name="\u200b国际凝聚态物理会议\u3000", place="\u200b"))
    assert Record.objects.values_list("name", "place").get() == ("国际凝聚态物理会议", "")


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 200), ("content", 2000), ("place", 200), ("organiser", 200)]
)
def test_every_text_field_has_its_maximum(cast, login, field, limit):
    """Issue 8, item 10: 培训内容 had no limit (1 MB a row was stored)."""
    client = login(cast.employee)
    response = client.post(create_url(), payload(**{field: "字" * (limit + 1)}))
    assert errors(response, field) and str(limit) in errors(response, field)[0]
    assert not Record.objects.exists()
    client.post(create_url(), payload(**{field: "字" * limit}))
    assert len(getattr(Record.objects.get(), field)) == limit


def test_services_refuse_over_long_text_from_any_path(cast):
    """The API and any other caller of the service meet the same maxima as the form (issue 8, item 10)."""
    data = services.RecordData(
        category=Category.EXTERNAL_TRAINING,
        form=Form.CONFERENCE,
        name="\u200b\u200b",
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 10),
        seconds=8 * 3600,
        content="内" * 2001,
    )
    with pytest.raises(ValidationError) as refused:
        services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data)
    assert set(refused.value.message_dict) == {"name", "content"}
    assert not Record.objects.exists()


def test_days_fill_the_hours_in_half_day_steps(cast, login):
    """第十条: 1 day = 8 学时, half a day = 4; the form takes days in steps of 0.5."""
    client = login(cast.employee)
    client.post(create_url(), payload(hours="", days="1.5"))
    assert Record.objects.get().seconds == 12 * 3600

    response = client.post(create_url(), payload(name="另一个", hours="", days="1.3"))
    assert errors(response, "days") == [str(MSG_DAYS_STEP)]
    assert Record.objects.count() == 1


def test_training_hours_off_the_half_day_grid_are_saved_with_a_notice(cast, login):
    """Training-bucket hours not a multiple of 4 are allowed and flagged for the reviewer (DOMAIN.md)."""
    client = login(cast.employee)
    response = client.post(create_url(), payload(hours="3"), follow=True)
    assert Record.objects.get().seconds == 3 * 3600
    assert str(MSG_WHOLE_HALF_DAYS) in [str(m) for m in response.context["messages"]]

    online = client.post(create_url("external_online"), payload(name="学习强国", hours="3"), follow=True)
    assert str(MSG_WHOLE_HALF_DAYS) not in [str(m) for m in online.context["messages"]]


def test_ten_identical_submits_make_one_record(cast, login):
    """DOMAIN.md natural key: a repeated submit shows 该记录已存在 as information, not an error."""
    client = login(cast.employee)
    responses = [client.post(create_url(), payload(), follow=True) for _ in range(10)]

    assert Record.objects.count() == 1
    assert RecordTransition.objects.count() == 1
    last = [(m.level_tag, str(m)) for m in responses[-1].context["messages"]]
    assert last == [("info", str(MSG_ALREADY_EXISTS % {"name": "国际凝聚态物理会议"}))]


def test_overlapping_dates_warn_before_saving_then_save_when_confirmed(cast, login):
    """DOMAIN.md: overlapping dates with another record only warn."""
    other = RecordFactory(
        employee=cast.employee.employee,
        name="所内学术周",
        start_date=dt.date(2025, 3, 11),
        end_date=dt.date(2025, 3, 14),
        seconds=32 * 3600,
        category=Category.SELF_STUDY,
    )
    RecordFactory(employee=cast.colleague.employee, start_date=dt.date(2025, 3, 11))  # not mine
    client = login(cast.employee)

    warned = client.post(create_url(), payload())
    assert warned.status_code == 200
    assert [r.pk for r in warned.context["overlaps"]] == [other.pk]
    body = warned.content.decode()
    assert "所内学术周" in body and 'name="confirm_overlap"' in body and "仍然保存" in body
    assert not Record.objects.filter(name="国际凝聚态物理会议").exists()

    saved = client.post(create_url(), payload(confirm_overlap="on"))
    assert saved.status_code == 302
    assert Record.objects.filter(name="国际凝聚态物理会议").exists()


def test_a_deleted_record_is_no_overlap(cast, login):
    RecordFactory(
        employee=cast.employee.employee,
        start_date=dt.date(2025, 3, 11),
        end_date=dt.date(2025, 3, 11),
        deleted_at=NOW,
    )
    assert login(cast.employee).post(create_url(), payload()).status_code == 302


def pending(cast, **kwargs):
    kwargs.setdefault("status", Status.PENDING)
    return RecordFactory(
        employee=cast.employee.employee,
        name="原名称",
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 12),
        seconds=24 * 3600,
        **kwargs,
    )


def edit_url(record):
    return reverse("ledger:record_edit", args=[record.pk])


def test_edit_shows_the_record_and_saves_a_new_version(cast, login):
    record = pending(cast)
    client = login(cast.employee)
    form = client.get(edit_url(record)).context["form"]
    assert form["name"].value() == "原名称"
    assert form["hours"].value() == "24"

    response = client.post(edit_url(record), payload(name="新名称", hours="16"))

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.name, record.seconds, record.version, record.status) == ("新名称", 16 * 3600, 2, "pending")


def test_editing_its_own_dates_is_no_overlap(cast, login):
    record = pending(cast)
    response = login(cast.employee).post(edit_url(record), payload(name="原名称", hours="20"))
    assert response.status_code == 302


def test_editing_a_rejected_record_sends_it_back_to_review(cast, login):
    """FAQ Q5 / DOMAIN.md Review: editing a rejected record sends it back to 待审核."""
    record = pending(cast, status=Status.REJECTED)
    response = login(cast.employee).post(edit_url(record), payload(name="补充说明后"), follow=True)

    record.refresh_from_db()
    assert record.status == Status.PENDING
    last = record.transitions.order_by("-pk").first()
    assert (last.from_status, last.to_status, last.action) == ("rejected", "pending", "edit")
    assert str(MSG_RESUBMITTED) in [str(m) for m in response.context["messages"]]


def test_an_approved_record_is_locked_for_its_owner(cast, login):
    """DOMAIN.md Review: an approved record is locked for the employee."""
    record = pending(cast, status=Status.APPROVED)
    client = login(cast.employee)

    page = client.get(edit_url(record))
    post = client.post(edit_url(record), payload(name="想改"))

    assert page.status_code == post.status_code == 403
    assert str(services.MSG_NOT_EDITABLE) in post.content.decode()
    record.refresh_from_db()
    assert (record.name, record.version) == ("原名称", 1)


def test_another_employees_record_is_not_found_and_hr_may_not_edit(cast, login, client):
    record = pending(cast)
    assert login(cast.colleague).post(edit_url(record), payload(name="同事改")).status_code == 404
    assert login(cast.sibling_hr).get(edit_url(record)).status_code == 404
    # The unit's HR sees the record but never edits its content (DOMAIN.md Review).
    assert login(cast.hr).post(edit_url(record), payload(name="人事改")).status_code == 403
    record.refresh_from_db()
    assert record.name == "原名称"


def test_editing_into_a_duplicate_is_refused_at_the_name(cast, login):
    pending(cast)
    second = RecordFactory(
        employee=cast.employee.employee,
        status=Status.PENDING,
        name="第二条",
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 4, 1),
    )
    response = login(cast.employee).post(
        edit_url(second),
        payload(name="原名称", start_date="2025-03-10", end_date="2025-03-12", hours="24"),
    )
    assert errors(response, "name") == [str(MSG_DUPLICATE)]
    second.refresh_from_db()
    assert second.name == "第二条"


def test_unknown_methods_are_refused(cast, login):
    assert login(cast.employee).put(create_url()).status_code == 405
