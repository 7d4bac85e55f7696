"""Policy screens (namespace "policy"): unit rules (第十六条), an employee's applicable rule, the year policy."""

from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.unit_rules, name="rules"),
    path("mine/", views.my_rule, name="my_rule"),
    path("year/", views.year_policy_edit, name="year_policy"),
]
