"""What no record may hold, on every path that writes one (issue 8, item 17).

DOMAIN.md, Record fields and Hours: an end date after today is refused; hours are always positive and at
most 8 × the inclusive days of the date range (第十条); the end never precedes the start. The check lives
on the ledger's common write path (`ledger.services.records.record_data_errors`, used by `record_submit`,
`record_update`, `records_bulk_create` and `source_records_sync`) and in `Record.clean`; one test per path.
"Today" is fixed with time-machine, at 00:30 in Shanghai (still the day before in UTC), so "today" is the
academy's.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hourbook.ledger import services
from hourbook.ledger.choices import Category, Form, Source
from hourbook.ledger.models import Record, UploadBatch, UploadStatus
from hourbook.ledger.services import RecordData, SourceRecord
from hourbook.ledger.validation import MSG_END_IN_FUTURE, MSG_HOURS_POSITIVE

from .upload_workbooks import good_row, workbook_bytes

H = 3600
NOW = dt.datetime(2026, 12, 4, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = dt.date(2026, 12, 4)
TOMORROW = TODAY + dt.timedelta(days=1)
NEXT_YEAR = dt.date(2027, 3, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def entered(**overrides) -> RecordData:
    base = {
        "category": Category.EXTERNAL_TRAINING,
        "form": Form.CONFERENCE,
        "name": "全国凝聚态物理会议",
        "start_date": TODAY - dt.timedelta(days=1),
        "end_date": TODAY,
        "seconds": 16 * H,
    }
    base.update(overrides)
    return RecordData(**base)


def from_source(employee, **overrides) -> SourceRecord:
    base = {
        "source_key": f"course:7:{employee.pk}:day",
        "employee_id": employee.pk,
        "category": Category.PLATFORM_ONLINE,
        "form": Form.ONLINE,
        "name": "科研诚信在线课程",
        "start_date": TODAY,
        "end_date": TODAY,
        "seconds": 2 * H,
    }
    base.update(overrides)
    return SourceRecord(**base)


# --- the form (record_submit) --------------------------------------------------------------------------


def test_form_refuses_an_end_date_after_today(cast, login):
    response = login(cast.employee).post(
        reverse("ledger:record_create", args=[Category.EXTERNAL_TRAINING]),
        {
            "name": "明日的会议",
            "form": Form.CONFERENCE,
            "start_date": TOMORROW.isoformat(),
            "end_date": TOMORROW.isoformat(),
            "hours": "8",
            "assessment": "passed",
        },
    )
    assert response.status_code == 200
    assert str(MSG_END_IN_FUTURE) in [str(e) for e in response.context["form"].errors["end_date"]]
    assert not Record.objects.exists()


def test_record_submit_refuses_the_future_whoever_calls_it(cast):
    with pytest.raises(ValidationError) as caught:
        services.record_submit(
            actor=cast.employee,
            employee=cast.employee.employee,
            data=entered(start_date=TOMORROW, end_date=TOMORROW, seconds=8 * H),
        )
    assert caught.value.message_dict["end_date"] == [str(MSG_END_IN_FUTURE)]


# --- the upload (records_bulk_create) ------------------------------------------------------------------


def test_bulk_create_refuses_a_future_row_and_saves_nothing(cast):
    """The upload's write path checks every row itself, whatever its caller validated (fails before #8)."""
    items = [entered(name="昨日报告"), entered(name="明年的会议", start_date=NEXT_YEAR, end_date=NEXT_YEAR)]
    with pytest.raises(ValidationError) as caught:
        services.records_bulk_create(actor=cast.employee, employee=cast.employee.employee, items=items)
    assert "第 2 条记录“明年的会议”" in caught.value.messages[0]
    assert str(MSG_END_IN_FUTURE) in caught.value.messages[0]
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"seconds": 17 * H}, "学时不能超过"),  # two days hold at most 16 hours (第十条)
        ({"seconds": 0}, str(MSG_HOURS_POSITIVE)),
        ({"start_date": TODAY, "end_date": TODAY - dt.timedelta(days=2)}, "结束时间不能早于开始时间"),
    ],
)
def test_bulk_create_refuses_what_no_record_may_hold(cast, overrides, fragment):
    with pytest.raises(ValidationError) as caught:
        services.records_bulk_create(
            actor=cast.employee, employee=cast.employee.employee, items=[entered(**overrides)]
        )
    assert fragment in caught.value.messages[0]
    assert not Record.objects.exists()


def test_upload_staged_yesterday_with_todays_rows_is_refused_when_confirmed_too_early(client, cast):
    """A batch whose rows end on a day that is (again) in the future by the time it is confirmed saves
    nothing: the check runs at commit, on the common path."""
    client.force_login(cast.employee)
    row = good_row(start_date=TODAY, end_date=TODAY, hours=8)
    client.post(
        reverse("ledger:upload", args=[Category.EXTERNAL_TRAINING]),
        {"file": SimpleUploadedFile("r.xlsx", workbook_bytes(Category.EXTERNAL_TRAINING, [row]), XLSX)},
    )
    batch = UploadBatch.objects.get()
    assert batch.status == UploadStatus.READY
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        client.post(reverse("ledger:upload_confirm", args=[batch.pk]))
    assert not Record.objects.exists()
    batch.refresh_from_db()
    assert batch.status == UploadStatus.READY


# --- a source (source_records_sync: programmes, platform courses, later the API) -------------------------


def test_source_sync_refuses_a_record_ending_next_year(cast):
    """The issue's case: a source saved a record ending next year (fails before #8)."""
    employee = cast.employee.employee
    with pytest.raises(ValidationError) as caught:
        services.source_records_sync(
            actor=cast.manager,
            source=Source.PLATFORM,
            key_prefix="course:7:",
            items=[from_source(employee, start_date=NEXT_YEAR, end_date=NEXT_YEAR)],
        )
    assert str(MSG_END_IN_FUTURE) in caught.value.messages[0]
    assert not Record.objects.exists()


def test_source_sync_refuses_tomorrow_but_takes_today(cast):
    employee = cast.employee.employee
    with pytest.raises(ValidationError):
        services.source_records_sync(
            actor=cast.manager,
            source=Source.PLATFORM,
            key_prefix="course:7:",
            items=[from_source(employee, start_date=TOMORROW, end_date=TOMORROW)],
        )
    counts = services.source_records_sync(
        actor=cast.manager, source=Source.PLATFORM, key_prefix="course:7:", items=[from_source(employee)]
    )
    assert counts["created"] == 1
    assert Record.objects.get().end_date == TODAY


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"seconds": 9 * H}, "学时不能超过"),  # one day holds at most 8 hours (第十条)
        ({"seconds": 0}, str(MSG_HOURS_POSITIVE)),
        ({"start_date": TODAY, "end_date": TODAY - dt.timedelta(days=1)}, "结束时间不能早于开始时间"),
    ],
)
def test_source_sync_refuses_what_no_record_may_hold(cast, overrides, fragment):
    """A clear refusal before any write, not a database error halfway through."""
    with pytest.raises(ValidationError) as caught:
        services.source_records_sync(
            actor=cast.manager,
            source=Source.PLATFORM,
            key_prefix="course:7:",
            items=[from_source(cast.employee.employee, **overrides)],
        )
    assert fragment in caught.value.messages[0]
    assert not Record.objects.exists()


def test_source_sync_update_to_a_future_end_is_refused_and_keeps_the_record(cast):
    employee = cast.employee.employee
    services.source_records_sync(
        actor=cast.manager, source=Source.PLATFORM, key_prefix="course:7:", items=[from_source(employee)]
    )
    with pytest.raises(ValidationError):
        services.source_records_sync(
            actor=cast.manager,
            source=Source.PLATFORM,
            key_prefix="course:7:",
            items=[from_source(employee, end_date=NEXT_YEAR)],
        )
    assert Record.objects.live().get().end_date == TODAY


# --- model validation ----------------------------------------------------------------------------------


def test_model_validation_refuses_a_future_end(cast):
    employee = cast.employee.employee
    record = Record(
        employee=employee,
        unit=employee.unit,
        category=Category.EXTERNAL_TRAINING,
        form=Form.CONFERENCE,
        name="明日的会议",
        start_date=TOMORROW,
        end_date=TOMORROW,
        seconds=8 * H,
    )
    record.derive()
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    assert caught.value.message_dict["end_date"] == [str(MSG_END_IN_FUTURE)]
