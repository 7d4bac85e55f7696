"""单位人员名册 (namespace "roster"): people, their changes and accounts, the .xlsx import."""

from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.roster_list_view, name="list"),
    path("add/", views.employee_add, name="add"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("<int:pk>/edit/", views.employee_edit, name="edit"),
    path("<int:pk>/transfer/", views.employee_transfer, name="transfer"),
    path("<int:pk>/leave/", views.employee_leave, name="leave"),
    path("<int:pk>/account/", views.account_create, name="account_create"),
    path("<int:pk>/account/reset/", views.account_reset, name="account_reset"),
]
