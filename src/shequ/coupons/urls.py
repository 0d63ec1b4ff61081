"""Pages of the coupons module (filled in by its owner)."""

from django.urls import path  # noqa: F401

app_name = "coupons"

urlpatterns: list = []
