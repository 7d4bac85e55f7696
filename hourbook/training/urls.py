"""URLs of in-house programmes, grouped by screen: 培训计划, 培训实施, exports, 我的培训班."""

from django.urls import path

from .views import delivery, exports, mine, plans

app_name = "training"
urlpatterns = [
    # 培训计划
    path("", plans.programme_list, name="programme_list"),
    path("new/", plans.programme_create, name="programme_create"),
    path("<int:pk>/edit/", plans.programme_edit, name="programme_edit"),
    path("<int:pk>/delete/", plans.programme_delete_view, name="programme_delete"),
    # 培训实施
    path("<int:pk>/", delivery.programme_detail, name="programme_detail"),
    path("<int:pk>/search/", delivery.employee_search, name="employee_search"),
    path("<int:pk>/trainees/add/", delivery.trainee_add, name="trainee_add"),
    path("<int:pk>/trainees/import/", delivery.trainee_import, name="trainee_import"),
    path("<int:pk>/trainees/remove/", delivery.trainee_remove, name="trainee_remove"),
    path("<int:pk>/attendance/", delivery.attendance, name="attendance"),
    path("<int:pk>/register/", delivery.register, name="register"),
    # Exports
    path("trainees/template.xlsx", exports.trainee_template, name="trainee_template"),
    path("<int:pk>/attendance.xlsx", exports.export_attendance, name="export_attendance"),
    path("<int:pk>/hours.xlsx", exports.export_hours, name="export_hours"),
    path("<int:pk>/signin/", exports.signin_sheet, name="signin_sheet"),
    # 我的培训班
    path("my/", mine.my_programmes, name="my_programmes"),
]
