"""URL patterns of the ledger's uploads screens (namespace "ledger", joined in ledger/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
