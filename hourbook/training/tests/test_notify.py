"""Trainees are told, once, what the first registration of a programme gave them (通知消息)."""

import pytest

from hourbook.notifications.models import Notification
from hourbook.training.choices import AttendanceStatus, SessionLength
from hourbook.training.services import programme_register_hours
from hourbook.training.tests.factories import enrol, make_programme, mark, past_days


@pytest.mark.django_db
def test_first_registration_notifies_each_trainee_once(cast):
    programme = make_programme(cast.units["unit"], past_days(7, SessionLength.DAY))
    _present, absent = enrol(programme, [cast.employee.employee, cast.colleague.employee])
    mark(absent, programme.sessions.order_by("date").first(), AttendanceStatus.ABSENT)
    programme_register_hours(actor=cast.manager, programme=programme)
    programme_register_hours(actor=cast.manager, programme=programme)  # registering again: no second message
    mine = Notification.objects.filter(recipient=cast.employee)
    theirs = Notification.objects.filter(recipient=cast.colleague)
    assert mine.count() == 1 and "登记 56 学时" in mine.get().body
    assert theirs.count() == 1 and "1/7" in theirs.get().body  # 第十条: one day of seven missed
