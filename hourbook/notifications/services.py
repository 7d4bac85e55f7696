"""Sending and reading 通知消息."""

from django.utils import timezone

from .models import Notification


def notification_send(*, recipient, title: str, body: str = "", link: str = "") -> Notification | None:
    """Tell a person something; people without an account are skipped (returns None)."""
    if recipient is None:
        return None
    return Notification.objects.create(recipient=recipient, title=str(title)[:200], body=str(body), link=link)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
