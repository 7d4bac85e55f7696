"""Root URLs: one include per app, each namespaced."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("hourbook.ledger.urls")),
    path("accounts/", include("hourbook.accounts.urls")),
    path("notifications/", include("hourbook.notifications.urls")),
    path("admin/", admin.site.urls),
]
