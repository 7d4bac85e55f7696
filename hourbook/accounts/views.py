"""Login with 验证码 and lockout, logout, change password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import captcha
from .forms import LoginForm, PasswordChangeForm
from .services import lock_remaining, login_failed, login_succeeded


def _client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind our nginx (TRUST_X_REAL_IP) the header it always overwrites."""
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or None


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"]
        remaining = lock_remaining(account)
        if remaining is not None:
            minutes = max(1, int(remaining.total_seconds() + 59) // 60)
            form.add_error(
                None, _("密码连续错误次数过多，账号已锁定，请 %(m)s 分钟后再试。") % {"m": minutes}
            )
        elif not captcha.check(request.session, form.cleaned_data["captcha"]):
            form.add_error("captcha", _("验证码错误，请重新输入"))
        else:
            user = authenticate(request, username=account, password=form.cleaned_data["password"])
            if user is None:
                login_failed(account, _client_ip(request))
                if lock_remaining(account) is not None:
                    form.add_error(None, _("密码连续错误 5 次，账号已锁定 15 分钟。"))
                else:
                    form.add_error(None, _("账号或密码错误"))
            else:
                login_succeeded(account)
                login(request, user)
                if user.must_change_password:
                    return redirect("accounts:password_change")
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, {request.get_host()}, request.is_secure()
                ):
                    return redirect(next_url)
                return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "captcha_bypass": settings.CAPTCHA_BYPASS},
    )


@never_cache
@require_GET
def captcha_image(request: HttpRequest) -> HttpResponse:
    answer = captcha.new_challenge(request.session)
    return HttpResponse(captcha.render_png(answer), content_type="image/png")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改"))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})
