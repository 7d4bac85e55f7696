from hourbook.notifications.models import Notification
from hourbook.notifications.services import notification_send
from hourbook.testing.access import PERSONAS, Access, register


def _unread_for_everyone(cast):
    for persona in PERSONAS:
        notification_send(recipient=cast[persona], title="新消息")


register("notifications:list", Access(ok=PERSONAS))
register(
    "notifications:mark_read",
    Access(
        method="POST",
        ok=PERSONAS,
        ok_status=(302,),
        setup=_unread_for_everyone,
        # Each persona marks exactly their own notification read, never another's.
        effect=lambda cast, objects: Notification.objects.filter(read_at__isnull=False).count() == 1,
    ),
)
