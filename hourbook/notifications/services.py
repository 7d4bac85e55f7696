"""Sending and reading 通知消息."""

from dataclasses import dataclass

from django.utils import timezone

from .models import Notification


@dataclass(frozen=True)
class Message:
    """One notification to send; a recipient of None (a person without an account) is skipped."""

    recipient: object
    title: str
    body: str = ""
    link: str = ""


def notification_send(*, recipient, title: str, body: str = "", link: str = "") -> Notification | None:
    """Tell a person something; people without an account are skipped (returns None)."""
    if recipient is None:
        return None
    return Notification.objects.create(recipient=recipient, title=str(title)[:200], body=str(body), link=link)


def notifications_send_bulk(*, messages: list[Message]) -> list[Notification]:
    """Send many notifications in one insert (bulk review decisions); recipients of None are skipped."""
    return Notification.objects.bulk_create(
        [
            Notification(recipient=m.recipient, title=str(m.title)[:200], body=str(m.body), link=m.link)
            for m in messages
            if m.recipient is not None
        ],
        batch_size=500,
    )


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
