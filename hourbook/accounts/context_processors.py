"""The user's roles for the menus (read once per request, cached on the user)."""

from .scope import scope_of


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    unread = 0
    if "HX-Request" not in request.headers:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"scope": scope, "unread_notifications": unread}
