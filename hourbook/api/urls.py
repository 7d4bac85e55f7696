"""/api/v1/ (the API and its schema) and /api/docs (the rendered schema)."""

from django.urls import path
from django.views.generic import RedirectView

from .api import api

urlpatterns = [
    path("v1/", api.urls),
    path(
        "docs",
        RedirectView.as_view(pattern_name="api-v1:openapi-view", http_method_names=["get", "head"]),
        name="api-docs",
    ),
]
