"""Pages of the coupons module: my coupons (wallet) and claiming by code."""

from django.urls import path

from shequ.coupons import views

app_name = "coupons"

urlpatterns = [
    path("", views.wallet_view, name="wallet"),
    path("claim/", views.claim_view, name="claim"),
]
