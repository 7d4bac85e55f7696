"""单位学时报表 (namespace "reports"): the unit report, its export and the year's records export."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.unit_report, name="unit"),
    path("export.xlsx", views.unit_export, name="unit_export"),
    path("records.xlsx", views.records_export, name="records_export"),
    path("records-job/", views.records_export_job, name="records_export_job"),
]
