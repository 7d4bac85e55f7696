"""Root URLs: one include per app, each namespaced."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("hourbook.ledger.urls")),
    path("accounts/", include("hourbook.accounts.urls")),
    path("notifications/", include("hourbook.notifications.urls")),
    path("review/", include("hourbook.review.urls")),
    path("roster/", include("hourbook.roster.urls")),
    path("training/", include("hourbook.training.urls")),
    path("courses/", include("hourbook.courses.urls")),
    path("reports/", include("hourbook.reports.urls")),
    path("policy/", include("hourbook.policy.urls")),
    path("audit/", include("hourbook.audit.urls")),
    path("jobs/", include("hourbook.jobs.urls")),
    path("api/", include("hourbook.api.urls")),
    path("admin/", admin.site.urls),
]
