"""Pages of the campaigns module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "campaigns"

urlpatterns: list = []
