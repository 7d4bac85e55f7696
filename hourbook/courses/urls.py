"""URLs of the platform's courses: 课程资源, lessons and their study reports, 我的课程, 我的课件 (authoring)."""

from django.urls import path

from .views import authoring, catalogue, study

app_name = "courses"
urlpatterns = [
    # 课程资源 and 教师资源
    path("", catalogue.catalogue, name="catalogue"),
    path("<int:pk>/", catalogue.course_detail, name="course_detail"),
    path("<int:pk>/cover/", catalogue.cover, name="cover"),
    path("teachers/<int:pk>/", catalogue.teacher_detail, name="teacher_detail"),
    # Lessons
    path("lessons/<int:pk>/", study.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/file/", study.lesson_file, name="lesson_file"),
    path("lessons/<int:pk>/report/", study.lesson_report_view, name="lesson_report"),
    # 我的课程
    path("mine/", catalogue.mine, name="mine"),
    # 我的课件 (authoring)
    path("manage/", authoring.manage_list, name="manage_list"),
    path("manage/new/", authoring.course_create, name="course_create"),
    path("manage/<int:pk>/", authoring.manage_course, name="manage_course"),
    path("manage/<int:pk>/edit/", authoring.course_edit, name="course_edit"),
    path("manage/<int:pk>/publish/", authoring.course_publish, name="course_publish"),
    path("manage/<int:pk>/lessons/new/", authoring.lesson_create, name="lesson_create"),
    path("manage/lessons/<int:pk>/edit/", authoring.lesson_edit, name="lesson_edit"),
    path("manage/lessons/<int:pk>/move/", authoring.lesson_move_view, name="lesson_move"),
    path("manage/lessons/<int:pk>/delete/", authoring.lesson_delete_view, name="lesson_delete"),
]
