"""Pages of the loyalty module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "loyalty"

urlpatterns: list = []
