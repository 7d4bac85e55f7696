"""培训计划: creating and editing a plan with its sessions (第十条), the filtered list and its query budget."""

import datetime as dt

import pytest
from django.urls import reverse

from hourbook.ledger.choices import Form, ProgrammeType
from hourbook.training.choices import SessionLength
from hourbook.training.models import Attendance, Programme
from hourbook.training.tests.factories import enrol, make_programme, past_days

H = 3600
D = dt.date(2025, 4, 7)


def plan_post(unit, sessions, **fields) -> dict:
    """The plan form's POST: fields plus the session formset (pk optional, DELETE optional)."""
    data = {
        "unit": unit.pk,
        "name": "研究生导师能力提升培训班",
        "content": "导师职责与学术规范",
        "organiser": "物理研究所人事处",
        "place": "M楼报告厅",
        "programme_type": ProgrammeType.CLASS,
        "form": Form.SPECIAL_COURSE,
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": sum(1 for s in sessions if s.get("id")),
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    data.update(fields)
    for i, session in enumerate(sessions):
        for key, value in session.items():
            data[f"sessions-{i}-{key}"] = value
    return data


def test_manager_creates_a_plan_with_sessions(cast, login):
    """The plan's hours follow from its sessions: 2 days + 1 half day = 20 学时 (第十条)."""
    client = login(cast.manager)
    sessions = [
        {"date": "2025-04-07", "length": "day"},
        {"date": "2025-04-08", "length": "day"},
        {"date": "2025-04-09", "length": "half"},
        {"date": "", "length": "day"},  # an empty extra row is ignored
    ]
    response = client.post(
        reverse("training:programme_create"), plan_post(cast.units["unit"], sessions, off_job="on")
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:programme_detail", args=[programme.pk])
    assert (programme.seconds, programme.start_date, programme.end_date) == (20 * H, D, D + dt.timedelta(2))
    assert programme.off_job and programme.created_by == cast.manager
    assert programme.sessions.count() == 3


def test_plan_needs_a_session(cast, login):
    response = login(cast.manager).post(
        reverse("training:programme_create"), plan_post(cast.units["unit"], [])
    )
    assert response.status_code == 200
    assert "请至少安排一次培训日程" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_day_holds_at_most_eight_hours(cast, login):
    """第十条: one day is 8 学时; a full day and a half day on one date would make 12 and are refused."""
    sessions = [{"date": "2025-04-07", "length": "day"}, {"date": "2025-04-07", "length": "half"}]
    response = login(cast.manager).post(
        reverse("training:programme_create"), plan_post(cast.units["unit"], sessions)
    )
    assert "2025-04-07 的日程超过一天" in response.content.decode()
    assert not Programme.objects.exists()
    two_halves = [{"date": "2025-04-07", "length": "half"}, {"date": "2025-04-07", "length": "half"}]
    login(cast.manager).post(reverse("training:programme_create"), plan_post(cast.units["unit"], two_halves))
    assert Programme.objects.get().seconds == 8 * H


def test_unit_outside_the_managers_tree_is_refused(cast, login):
    """A manager of 物理研究所 cannot create a plan for 化学研究所 (the form offers only their tree)."""
    response = login(cast.manager).post(
        reverse("training:programme_create"),
        plan_post(cast.units["sibling"], [{"date": "2025-04-07", "length": "day"}]),
    )
    assert response.status_code == 200
    assert not Programme.objects.exists()
    body = login(cast.manager).get(reverse("training:programme_create")).content.decode()
    assert "人力资源处" in body and "化学研究所" not in body


def test_editing_keeps_attendance_of_kept_sessions(cast, login):
    """Editing changes one session, removes another (with its attendance) and adds a third."""
    programme = make_programme(cast.units["unit"], past_days(2, SessionLength.DAY, D))
    enrol(programme, [cast.employee.employee])
    first, second = programme.sessions.order_by("date")
    sessions = [
        {"id": first.pk, "date": "2025-04-07", "length": "half"},
        {"id": second.pk, "date": "2025-04-08", "length": "day", "DELETE": "on"},
        {"date": "2025-04-10", "length": "day"},
    ]
    response = login(cast.hr).post(
        reverse("training:programme_edit", args=[programme.pk]),
        plan_post(cast.units["unit"], sessions, name="改名后的培训班"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "改名后的培训班"
    assert programme.seconds == 12 * H and programme.end_date == dt.date(2025, 4, 10)
    assert list(Attendance.objects.values_list("session_id", flat=True)) == [first.pk]


def test_forged_session_id_of_another_programme_is_refused(cast, login):
    mine = make_programme(cast.units["unit"], past_days(1, SessionLength.DAY, D))
    theirs = make_programme(cast.units["sibling"], past_days(1, SessionLength.DAY, D))
    foreign = theirs.sessions.get()
    response = login(cast.manager).post(
        reverse("training:programme_edit", args=[mine.pk]),
        plan_post(cast.units["unit"], [{"id": foreign.pk, "date": "2025-05-01", "length": "half"}]),
    )
    assert response.status_code in (200, 403)
    foreign.refresh_from_db()
    assert (foreign.date, foreign.length) == (D, "day")


def test_list_filters_by_name_type_year_and_unit(cast, login):
    make_programme(cast.units["unit"], past_days(1, "day", D), name="青年骨干培训班")
    make_programme(
        cast.units["dept"],
        past_days(1, "day", dt.date(2024, 5, 6)),
        name="人事业务系列讲座",
        programme_type=ProgrammeType.SERIES,
    )
    make_programme(cast.units["sibling"], past_days(1, "day", D), name="化学所安全培训班")
    client = login(cast.manager)
    url = reverse("training:programme_list")

    def names(**params):
        response = client.get(url, params)
        return sorted(p.name for p in response.context["page"])

    assert names() == ["人事业务系列讲座", "青年骨干培训班"]  # never the sibling's
    assert names(q="骨干") == ["青年骨干培训班"]
    assert names(type="series") == ["人事业务系列讲座"]
    assert names(year=2024) == ["人事业务系列讲座"]
    assert names(unit=cast.units["dept"].pk) == ["人事业务系列讲座"]
    assert names(unit=cast.units["sibling"].pk) == names()  # not a choice: the filter is ignored
    fragment = client.get(url, {"q": "骨干"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "青年骨干培训班" in fragment.content.decode()
    assert len(names(**{})) == 2
    assert login(cast.academy).get(url).context["page"].paginator.count == 3


@pytest.mark.parametrize("n", [5, 50])
def test_list_query_count_does_not_grow(cast, login, django_assert_num_queries, n):
    """The list runs the same number of queries with 5 and with 50 plans."""
    for i in range(n):
        enrol(make_programme(cast.units["unit"], past_days(1, "day", D), name=f"班{i}"), [])
    client = login(cast.manager)
    client.get(reverse("training:programme_list"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("training:programme_list"))
    assert response.status_code == 200


def test_delete_withdraws_registered_records(cast, login):
    from hourbook.ledger.models import Record
    from hourbook.training.services import programme_register_hours

    programme = make_programme(cast.units["unit"], past_days(1, "day", D))
    enrol(programme, [cast.employee.employee])
    programme_register_hours(actor=cast.manager, programme=programme)
    response = login(cast.manager).post(reverse("training:programme_delete", args=[programme.pk]))
    assert response.status_code == 302
    assert not Programme.objects.exists()
    record = Record.objects.get(employee=cast.employee.employee)
    assert record.deleted_at is not None


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 200), ("content", 2000), ("organiser", 200), ("place", 200)]
)
def test_every_text_field_has_its_maximum(cast, login, field, limit):
    """Issue 8, item 10: 培训内容 had no limit."""
    client = login(cast.manager)
    sessions = [{"date": "2025-04-07", "length": "day"}]
    response = client.post(
        reverse("training:programme_create"),
        plan_post(cast.units["unit"], sessions, **{field: "字" * (limit + 1)}),
    )
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not Programme.objects.exists()
    client.post(
        reverse("training:programme_create"), plan_post(cast.units["unit"], sessions, **{field: "字" * limit})
    )
    assert len(getattr(Programme.objects.get(), field)) == limit


def test_a_name_of_invisible_characters_is_required(cast, login):
    """Issue 8, item 11."""
    client = login(cast.manager)
    sessions = [{"date": "2025-04-07", "length": "day"}]
    response = client.post(
        reverse("training:programme_create"),
        plan_post(cast.units["unit"], sessions, name="\u200b\u200b\ufeff"),
    )
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert not Programme.objects.exists()


def test_the_service_refuses_an_invisible_name_from_any_caller(cast):
    """The form is one caller; the service applies the same rule (issue 8, item 11)."""
    from django.core.exceptions import ValidationError

    from hourbook.training.services import SessionSpec, programme_save

    data = {
        "unit": cast.units["unit"],
        "name": "\u200b\u200b",
        "content": "\u200b",
        "organiser": "",
        "place": "",
        "programme_type": ProgrammeType.CLASS,
        "form": Form.SPECIAL_COURSE,
        "off_job": False,
        "assessed": False,
    }
    sessions = [SessionSpec(date=D, length=SessionLength.DAY)]
    with pytest.raises(ValidationError) as refused:
        programme_save(actor=cast.manager, programme=None, data=data, sessions=sessions)
    assert "name" in refused.value.message_dict
    assert not Programme.objects.exists()
