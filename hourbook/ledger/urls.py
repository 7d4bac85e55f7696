from django.urls import path

from . import urls_records, urls_uploads
from .views import home

app_name = "ledger"
urlpatterns = [
    path("", home.home, name="home"),
    path("archive/", home.archive, name="archive"),
    path("explain/", home.explain_view, name="explain"),
    *urls_records.urlpatterns,
    *urls_uploads.urlpatterns,
]
