from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("pending-count/", views.queue_pending_count, name="pending_count"),
    path("bulk/", views.bulk_decide, name="bulk"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/approve/", views.record_approve, name="approve"),
    path("records/<int:pk>/reject/", views.record_reject, name="reject"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="revoke"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
