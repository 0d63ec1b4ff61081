"""Pages of the messaging module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "messaging"

urlpatterns: list = []
