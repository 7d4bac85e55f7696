"""The admin site without a login page of its own.

Every way in goes through the same captcha and lockout (issue 8): `/admin/login/` sends the visitor to the
site's login, which returns to the admin after a staff account logs in. (Django's admin login form would call
`authenticate()` and meet the backend's lockout, but not the captcha.)
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


class HourbookAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(
            f"{reverse('accounts:login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        )


class AdminConfig(DjangoAdminConfig):
    """`django.contrib.admin` with `HourbookAdminSite` as `admin.site` (INSTALLED_APPS names this class)."""

    default_site = "hourbook.accounts.admin_site.HourbookAdminSite"
