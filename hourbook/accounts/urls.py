from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("captcha/<slug:key>.png", views.captcha_image, name="captcha"),
    path("captcha/refresh/", views.captcha_refresh, name="captcha_refresh"),
    path("password/", views.password_change, name="password_change"),
]
