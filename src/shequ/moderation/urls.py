"""Pages of the moderation module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "moderation"

urlpatterns: list = []
