"""URL patterns of the ledger's records screens (namespace "ledger", joined in ledger/urls.py).

我的外部学习: one tab per employee category (/records/external_training/ …), a record's pages, its evidence.
"""

from django.urls import path

from .views import evidence, records

urlpatterns = [
    # The tabs and batch delete.
    path("records/batch-delete/", records.records_batch_delete, name="records_batch_delete"),
    path("records/<slug:category>/", records.record_list, name="records"),
    path("records/<slug:category>/new/", records.record_create, name="record_create"),
    # One record.
    path("record/<int:pk>/", records.record_detail, name="record_detail"),
    path("record/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("record/<int:pk>/delete/", records.record_delete, name="record_delete"),
    # Its evidence files (证明材料).
    path("record/<int:pk>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
]
