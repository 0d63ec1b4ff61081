"""Pages of the polls module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "polls"

urlpatterns: list = []
