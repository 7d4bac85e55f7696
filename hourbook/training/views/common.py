"""Helpers shared by the training views: who may manage, and fetching a programme in scope."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from hourbook.accounts.scope import scope_of
from hourbook.common.dates import today

from ..models import Programme

MIN_YEAR = 2019


def require_manager(request: HttpRequest) -> None:
    """Management pages are for programme managers, HR and the academy admin; others get 403."""
    if not scope_of(request.user).is_manager:
        raise PermissionDenied


def managed_programme(request: HttpRequest, pk: int) -> Programme:
    """A programme the user manages: 403 without the role, 404 outside the user's unit trees."""
    require_manager(request)
    return get_object_or_404(Programme.objects.visible_to(request.user).select_related("unit"), pk=pk)


def year_choices() -> list[int]:
    """Plans may be made a year ahead; records start in 2019 (人字〔2019〕89号)."""
    return list(range(today().year + 1, MIN_YEAR - 1, -1))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
