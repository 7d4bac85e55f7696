"""通知消息: a person's notifications, newest first; marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .services import notifications_mark_read


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The page shown is read: its unread notifications are marked read, and highlighted this once."""
    qs = Notification.objects.visible_to(request.user)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    fresh = [n.pk for n in page.object_list if n.read_at is None]
    if fresh:
        notifications_mark_read(user=request.user, ids=fresh)
    # The badge in the menu counts what is still unread after this page.
    unread = Notification.objects.visible_to(request.user).unread().count()
    return render(
        request,
        "notifications/list.html",
        {"page": page, "fresh": set(fresh), "unread_notifications": unread},
    )


@login_required
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect("notifications:list")
