"""Login with 验证码 and lockout, logout, change password."""

from captcha.views import captcha_image as render_captcha_image
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import captcha
from .backends import LOCK_ATTRIBUTE
from .forms import LoginForm, PasswordChangeForm
from .services import password_change as change_password

MSG_WRONG_CREDENTIALS = gettext_lazy("账号或密码错误")


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["account"], password=form.cleaned_data["password"]
        )
        if user is None:
            lock = getattr(request, LOCK_ATTRIBUTE, None)
            form.add_error(None, lock.message() if lock is not None else MSG_WRONG_CREDENTIALS)
        else:
            login(request, user)
            if user.must_change_password:
                return redirect("accounts:password_change")
            if next_url and url_has_allowed_host_and_scheme(
                next_url, {request.get_host()}, request.is_secure()
            ):
                return redirect(next_url)
            return redirect(settings.LOGIN_REDIRECT_URL)
    key = captcha.new_key()  # every page shows a new image: the one just tried is spent
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "captcha_key": key,
            "captcha_image": reverse("accounts:captcha", args=[key]),
            "captcha_bypass": settings.CAPTCHA_BYPASS,
        },
    )


@never_cache
@require_GET
def captcha_image(request: HttpRequest, key: str) -> HttpResponse:
    """The image of one challenge (410 once it is spent or expired)."""
    return render_captcha_image(request, key, scale=1)


@never_cache
@require_GET
def captcha_refresh(request: HttpRequest) -> JsonResponse:
    """A new challenge for the login page's 换一张 link (without script, the link reloads the page)."""
    key = captcha.new_key()
    return JsonResponse({"key": key, "image_url": reverse("accounts:captcha", args=[key])})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = change_password(
                actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})
