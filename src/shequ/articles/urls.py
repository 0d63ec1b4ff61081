"""Pages of the articles module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "articles"

urlpatterns: list = []
