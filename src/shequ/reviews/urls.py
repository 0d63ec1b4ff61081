"""Pages of the reviews module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "reviews"

urlpatterns: list = []
