"""URL patterns of the ledger's uploads screens (namespace "ledger", joined in ledger/urls.py).

批量上传 of 我的外部学习: per tab the template and the upload form; per staged batch the preview, the workbook
with the bad cells marked, and the commit. The records list links here by name with the category as argument.
"""

from django.urls import path

from .views import uploads

urlpatterns = [
    # One staged batch (private to its owner).
    path("uploads/<int:batch_id>/", uploads.upload_detail, name="upload_detail"),
    path("uploads/<int:batch_id>/errors/", uploads.upload_errors, name="upload_errors"),
    path("uploads/<int:batch_id>/confirm/", uploads.upload_confirm, name="upload_confirm"),
    # One tab: its template and the upload form.
    path("uploads/<slug:category>/", uploads.upload, name="upload"),
    path("uploads/<slug:category>/template/", uploads.upload_template, name="upload_template"),
]
