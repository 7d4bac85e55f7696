"""/api/v1/ (the API and its schema), /api/docs (the rendered schema), /api/tokens/ (the academy's tokens)."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import views
from .api import api

token_patterns = (
    [
        path("tokens/", views.token_list, name="tokens"),
        path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    ],
    "api",
)

urlpatterns = [
    path("v1/", api.urls),
    path(
        "docs",
        RedirectView.as_view(pattern_name="api-v1:openapi-view", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    path("", include(token_patterns)),
]
