from django.urls import path

from .views import home

app_name = "ledger"
urlpatterns = [
    path("", home.home, name="home"),
    path("archive/", home.archive, name="archive"),
    path("explain/", home.explain_view, name="explain"),
]
