"""通知消息: a person's own notifications; opening the list reads the page shown; the unread badge."""

import pytest
from django.urls import reverse

from hourbook.notifications.models import Notification
from hourbook.notifications.services import Message, notification_send, notifications_send_bulk

pytestmark = pytest.mark.django_db


def test_opening_the_list_marks_the_page_read(cast, login):
    notification_send(recipient=cast.employee, title="学时记录未通过审核：报告会", body="理由：缺少证明")
    notification_send(recipient=cast.colleague, title="别人的消息")
    client = login(cast.employee)
    home = client.get(reverse("ledger:home")).content.decode()
    assert 'aria-label="未读">1</span>' in home
    response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert "学时记录未通过审核：报告会" in html and "理由：缺少证明" in html
    assert "别人的消息" not in html
    assert "list-group-item-warning" in html  # highlighted this once
    assert response.context["unread_notifications"] == 0
    assert not Notification.objects.filter(recipient=cast.employee, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.colleague, read_at__isnull=True).exists()
    assert "list-group-item-warning" not in client.get(reverse("notifications:list")).content.decode()


def test_bulk_send_skips_people_without_account(cast):
    sent = notifications_send_bulk(
        messages=[Message(recipient=cast.employee, title="a"), Message(recipient=None, title="b")]
    )
    assert [n.title for n in sent] == ["a"]
    assert Notification.objects.count() == 1
