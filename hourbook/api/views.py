"""接口令牌: the academy admin's page to create and revoke integration tokens (the secret is shown once)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hourbook.accounts.scope import scope_of

from .forms import TokenForm
from .models import ApiToken
from .services import create_token, revoke_token


def _academy_only(request: HttpRequest) -> None:
    if not scope_of(request.user).academy_admin:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    _academy_only(request)
    secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = None
        if data["expires_on"]:
            end = dt.datetime.combine(data["expires_on"] + dt.timedelta(days=1), dt.time.min)
            expires_at = timezone.make_aware(end)
        try:
            _token, secret = create_token(
                actor=request.user,
                name=data["name"],
                unit=data["unit"],
                permissions=data["permissions"],
                expires_at=expires_at,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.select_related("unit", "created_by").order_by("-created_at")
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "secret": secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _academy_only(request)
    token = get_object_or_404(ApiToken, pk=pk)
    revoke_token(actor=request.user, token=token)
    messages.success(request, _("已吊销令牌：%(name)s") % {"name": token.name})
    return redirect("api:tokens")
